//! The officer roster: ICE-credentialed WSO officers. Only an officer whose
//! credential is on file, active and valid on the facility-local date of
//! service can be recorded as the serving officer.

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Result};

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
}

impl Officer {
    /// Is the credential good on `local_date` (the facility-local date of service)?
    pub fn check_valid_on(&self, local_date: NaiveDate) -> Result<()> {
        let field = Some("officer_credential");
        if !self.active {
            return Err(Error::refused(
                field,
                format!("credential {} is not active", self.credential),
            ));
        }
        if local_date < self.trained_on {
            return Err(Error::refused(
                field,
                format!(
                    "credential {} was not yet valid on {local_date} (trained on {})",
                    self.credential, self.trained_on
                ),
            ));
        }
        if local_date > self.expires_on {
            return Err(Error::refused(
                field,
                format!(
                    "credential {} had expired on {local_date} (expired {})",
                    self.credential, self.expires_on
                ),
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

    fn officer() -> Officer {
        Officer {
            credential: "WSO-1".into(),
            name: "A".into(),
            trained_on: NaiveDate::from_ymd_opt(2026, 1, 10).unwrap(),
            expires_on: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            active: true,
        }
    }

    #[test]
    fn validity_window_is_inclusive() {
        let o = officer();
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert!(o.check_valid_on(d(1, 9)).is_err());
        assert!(o.check_valid_on(d(1, 10)).is_ok());
        assert!(o.check_valid_on(d(12, 31)).is_ok());
        assert!(o
            .check_valid_on(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
            .is_err());
        let inactive = Officer { active: false, ..o };
        assert!(inactive.check_valid_on(d(6, 1)).is_err());
    }
}
