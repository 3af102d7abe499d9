//! The 48-hour clock. ICE has 48 hours of *elapsed* time from the anchor (the
//! earlier of service and criminal release) to take custody: `deadline_at =
//! anchor + 172800 s`, computed on
//! UTC instants. Adding "2 days" in local time would give 47 or 49 real hours
//! across a DST change, and the 49th hour is unlawful detention.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub use super::duties::ActionRequired;

pub const HOLD_LIMIT_SECONDS: i64 = 48 * 3600;
const NOTICE_SECONDS: i64 = 12 * 3600;
const WARNING_SECONDS: i64 = 4 * 3600;
const URGENT_SECONDS: i64 = 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Authority {
    /// Held under WSO authority: ICE must take custody within 48 hours.
    #[serde(rename = "wso_48h")]
    Wso48h,
    /// Held under an Intergovernmental Service Agreement: no 48-hour deadline.
    Igsa,
}

impl Authority {
    pub fn as_str(self) -> &'static str {
        match self {
            Authority::Wso48h => "wso_48h",
            Authority::Igsa => "igsa",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Authority::Wso48h => "WSO, 48 hours",
            Authority::Igsa => "IGSA",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "wso_48h" => Some(Authority::Wso48h),
            "igsa" => Some(Authority::Igsa),
            _ => None,
        }
    }
}

/// The transfer deadline, or none under IGSA terms.
pub fn deadline_for(served_at: DateTime<Utc>, authority: Authority) -> Option<DateTime<Utc>> {
    match authority {
        Authority::Wso48h => Some(served_at + Duration::seconds(HOLD_LIMIT_SECONDS)),
        Authority::Igsa => None,
    }
}

/// How close an open 48-hour hold is to its deadline (domain.md's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Urgency {
    Normal,
    Notice,
    Warning,
    Urgent,
    Overdue,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Notice => "notice",
            Urgency::Warning => "warning",
            Urgency::Urgent => "urgent",
            Urgency::Overdue => "overdue",
        }
    }

    pub const ALL: [Urgency; 5] = [
        Urgency::Normal,
        Urgency::Notice,
        Urgency::Warning,
        Urgency::Urgent,
        Urgency::Overdue,
    ];

    /// The words beside the colour, on the board and on the handoff sheet
    /// alike: the severity and what it means in hours.
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Normal => "On time",
            Urgency::Notice => "NOTICE <12 h",
            Urgency::Warning => "WARNING <4 h",
            Urgency::Urgent => "URGENT <1 h",
            Urgency::Overdue => "OVERDUE",
        }
    }

    /// Remaining seconds at or below which this urgency applies (`None` for
    /// `Normal`, which has no lower edge): the UI refetches when a countdown
    /// crosses one, because only core decides the urgency.
    pub fn from_remaining_seconds(self) -> Option<i64> {
        match self {
            Urgency::Normal => None,
            Urgency::Notice => Some(NOTICE_SECONDS),
            Urgency::Warning => Some(WARNING_SECONDS),
            Urgency::Urgent => Some(URGENT_SECONDS),
            Urgency::Overdue => Some(0),
        }
    }
}

pub fn urgency(remaining_seconds: i64) -> Urgency {
    match remaining_seconds {
        r if r <= 0 => Urgency::Overdue,
        r if r <= URGENT_SECONDS => Urgency::Urgent,
        r if r <= WARNING_SECONDS => Urgency::Warning,
        r if r <= NOTICE_SECONDS => Urgency::Notice,
        _ => Urgency::Normal,
    }
}

