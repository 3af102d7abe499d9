//! The desk: one encrypted database serving one booking desk at one facility,
//! and every action a signed-in user can take on it. The window, `wsoctl` and
//! tests all act through this type, so each rule is enforced here once:
//! validation, roles, the custody change, its sync event and its audit
//! record, all in one transaction.

mod accounts;
mod agreements;
mod booking;
mod closing;
mod complaints;
mod duties;
mod duty_views;
mod facility;
mod holds;
mod incidents;
mod officers;
mod people;
mod record;
mod roster_audit;
mod sessions;
mod verify;
mod views;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::audit::{self, Entry};
use crate::auth::{self, Actor, Role};
use crate::custody::facility::check_id;
use crate::custody::Facility;
use crate::error::{Error, Result, SqlContext};
use crate::store::{self, KeySource};
use crate::time::utc_text;

pub use accounts::KEY_HOLDER;
pub use booking::BookingPreview;
pub use complaints::{Complaint, NewComplaint};
pub(crate) use duties::notice_by_sync;
pub(crate) use facility::refold;
pub use facility::{
    booked_at_text, possible_duplicate_text, Freshness, HoldConflict, OtherDesk, Standing,
    STALE_AFTER_MINUTES,
};
pub use holds::CORRECTABLE_FIELDS;
pub use incidents::IncidentRow;
pub(crate) use officers::withdrawn_by_ice;
pub use people::{SignedIn, UserRow};
pub use sessions::{sign_in_first, CliSession};
pub use verify::{PeopleChecked, Verified};
pub use views::{ClaimView, HoldDetail, HoldSummary, IncidentView};

pub struct Desk {
    conn: Connection,
    path: PathBuf,
    key_file: Option<PathBuf>,
    facility: Facility,
    desk_id: String,
}

