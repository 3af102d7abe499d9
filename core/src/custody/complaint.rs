//! Complaints and allegations (agreement.md s7, the MOA's Appendix B) and
//! when each must be reported to ICE.
//!
//! About a participating (designated) officer: "within 48 hours, excluding
//! weekends". The 48 hours are elapsed time spent on weekdays of the
//! facility's calendar: time on a local Saturday or Sunday does not count.
//! Received Friday 16:00, due Tuesday 16:00; received Saturday 10:00, due
//! Wednesday 00:00. Days are the facility's local calendar days, but what is
//! counted is real elapsed time: a weekday on which the clocks go forward has
//! 23 hours, and the due time is a UTC instant like every other.
//!
//! About staff who are not designated but acted in immigration functions
//! (2025 template): "within 48 hours", flat.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

/// 48 hours, in seconds, for both kinds of complaint.
pub const COMPLAINT_REPORT_SECONDS: i64 = 48 * 3600;

/// Longest summary a complaint may carry.
pub const SUMMARY_MAX_CHARS: usize = 2000;

/// Who a complaint is about: the two cases Appendix B treats differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "who")]
pub enum ComplaintAbout {
    /// A participating officer on the roster, by credential.
    Officer(String),
    /// A staff member who is not designated, by name.
    Staff(String),
}

/// When a complaint received at `received_at` must have been reported to ICE.
pub fn complaint_due(received_at: DateTime<Utc>, about: &ComplaintAbout, tz: Tz) -> DateTime<Utc> {
    match about {
        ComplaintAbout::Staff(_) => received_at + Duration::seconds(COMPLAINT_REPORT_SECONDS),
        ComplaintAbout::Officer(_) => weekday_time_after(received_at, COMPLAINT_REPORT_SECONDS, tz),
    }
}

/// The instant at which `seconds` of elapsed time on local weekdays have
/// passed since `start`.
fn weekday_time_after(start: DateTime<Utc>, seconds: i64, tz: Tz) -> DateTime<Utc> {
    let mut left = seconds;
    let mut cursor = start;
    let mut day = start.with_timezone(&tz).date_naive();
    loop {
        let next_day = day.succ_opt().unwrap_or(day);
        if is_weekday(day) {
            let day_end = start_of_day(next_day, tz);
            let available = (day_end - cursor).num_seconds().max(0);
            if left <= available {
                return cursor + Duration::seconds(left);
            }
            left -= available;
        }
        cursor = start_of_day(next_day, tz).max(cursor);
        day = next_day;
    }
}

