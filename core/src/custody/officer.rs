//! The officer roster: ICE-credentialed WSO officers. A service is valid only
//! if, at `served_at`, the officer is active, trained and authorized (the
//! authorization letter and Form 70-006) on or before the facility-local date,
//! that date is not past the credential's expiry, and ICE has not withdrawn the
//! authorization by then (agreement.md s3). The MOA's own term is checked by
//! [`super::agreement::Moa`].

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::time::utc_text;

/// Shown for officers added before the authorization date was recorded.
pub const AUTHORIZATION_NOT_RECORDED: &str = "authorization date not recorded";

/// Days before expiry at which the roster highlights a credential.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Officer {
    pub credential: String,
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub trained_on: NaiveDate,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub expires_on: NaiveDate,
    pub active: bool,
    /// None: an officer from before this rule ([`AUTHORIZATION_NOT_RECORDED`]).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub authorized_on: Option<NaiveDate>,
    #[serde(serialize_with = "crate::wire::utc_z::serialize_opt")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_reason: Option<String>,
    /// The words the roster shows when `authorized_on` is not recorded.
    pub authorization_note: Option<&'static str>,
}

impl Officer {
    /// May this officer serve a warrant at `served_at` (facility-local date
    /// `local_date`)? The refusal names the check that failed.
    pub fn check_service(&self, served_at: DateTime<Utc>, local_date: NaiveDate) -> Result<()> {
        let refuse = |m: String| Err(Error::refused(Some("officer_credential"), m));
        let c = &self.credential;
        if !self.active {
            return refuse(format!("credential {c} is not active"));
        }
        if local_date < self.trained_on {
            return refuse(format!(
                "credential {c} was not yet valid on {local_date} (trained on {})",
                self.trained_on
            ));
        }
        if let Some(on) = self.authorized_on.filter(|on| local_date < *on) {
            return refuse(format!(
                "officer {c} was not yet authorized on {local_date} (authorization letter and Form 70-006 dated {on})"
            ));
        }
        if local_date > self.expires_on {
            return refuse(format!(
                "credential {c} had expired on {local_date} (expired {})",
                self.expires_on
            ));
        }
        if let Some(w) = self.withdrawn_at.filter(|w| *w <= served_at) {
            return refuse(format!(
                "ICE withdrew the authorization of officer {c} effective {}{}",
                utc_text(w),
                self.withdrawn_reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ));
        }
        Ok(())
    }

    /// Expiring within `days` of `today` (the roster highlights these).
    pub fn expires_within(&self, today: NaiveDate, days: i64) -> bool {
        (self.expires_on - today).num_days() <= days
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

    fn officer() -> Officer {
        Officer {
            credential: "WSO-1".into(),
            name: "A".into(),
            trained_on: NaiveDate::from_ymd_opt(2026, 1, 10).unwrap(),
            expires_on: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            active: true,
            authorized_on: NaiveDate::from_ymd_opt(2026, 2, 1),
            withdrawn_at: None,
            withdrawn_reason: None,
            authorization_note: None,
        }
    }

    fn at(d: NaiveDate) -> DateTime<Utc> {
        d.and_hms_opt(12, 0, 0).unwrap().and_utc()
    }

    #[test]
    fn validity_window_is_inclusive() {
        let o = officer();
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let ok = |o: &Officer, day| o.check_service(at(day), day).is_ok();
        assert!(!ok(&o, d(1, 9)));
        assert!(!ok(&o, d(1, 31)), "trained but not yet authorized");
        assert!(ok(&o, d(2, 1)));
        assert!(ok(&o, d(12, 31)));
        assert!(!ok(&o, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
        let inactive = Officer {
            active: false,
            ..o.clone()
        };
        assert!(!ok(&inactive, d(6, 1)));
        let old = Officer {
            authorized_on: None,
            ..o
        };
        assert!(ok(&old, d(1, 10)), "not recorded: the training date rules");
    }

    #[test]
    fn withdrawal_counts_from_its_effective_instant() {
        let w = parse_instant("t", "2026-06-01T12:00:00Z").unwrap();
        let o = Officer {
            withdrawn_at: Some(w),
            withdrawn_reason: Some("letter of 2026-05-30".into()),
            ..officer()
        };
        let day = w.date_naive();
        assert!(o
            .check_service(w - chrono::Duration::seconds(1), day)
            .is_ok());
        let e = o.check_service(w, day).unwrap_err();
        assert_eq!(e.field(), Some("officer_credential"));
        assert!(e.to_string().contains("withdrew"), "{e}");
    }
}
