//! Times typed at the desk. A deputy types the wall-clock time of the jail
//! (`2026-11-27T09:03`), not an offset; this turns it into an instant in the
//! facility's zone. Full RFC 3339 text with an offset is accepted as is, and
//! an empty field means "now".
//!
//! Candidate for `wso_core::time` (the CLI could accept the same forms).

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use wso_core::error::{Error, Result};
use wso_core::time::{parse_instant, utc_text};

/// RFC 3339 text (UTC) for a typed time, read in the facility's zone.
pub fn facility_time(field: &str, text: &str, tz: Tz, now: DateTime<Utc>) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(utc_text(now));
    }
    if let Ok(t) = parse_instant(field, text) {
        return Ok(utc_text(t));
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
        .map_err(|_| Error::invalid(field, "is not a time such as 2026-11-27T09:03"))?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(utc_text(t.with_timezone(&Utc))),
        // The hour repeated when clocks go back: only an offset says which one.
        LocalResult::Ambiguous(_, _) => Err(Error::invalid(
            field,
            "happened twice when the clocks went back; add the offset, e.g. 01:30-04:00 or 01:30-05:00",
        )),
        LocalResult::None => Err(Error::invalid(
            field,
            "does not exist: the clocks skipped that hour",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;

    fn now() -> DateTime<Utc> {
        parse_instant("now", "2026-11-27T15:00:00Z").unwrap()
    }

    #[test]
    fn wall_clock_time_is_read_in_the_facility_zone() {
        // 09:03 in New York in November is EST, five hours behind UTC.
        let t = facility_time("served_at", "2026-11-27T09:03", New_York, now()).unwrap();
        assert_eq!(t, "2026-11-27T14:03:00Z");
    }

    #[test]
    fn an_offset_given_wins_over_the_facility_zone() {
        let t = facility_time("at", "2026-11-27T09:03:00+00:00", New_York, now()).unwrap();
        assert_eq!(t, "2026-11-27T09:03:00Z");
    }

    #[test]
    fn empty_means_now() {
        assert_eq!(
            facility_time("at", " ", New_York, now()).unwrap(),
            "2026-11-27T15:00:00Z"
        );
    }

    #[test]
    fn the_repeated_hour_needs_an_offset() {
        // 2026-11-01 01:30 happens twice in New York.
        let e = facility_time("at", "2026-11-01T01:30", New_York, now()).unwrap_err();
        assert_eq!(e.field(), Some("at"));
    }

    #[test]
    fn the_skipped_hour_is_refused() {
        let e = facility_time("at", "2026-03-08T02:30", New_York, now()).unwrap_err();
        assert!(e.to_string().contains("skipped"));
    }
}
