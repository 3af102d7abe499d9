//! What the audit log says about the officer roster, written here and read
//! back here, so `audit verify` can rebuild the roster from its audited
//! changes. `officer.add` records the credential (target) and, in its
//! detail, the dates and (since docs/adr/0018) the name:
//! `valid 2020-01-01 to 2035-12-31, authorized 2020-02-01; name "Officer One"`.
//! Older records carry less: `valid 2020-01-01 to 2035-12-31` (before
//! authorization dates, schema 4) and no name. `officer.withdraw` records
//! `effective 2026-11-27T14:00:00Z: reason`.

use chrono::{DateTime, NaiveDate, Utc};

use crate::time::{stored, utc_text};

const NAME_MARK: &str = "; name ";
const AUTHORIZED_MARK: &str = ", authorized ";

/// The detail of an `officer.add` record.
pub fn officer_added(
    trained_on: NaiveDate,
    expires_on: NaiveDate,
    authorized_on: NaiveDate,
    name: &str,
) -> String {
    format!(
        "valid {trained_on} to {expires_on}{AUTHORIZED_MARK}{authorized_on}{NAME_MARK}{}",
        serde_json::to_string(name).unwrap_or_default()
    )
}

/// What an `officer.add` detail says; what an older one lacks is None.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerAdded {
    pub trained_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub authorized_on: Option<NaiveDate>,
    pub name: Option<String>,
}

pub fn parse_officer_added(detail: &str) -> Option<OfficerAdded> {
    let (dates, name) = match detail.split_once(NAME_MARK) {
        Some((dates, name)) => (dates, Some(serde_json::from_str::<String>(name).ok()?)),
        None => (detail, None),
    };
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let (valid, authorized_on) = match dates.split_once(AUTHORIZED_MARK) {
        Some((valid, authorized)) => (valid, Some(date(authorized)?)),
        None => (dates, None),
    };
    let (trained, expires) = valid.strip_prefix("valid ")?.split_once(" to ")?;
    Some(OfficerAdded {
        trained_on: date(trained)?,
        expires_on: date(expires)?,
        authorized_on,
        name,
    })
}

/// The reason the roster shows for a withdrawal ICE sent as an update.
pub fn withdrawn_by_ice(update_id: &str) -> String {
    format!("withdrawn by ICE (update {update_id})")
}

/// The detail of an `officer.withdraw` record.
pub fn officer_withdrawn(at: DateTime<Utc>, reason: &str) -> String {
    format!("effective {}: {reason}", utc_text(at))
}

pub fn parse_officer_withdrawn(detail: &str) -> Option<(DateTime<Utc>, String)> {
    let (at, reason) = detail.strip_prefix("effective ")?.split_once(": ")?;
    Some((stored(at).ok()?, reason.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn officer_details_round_trip_and_old_ones_still_read() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let name = "Ofc. \"Ray\" Núñez; name x, authorized 1999-01-01";
        let read = parse_officer_added(&officer_added(
            d("2020-01-01"),
            d("2035-12-31"),
            d("2020-02-01"),
            name,
        ))
        .unwrap();
        assert_eq!(read.name.as_deref(), Some(name));
        assert_eq!(read.authorized_on, Some(d("2020-02-01")));
        assert_eq!(
            (read.trained_on, read.expires_on),
            (d("2020-01-01"), d("2035-12-31"))
        );
        let v1 = parse_officer_added("valid 2020-01-01 to 2035-12-31").unwrap();
        assert_eq!(
            (v1.name, v1.authorized_on),
            (None, None),
            "records before schema 4"
        );
        let v4 =
            parse_officer_added("valid 2020-01-01 to 2035-12-31, authorized 2020-02-01").unwrap();
        assert_eq!((v4.name, v4.authorized_on), (None, Some(d("2020-02-01"))));
        assert_eq!(parse_officer_added("valid soon"), None);
        let at = stored("2026-11-27T14:00:00Z").unwrap();
        assert_eq!(
            parse_officer_withdrawn(&officer_withdrawn(at, "letter: 12/1")),
            Some((at, "letter: 12/1".to_owned()))
        );
    }
}
