//! The service of the warrant against the end of local criminal custody
//! (agreement.md s1). The clock's anchor is the earlier of the two: a late
//! service shortens the 48 hours, never lengthens them; the hours between the
//! criminal release and a late service are held with no authority at all and
//! become an incident.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Service may come at most this long before, or after, the criminal release
/// without a refusal (before) or an incident (after).
pub const SERVICE_TOLERANCE_SECONDS: i64 = 5 * 60;

/// Shown for holds booked before the criminal release was recorded.
pub const CRIMINAL_RELEASE_NOT_RECORDED: &str = "criminal release time not recorded";

/// Why local criminal custody ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CriminalReleaseBasis {
    Bond,
    Dismissed,
    SentenceComplete,
    CourtOrder,
    Other,
}

impl CriminalReleaseBasis {
    pub const ALL: [Self; 5] = [
        Self::Bond,
        Self::Dismissed,
        Self::SentenceComplete,
        Self::CourtOrder,
        Self::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bond => "bond",
            Self::Dismissed => "dismissed",
            Self::SentenceComplete => "sentence_complete",
            Self::CourtOrder => "court_order",
            Self::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Bond => "Bond posted",
            Self::Dismissed => "Charges dismissed",
            Self::SentenceComplete => "Sentence served",
            Self::CourtOrder => "Court-ordered release",
            Self::Other => "Other",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

/// The instant the clock runs from.
pub fn anchor(served_at: DateTime<Utc>, criminal_release_at: DateTime<Utc>) -> DateTime<Utc> {
    served_at.min(criminal_release_at)
}

/// Check the service against the criminal release. Refused (at the field
/// `served_at`: the service is what is wrong) when more than 5 minutes early;
/// returns the gap in seconds when more than 5 minutes late (an incident).
pub fn late_service_gap(
    served_at: DateTime<Utc>,
    criminal_release_at: DateTime<Utc>,
) -> Result<Option<i64>> {
    let gap = (served_at - criminal_release_at).num_seconds();
    if gap < -SERVICE_TOLERANCE_SECONDS {
        return Err(Error::refused(
            Some("served_at"),
            format!(
                "the warrant is served {} before the release from criminal custody; a WSO serves at the release, not before (5 minutes allowed)",
                crate::custody::duties::hours_minutes(-gap)
            ),
        ));
    }
    Ok((gap > SERVICE_TOLERANCE_SECONDS).then_some(gap))
}

/// The end of the tolerance: a service after this is late.
pub fn service_due_by(criminal_release_at: DateTime<Utc>) -> DateTime<Utc> {
    criminal_release_at + Duration::seconds(SERVICE_TOLERANCE_SECONDS)
}

/// With a language other than English, an interpreter or an explicit
/// "interpreter declined" is required (agreement.md s4).
pub fn check_interpreter(
    language: Option<&str>,
    interpreter: Option<&str>,
    declined: bool,
) -> Result<()> {
    if interpreter.is_some() && declined {
        return Err(Error::invalid(
            "interpreter",
            "give either an interpreter or interpreter declined, not both",
        ));
    }
    let english = language.is_none_or(|l| {
        let l = l.trim().to_lowercase();
        l.is_empty() || l == "english" || l == "en" || l.starts_with("en-")
    });
    if !english && interpreter.is_none() && !declined {
        return Err(Error::invalid(
            "interpreter",
            "the person's language is not English: name the interpreter, or record that an interpreter was declined",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

    fn t(s: &str) -> DateTime<Utc> {
        parse_instant("t", s).unwrap()
    }

    #[test]
    fn late_service_anchors_at_the_release_and_counts_the_gap() {
        let release = t("2026-11-27T14:00:00Z");
        let served = t("2026-11-27T20:00:00Z");
        assert_eq!(anchor(served, release), release);
        assert_eq!(late_service_gap(served, release).unwrap(), Some(21_600));
        assert_eq!(
            late_service_gap(t("2026-11-27T14:05:00Z"), release).unwrap(),
            None
        );
        assert_eq!(
            late_service_gap(t("2026-11-27T14:05:01Z"), release).unwrap(),
            Some(301)
        );
    }

    #[test]
    fn early_service_beyond_five_minutes_is_refused_at_served_at() {
        let release = t("2026-11-27T14:00:00Z");
        assert_eq!(
            late_service_gap(t("2026-11-27T13:55:00Z"), release).unwrap(),
            None
        );
        let e = late_service_gap(t("2026-11-27T13:54:59Z"), release).unwrap_err();
        assert_eq!(e.field(), Some("served_at"));
        assert_eq!(
            anchor(t("2026-11-27T13:56:00Z"), release),
            t("2026-11-27T13:56:00Z")
        );
    }

    #[test]
    fn interpreter_rule() {
        assert!(check_interpreter(None, None, false).is_ok());
        assert!(check_interpreter(Some("English"), None, false).is_ok());
        let e = check_interpreter(Some("Spanish"), None, false).unwrap_err();
        assert_eq!(e.field(), Some("interpreter"));
        assert!(check_interpreter(Some("Spanish"), Some("R. Diaz"), false).is_ok());
        assert!(check_interpreter(Some("Spanish"), None, true).is_ok());
        assert!(check_interpreter(Some("Spanish"), Some("R. Diaz"), true).is_err());
    }
}
