//! What the audit log says about the officer roster, written here and read
//! back here, so `audit verify` can rebuild the roster from its audited
//! changes. `officer.add` records the credential (target) and, in its
//! detail, the dates and (since schema 3's code, docs/adr/0017) the name:
//! `valid 2020-01-01 to 2035-12-31; name "Officer One"`. Older records carry
//! only the dates: `valid 2020-01-01 to 2035-12-31`.

use chrono::NaiveDate;

use crate::custody::officer::Officer;

const NAME_MARK: &str = "; name ";

/// The detail of an `officer.add` record.
pub fn officer_added(o: &Officer) -> String {
    format!(
        "valid {} to {}{NAME_MARK}{}",
        o.trained_on,
        o.expires_on,
        serde_json::to_string(&o.name).unwrap_or_default()
    )
}

/// What an `officer.add` detail says: the dates, and the name when recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerAdded {
    pub trained_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub name: Option<String>,
}

pub fn parse_officer_added(detail: &str) -> Option<OfficerAdded> {
    let (dates, name) = match detail.split_once(NAME_MARK) {
        Some((dates, name)) => (dates, Some(serde_json::from_str::<String>(name).ok()?)),
        None => (detail, None),
    };
    let (trained, expires) = dates.strip_prefix("valid ")?.split_once(" to ")?;
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    Some(OfficerAdded {
        trained_on: date(trained)?,
        expires_on: date(expires)?,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn officer_details_round_trip_and_old_ones_still_read() {
        let o = Officer {
            credential: "WSO-1".into(),
            name: "Ofc. \"Ray\" Núñez; name x".into(),
            trained_on: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            expires_on: NaiveDate::from_ymd_opt(2035, 12, 31).unwrap(),
            active: true,
        };
        let read = parse_officer_added(&officer_added(&o)).unwrap();
        assert_eq!(read.name.as_deref(), Some(o.name.as_str()));
        assert_eq!(
            (read.trained_on, read.expires_on),
            (o.trained_on, o.expires_on)
        );
        let old = parse_officer_added("valid 2020-01-01 to 2035-12-31").unwrap();
        assert_eq!(old.name, None, "records before names were audited");
        assert_eq!(old.expires_on, o.expires_on);
        assert_eq!(parse_officer_added("valid soon"), None);
    }
}