fn is_weekday(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The first instant of a local calendar day. Where midnight itself does not
/// exist (a zone that springs forward at 00:00) the day starts at the first
/// local time that does; where it happens twice, at the first of them.
pub fn start_of_day(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    for minutes in (0..=180).step_by(15) {
        match tz.from_local_datetime(&(midnight + Duration::minutes(minutes))) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => continue,
        }
    }
    // No zone skips more than a few hours; read the day in UTC rather than fail.
    Utc.from_utc_datetime(&midnight)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{local_text, parse_instant, utc_text};

    /// (what, received as typed, zone, about an officer?, due UTC, due local)
    const CASES: &[(&str, &str, &str, bool, &str, &str)] = &[
        (
            "Friday 16:00 is due Tuesday 16:00 (the MOA's own example)",
            "2026-11-27T16:00:00-05:00",
            "America/New_York",
            true,
            "2026-12-01T21:00:00Z",
            "2026-12-01T16:00:00-05:00",
        ),
        (
            "Saturday 10:00 is due Wednesday 00:00",
            "2026-11-28T10:00:00-05:00",
            "America/New_York",
            true,
            "2026-12-02T05:00:00Z",
            "2026-12-02T00:00:00-05:00",
        ),
        (
            "received on a Sunday: the count starts Monday 00:00",
            "2026-11-29T23:30:00-05:00",
            "America/New_York",
            true,
            "2026-12-02T05:00:00Z",
            "2026-12-02T00:00:00-05:00",
        ),
        (
            "Monday 09:00 is due Wednesday 09:00: no weekend in between",
            "2026-11-30T09:00:00-05:00",
            "America/New_York",
            true,
            "2026-12-02T14:00:00Z",
            "2026-12-02T09:00:00-05:00",
        ),
        (
            "Thursday 12:00 runs over the weekend to Monday 12:00",
            "2026-11-26T12:00:00-05:00",
            "America/New_York",
            true,
            "2026-11-30T17:00:00Z",
            "2026-11-30T12:00:00-05:00",
        ),
        (
            "exactly Friday midnight: all of Monday and Tuesday",
            "2026-11-28T00:00:00-05:00",
            "America/New_York",
            true,
            "2026-12-02T05:00:00Z",
            "2026-12-02T00:00:00-05:00",
        ),
        (
            "weekend of the spring-forward: Friday 16:00 EST is due Tuesday 16:00 EDT",
            "2026-03-06T16:00:00-05:00",
            "America/New_York",
            true,
            "2026-03-10T20:00:00Z",
            "2026-03-10T16:00:00-04:00",
        ),
        (
            "weekend of the fall-back: Friday 16:00 EDT is due Tuesday 16:00 EST",
            "2026-10-30T16:00:00-04:00",
            "America/New_York",
            true,
            "2026-11-03T21:00:00Z",
            "2026-11-03T16:00:00-05:00",
        ),
        (
            "a weekday that has 23 hours: Israel springs forward on Friday 02:00",
            "2026-03-26T10:00:00+02:00",
            "Asia/Jerusalem",
            true,
            "2026-03-30T08:00:00Z",
            "2026-03-30T11:00:00+03:00",
        ),
        (
            "the weekend is the facility's, not UTC's: Friday 21:00 in Los Angeles is Saturday in UTC",
            "2026-11-27T21:00:00-08:00",
            "America/Los_Angeles",
            true,
            "2026-12-02T05:00:00Z",
            "2026-12-01T21:00:00-08:00",
        ),
        (
            "non-designated staff: 48 hours flat, weekend or not",
            "2026-11-27T16:00:00-05:00",
            "America/New_York",
            false,
            "2026-11-29T21:00:00Z",
            "2026-11-29T16:00:00-05:00",
        ),
        (
            "non-designated staff across the fall-back: 48 elapsed hours",
            "2026-10-31T12:00:00-04:00",
            "America/New_York",
            false,
            "2026-11-02T16:00:00Z",
            "2026-11-02T11:00:00-05:00",
        ),
    ];

    #[test]
    fn due_times_follow_appendix_b_in_the_facility_zone() {
        for (what, received, zone, officer, want_utc, want_local) in CASES {
            let tz: Tz = zone.parse().unwrap();
            let received = parse_instant("received_at", received).unwrap();
            let about = if *officer {
                ComplaintAbout::Officer("WSO-1".into())
            } else {
                ComplaintAbout::Staff("Cpl. Amos".into())
            };
            let due = complaint_due(received, &about, tz);
            assert_eq!(utc_text(due), *want_utc, "{what}");
            assert_eq!(local_text(due, tz), *want_local, "{what}");
        }
    }

    #[test]
    fn weekday_time_counted_is_always_48_real_hours() {
        // Whatever the start, the elapsed weekday time between receipt and due
        // is 48 h: sum it hour by hour, independently of the day walk.
        let tz: Tz = "Asia/Jerusalem".parse().unwrap();
        let mut start = parse_instant("t", "2026-03-20T00:17:00Z").unwrap();
        for _ in 0..(24 * 10) {
            let due = complaint_due(start, &ComplaintAbout::Officer("W".into()), tz);
            let mut counted = 0;
            let mut t = start;
            while t < due {
                let step = Duration::seconds(60).min(due - t);
                if is_weekday(t.with_timezone(&tz).date_naive()) {
                    counted += step.num_seconds();
                }
                t += step;
            }
            assert_eq!(counted, COMPLAINT_REPORT_SECONDS, "received {start}");
            start += Duration::minutes(61);
        }
    }

    #[test]
    fn a_day_whose_midnight_does_not_exist_starts_at_its_first_real_minute() {
        // Cuba springs forward at 00:00 (2026-03-08 is a Sunday): 00:00 never happens.
        let tz: Tz = "America/Havana".parse().unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        assert_eq!(
            local_text(start_of_day(d, tz), tz),
            "2026-03-08T01:00:00-04:00"
        );
    }
}