/// The deadline from the clock's anchor (the earlier of service and criminal
/// release): 48 hours under WSO authority, or the agreement's own limit, or
/// none when the agreement has no limit (agreement.md s2).
pub fn deadline_under(
    anchor: DateTime<Utc>,
    agreement: Option<&super::agreement::Agreement>,
) -> Option<DateTime<Utc>> {
    match agreement {
        None => Some(anchor + Duration::seconds(HOLD_LIMIT_SECONDS)),
        Some(a) => a.limit_seconds().map(|s| anchor + Duration::seconds(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{local_text, parse_instant, utc_text};
    use chrono_tz::Tz;

    /// (what, served_at as typed, zone, expected deadline UTC, expected deadline local)
    const DST_CASES: &[(&str, &str, &str, &str, &str)] = &[
        (
            "spring forward: local clock skips 02:00-03:00",
            "2026-03-07T12:00:00-05:00",
            "America/New_York",
            "2026-03-09T17:00:00Z",
            "2026-03-09T13:00:00-04:00",
        ),
        (
            "fall back: local clock repeats 01:00-02:00",
            "2026-10-31T12:00:00-04:00",
            "America/New_York",
            "2026-11-02T16:00:00Z",
            "2026-11-02T11:00:00-05:00",
        ),
        (
            "served in the first 01:30 of the repeated hour",
            "2026-11-01T01:30:00-04:00",
            "America/New_York",
            "2026-11-03T05:30:00Z",
            "2026-11-03T00:30:00-05:00",
        ),
        (
            "served in the second 01:30 of the repeated hour",
            "2026-11-01T01:30:00-05:00",
            "America/New_York",
            "2026-11-03T06:30:00Z",
            "2026-11-03T01:30:00-05:00",
        ),
        (
            "zone without DST (Arizona)",
            "2026-03-07T12:00:00-07:00",
            "America/Phoenix",
            "2026-03-09T19:00:00Z",
            "2026-03-09T12:00:00-07:00",
        ),
        (
            "UTC input",
            "2026-11-27T14:03:00Z",
            "UTC",
            "2026-11-29T14:03:00Z",
            "2026-11-29T14:03:00+00:00",
        ),
        (
            "European spring forward",
            "2026-03-28T09:00:00+01:00",
            "Europe/Berlin",
            "2026-03-30T08:00:00Z",
            "2026-03-30T10:00:00+02:00",
        ),
    ];

    #[test]
    fn deadline_is_48_elapsed_hours_across_dst() {
        for (what, served, zone, want_utc, want_local) in DST_CASES {
            let tz: Tz = zone.parse().unwrap();
            let served = parse_instant("served_at", served).unwrap();
            let deadline = deadline_for(served, Authority::Wso48h).unwrap();
            // Always exactly 172800 s, whatever the wall clock did in between.
            assert_eq!((deadline - served).num_seconds(), 172_800, "{what}");
            assert_eq!(utc_text(deadline), *want_utc, "{what}");
            assert_eq!(local_text(deadline, tz), *want_local, "{what}");
        }
    }

    #[test]
    fn igsa_has_no_deadline() {
        let served = parse_instant("served_at", "2026-11-27T14:03:00Z").unwrap();
        assert_eq!(deadline_for(served, Authority::Igsa), None);
    }

    #[test]
    fn urgency_boundaries_to_the_second() {
        let cases = [
            (172_800, Urgency::Normal),
            (43_201, Urgency::Normal),
            (43_200, Urgency::Notice),
            (14_401, Urgency::Notice),
            (14_400, Urgency::Warning),
            (3_601, Urgency::Warning),
            (3_600, Urgency::Urgent),
            (1, Urgency::Urgent),
            (0, Urgency::Overdue),
            (-1, Urgency::Overdue),
            (-86_400, Urgency::Overdue),
        ];
        for (remaining, want) in cases {
            assert_eq!(urgency(remaining), want, "remaining {remaining} s");
        }
    }

    #[test]
    fn agreement_limit_replaces_the_48_hours() {
        let anchor = parse_instant("t", "2026-03-07T12:00:00-05:00").unwrap();
        assert_eq!(
            (deadline_under(anchor, None).unwrap() - anchor).num_seconds(),
            172_800
        );
        let mut a = crate::custody::agreement::Agreement::standing_igsa();
        assert_eq!(deadline_under(anchor, Some(&a)), None);
        a.hold_limit_hours = Some(72);
        assert_eq!(
            utc_text(deadline_under(anchor, Some(&a)).unwrap()),
            "2026-03-10T17:00:00Z",
            "72 elapsed hours across the spring-forward"
        );
    }
}
