//! The facility's MOA and agreements in the store: written at `init` from
//! FACILITY.toml, read back with the facility. A database from before schema
//! 4 has no MOA dates ("not recorded") and, if it had `igsa = 1`, the standing
//! IGSA the upgrade inserted.

use chrono::NaiveDate;
use rusqlite::{params, Connection, Transaction};

use crate::custody::agreement::{Agreement, AgreementKind, Moa};
use crate::custody::Facility;
use crate::error::{Error, Result, SqlContext};
use crate::time::{stored, utc_text};

pub(super) fn store(tx: &Transaction<'_>, facility: &Facility) -> Result<()> {
    tx.execute(
        "UPDATE facility SET moa_effective_on = ?1, moa_terminated_at = ?2 WHERE singleton = 1",
        params![
            facility.moa.effective_on.map(|d| d.to_string()),
            facility.moa.terminated_at.map(utc_text)
        ],
    )
    .ctx("writing the MOA")?;
    for a in &facility.agreements {
        tx.execute(
            "INSERT INTO agreement (id, kind, number, effective_on, expires_on, hold_limit_hours, note, standing)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                a.id,
                a.kind.as_str(),
                a.number,
                a.effective_on.map(|d| d.to_string()),
                a.expires_on.map(|d| d.to_string()),
                a.hold_limit_hours,
                a.note,
                a.standing
            ],
        )
        .ctx("writing an agreement")?;
    }
    Ok(())
}

pub(super) fn load(conn: &Connection) -> Result<(Moa, Vec<Agreement>)> {
    let (effective, terminated): (Option<String>, Option<String>) = conn
        .query_row(
            "SELECT moa_effective_on, moa_terminated_at FROM facility WHERE singleton = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ctx("reading the MOA")?;
    let moa = Moa {
        effective_on: effective.as_deref().map(date).transpose()?,
        terminated_at: terminated.as_deref().map(stored).transpose()?,
    };
    let mut stmt = conn
        .prepare(
            "SELECT id, kind, number, effective_on, expires_on, hold_limit_hours, note, standing
             FROM agreement ORDER BY rowid",
        )
        .ctx("reading agreements")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<u32>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, bool>(7)?,
            ))
        })
        .ctx("reading agreements")?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, number, effective_on, expires_on, hold_limit_hours, note, standing) =
            row.ctx("reading agreements")?;
        out.push(Agreement {
            kind: AgreementKind::parse(&kind).ok_or_else(|| Error::Database {
                message: format!("stored agreement kind '{kind}' is unknown"),
            })?,
            id,
            number,
            effective_on: effective_on.as_deref().map(date).transpose()?,
            expires_on: expires_on.as_deref().map(date).transpose()?,
            hold_limit_hours,
            note,
            standing,
        });
    }
    Ok((moa, out))
}

pub(super) fn date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| Error::Database {
        message: format!("stored date '{s}' is malformed"),
    })
}
