//! The facility's Memorandum of Agreement with ICE and the agreements that
//! replace the 48 hours with their own limit, or with none (agreement.md s2, s3).
//! Dates (`effective_on`, `expires_on`) are facility-local calendar dates,
//! both included; `terminated_at` is an instant.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AgreementKind {
    Igsa,
    UsmsIga,
    Boa,
    Other,
}

impl AgreementKind {
    pub const ALL: [AgreementKind; 4] = [Self::Igsa, Self::UsmsIga, Self::Boa, Self::Other];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Igsa => "igsa",
            Self::UsmsIga => "usms_iga",
            Self::Boa => "boa",
            Self::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Igsa => "Intergovernmental Service Agreement (IGSA)",
            Self::UsmsIga => "U.S. Marshals agreement",
            Self::Boa => "Basic Ordering Agreement",
            Self::Other => "Other agreement",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The MOA itself. `effective_on = None`: a facility file from before `[moa]`,
/// read as in force with its dates "not recorded".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Moa {
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub effective_on: Option<NaiveDate>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub terminated_at: Option<DateTime<Utc>>,
}

pub const NOT_RECORDED: &str = "not recorded";

impl Moa {
    /// Is the MOA in force at `at`? The refusal names the field `moa`.
    pub fn check_in_force(&self, at: DateTime<Utc>, tz: Tz) -> Result<()> {
        let local = at.with_timezone(&tz).date_naive();
        if let Some(on) = self.effective_on.filter(|on| local < *on) {
            return Err(Error::refused(
                Some("moa"),
                format!("the facility's MOA takes effect on {on}, after {local}"),
            ));
        }
        if let Some(end) = self.terminated_at.filter(|end| at >= *end) {
            return Err(Error::refused(
                Some("moa"),
                format!(
                    "the facility's MOA was terminated at {}; termination revokes every authorization",
                    crate::time::utc_text(end)
                ),
            ));
        }
        Ok(())
    }
}

/// An agreement under which the jail may hold beyond the 48 hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Agreement {
    pub id: String,
    pub kind: AgreementKind,
    pub number: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub effective_on: Option<NaiveDate>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub expires_on: Option<NaiveDate>,
    /// None: no limit under this agreement.
    pub hold_limit_hours: Option<u32>,
    pub note: Option<String>,
    /// The old `igsa = true` switch: always in force, holds booked under it by default.
    pub standing: bool,
}

impl Agreement {
    /// The old `igsa = true` switch as one agreement (agreement.md s2).
    pub fn standing_igsa() -> Agreement {
        Agreement {
            id: "igsa".into(),
            kind: AgreementKind::Igsa,
            number: None,
            effective_on: None,
            expires_on: None,
            hold_limit_hours: None,
            note: None,
            standing: true,
        }
    }

    /// In force on the facility-local date of `at` (both dates included)?
    pub fn check_in_force(&self, field: &str, at: DateTime<Utc>, tz: Tz) -> Result<()> {
        let local = at.with_timezone(&tz).date_naive();
        if let Some(on) = self.effective_on.filter(|on| local < *on) {
            return Err(Error::refused(
                Some(field),
                format!(
                    "agreement '{}' takes effect on {on}, after {local}",
                    self.id
                ),
            ));
        }
        if self.expired_on(local) {
            return Err(Error::refused(
                Some(field),
                format!(
                    "agreement '{}' expired on {}",
                    self.id,
                    self.expires_on.map(|d| d.to_string()).unwrap_or_default()
                ),
            ));
        }
        Ok(())
    }

    /// Past its last day on `local_date`.
    pub fn expired_on(&self, local_date: NaiveDate) -> bool {
        self.expires_on.is_some_and(|end| local_date > end)
    }

    /// The agreement's limit in seconds, or None for no limit.
    pub fn limit_seconds(&self) -> Option<i64> {
        self.hold_limit_hours.map(|h| i64::from(h) * 3600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

    fn usms(expires: Option<&str>) -> Agreement {
        Agreement {
            id: "usms-72".into(),
            kind: AgreementKind::UsmsIga,
            number: Some("USMS-1".into()),
            effective_on: NaiveDate::from_ymd_opt(2026, 1, 1),
            expires_on: expires.map(|e| e.parse().unwrap()),
            hold_limit_hours: Some(72),
            note: None,
            standing: false,
        }
    }

    #[test]
    fn in_force_window_is_local_and_inclusive() {
        let tz: Tz = "America/New_York".parse().unwrap();
        let a = usms(Some("2026-06-30"));
        // 2026-07-01T03:00Z is still June 30th in New York.
        let last = parse_instant("t", "2026-07-01T03:00:00Z").unwrap();
        assert!(a.check_in_force("agreement", last, tz).is_ok());
        let after = parse_instant("t", "2026-07-01T05:00:00Z").unwrap();
        let e = a.check_in_force("agreement", after, tz).unwrap_err();
        assert_eq!(e.field(), Some("agreement"));
        let before = parse_instant("t", "2025-12-31T12:00:00Z").unwrap();
        assert!(a.check_in_force("agreement", before, tz).is_err());
        assert_eq!(a.limit_seconds(), Some(259_200));
    }

    #[test]
    fn moa_termination_is_an_instant() {
        let tz: Tz = "UTC".parse().unwrap();
        let moa = Moa {
            effective_on: NaiveDate::from_ymd_opt(2025, 2, 26),
            terminated_at: Some(parse_instant("t", "2026-05-01T00:00:00Z").unwrap()),
        };
        assert!(moa
            .check_in_force(parse_instant("t", "2026-04-30T23:59:59Z").unwrap(), tz)
            .is_ok());
        let e = moa
            .check_in_force(parse_instant("t", "2026-05-01T00:00:00Z").unwrap(), tz)
            .unwrap_err();
        assert_eq!(e.field(), Some("moa"));
        assert!(Moa::default()
            .check_in_force(parse_instant("t", "2000-01-01T00:00:00Z").unwrap(), tz)
            .is_ok());
    }
}