impl Desk {
    /// Create a new desk database: facility, first admin, new key.
    pub fn init(
        path: &Path,
        key_file: Option<&Path>,
        facility_toml: &str,
        desk_id: &str,
        admin: &str,
        admin_password: &str,
        now: DateTime<Utc>,
    ) -> Result<(Desk, KeySource)> {
        // Check everything before any file is created.
        let facility = Facility::from_toml(facility_toml)?;
        check_id(desk_id).map_err(|m| Error::invalid("desk_id", m))?;
        auth::check_username(admin)?;
        auth::check_password_policy(admin, admin_password)?;
        let password_hash = auth::hash_password(admin_password)?;
        let (mut conn, source) = store::create_new(path, key_file)?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting init")?;
        let perimeter = serde_json::to_string(&facility.perimeter).unwrap_or_default();
        tx.execute(
            "INSERT INTO facility (singleton, id, name, timezone, igsa, shift_hours, perimeter, desk_id, created_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                facility.id,
                facility.name,
                facility.timezone.name(),
                facility.igsa,
                facility.shift_hours,
                perimeter,
                desk_id,
                utc_text(now)
            ],
        )
        .ctx("writing the facility")?;
        for z in &facility.zones {
            tx.execute(
                "INSERT INTO zone (id, name, inside) VALUES (?1, ?2, ?3)",
                params![z.id, z.name, z.inside],
            )
            .ctx("writing a zone")?;
        }
        agreements::store(&tx, &facility)?;
        crate::store::user::insert_first_admin(&tx, admin, &password_hash, &utc_text(now))
            .ctx("writing the first admin")?;
        audit::record(
            &tx,
            desk_id,
            now,
            Entry {
                actor: admin,
                action: "desk.init",
                target: Some(&facility.id),
                outcome: "success",
                detail: Some(&format!(
                    "facility {} ({}), desk {desk_id}",
                    facility.id,
                    facility.timezone.name()
                )),
            },
        )?;
        tx.commit().ctx("committing init")?;
        let desk = Desk {
            conn,
            path: path.to_path_buf(),
            key_file: key_file.map(Path::to_path_buf),
            facility,
            desk_id: desk_id.to_owned(),
        };
        Ok((desk, source))
    }

    /// Open an existing desk database.
    pub fn open(path: &Path, key_file: Option<&Path>) -> Result<Desk> {
        let conn = store::open_existing(path, key_file)?;
        let (facility, desk_id) = load_facility(&conn)?;
        Ok(Desk {
            conn,
            path: path.to_path_buf(),
            key_file: key_file.map(Path::to_path_buf),
            facility,
            desk_id,
        })
    }

    pub fn facility(&self) -> &Facility {
        &self.facility
    }
    pub fn desk_id(&self) -> &str {
        &self.desk_id
    }
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// Read access for sibling modules (sync, handoff) that run their own queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }
    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The user an action runs as: must exist and be active (else refused, exit 3).
    pub fn actor(&self, username: &str) -> Result<Actor> {
        let row: Option<(String, String, bool, Option<String>)> = self
            .conn
            .query_row(
                "SELECT full_name, role, active, locked_at FROM user WHERE username = ?1",
                [username],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .ctx("reading the user")?;
        match row {
            None => Err(Error::refused(
                Some("as"),
                format!("no user '{username}' on this desk"),
            )),
            Some((_, _, false, _)) => Err(Error::refused(
                Some("as"),
                format!("user '{username}' is not active"),
            )),
            Some((_, _, _, Some(_))) => Err(Error::refused(
                Some("as"),
                format!("user '{username}' is locked; an admin must unlock the account"),
            )),
            Some((full_name, role, true, None)) => Ok(Actor {
                username: username.to_owned(),
                full_name,
                role: Role::parse(&role).unwrap_or(Role::Deputy),
            }),
        }
    }

    /// Append an audit record outside any custody transaction.
    pub fn audit(&self, now: DateTime<Utc>, entry: Entry<'_>) -> Result<()> {
        audit::record(&self.conn, &self.desk_id, now, entry)
    }

    pub fn recent_audit(
        &self,
        actor: &Actor,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<audit::AuditRecord>> {
        actor.require(Role::Supervisor, "reviewing the audit log")?;
        // Reading the audit log is itself audited (AU-2).
        self.audit(
            now,
            Entry {
                actor: &actor.username,
                action: "audit.read",
                target: None,
                outcome: "success",
                detail: None,
            },
        )?;
        audit::recent(&self.conn, limit)
    }

    /// Consistent encrypted copy of the live database (admins), written
    /// 0600 beside its name and named only once its audit record is in: a
    /// full disk or a failed record leaves no file. Never replaces a file.
    pub fn backup(&self, actor: &Actor, out: &Path, now: DateTime<Utc>) -> Result<()> {
        actor.require(Role::Admin, "a backup")?;
        let staged = store::files::Staged::new(out, store::files::Existing::Refuse("out"))?;
        store::backup(&self.conn, &self.path, self.key_file.as_deref(), &staged)?;
        let target = out.display().to_string();
        self.audit_file(
            now,
            Entry {
                actor: &actor.username,
                action: "backup",
                target: Some(&target),
                outcome: "success",
                detail: None,
            },
            staged,
        )
    }

    /// Publish a staged file with its audit record, both or neither
    /// (`audit::record_with_file`).
    pub fn audit_file(
        &self,
        now: DateTime<Utc>,
        entry: Entry<'_>,
        file: store::files::Staged,
    ) -> Result<()> {
        audit::record_with_file(&self.conn, &self.desk_id, now, entry, file)
    }

    fn write_tx(&mut self, what: &'static str) -> Result<Transaction<'_>> {
        // BEGIN IMMEDIATE: take the write lock before reading what we decide
        // on; a lock held past the busy timeout is retried, then reported.
        store::write_lock(&self.conn, what)
    }
}

fn load_facility(conn: &Connection) -> Result<(Facility, String)> {
    let row = conn
        .query_row(
            "SELECT id, name, timezone, igsa, shift_hours, perimeter, desk_id FROM facility WHERE singleton = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, u32>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            },
        )
        .optional()
        .ctx("reading the facility")?
        .ok_or_else(|| Error::Database { message: "this database has no facility; it was not made by `wsoctl init`".into() })?;
    let (id, name, tz, igsa, shift_hours, perimeter, desk_id) = row;
    let timezone = tz.parse().map_err(|_| Error::Database {
        message: format!("stored time zone '{tz}' is unknown"),
    })?;
    let perimeter = serde_json::from_str(&perimeter).map_err(|_| Error::Database {
        message: "stored perimeter is malformed".into(),
    })?;
    let (moa, agreements) = agreements::load(conn)?;
    let mut stmt = conn
        .prepare("SELECT id, name, inside FROM zone ORDER BY rowid")
        .ctx("reading zones")?;
    let zones = stmt
        .query_map([], |r| {
            Ok(crate::custody::Zone {
                id: r.get(0)?,
                name: r.get(1)?,
                inside: r.get(2)?,
            })
        })
        .ctx("reading zones")?
        .collect::<std::result::Result<Vec<_>, _>>()
        .ctx("reading zones")?;
    Ok((
        Facility {
            id,
            name,
            timezone,
            igsa,
            shift_hours,
            perimeter,
            zones,
            moa,
            agreements,
        },
        desk_id,
    ))
}
