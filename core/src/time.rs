//! Instants on the wire and on screen: RFC 3339, UTC with `Z`, whole seconds;
//! local display in the facility's zone with its offset.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// Parse an RFC 3339 instant with any offset; fractional seconds are truncated.
pub fn parse_instant(field: &str, text: &str) -> Result<DateTime<Utc>> {
    let parsed = DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
        Error::invalid(
            field,
            format!(
                "'{}' is not an RFC 3339 time such as 2026-11-27T14:03:00Z",
                clip(text)
            ),
        )
    })?;
    let utc = parsed.with_timezone(&Utc);
    Ok(truncate(utc))
}

pub fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid(
            field,
            format!("'{}' is not a date such as 1990-04-02", clip(text)),
        )
    })
}

/// `2026-11-27T14:03:00Z`
pub fn utc_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `2026-11-27T09:03:00-05:00`
pub fn local_text(t: DateTime<Utc>, tz: Tz) -> String {
    tz.from_utc_datetime(&t.naive_utc())
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Read back an instant the store wrote with [`utc_text`].
pub fn stored(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Error::Database {
            message: format!("the database holds a malformed time '{}'", clip(text)),
        })
}

/// A time as a deputy types it at the desk: the jail's wall-clock time
/// (`2026-11-27T09:03`) read in the facility's zone, or full RFC 3339 with an
/// offset as is; empty means now. The repeated hour of a DST change needs an
/// offset and the skipped hour does not exist: both are refused.
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

fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_normalised_to_utc_and_fractions_dropped() {
        let t = parse_instant("served_at", "2026-11-27T09:03:00.987-05:00").unwrap();
        assert_eq!(utc_text(t), "2026-11-27T14:03:00Z");
    }

    #[test]
    fn bad_time_names_the_field() {
        let e = parse_instant("served_at", "yesterday").unwrap_err();
        assert_eq!(e.field(), Some("served_at"));
    }

    #[test]
    fn local_text_carries_the_offset() {
        let t = parse_instant("t", "2026-07-01T12:00:00Z").unwrap();
        assert_eq!(
            local_text(t, chrono_tz::America::New_York),
            "2026-07-01T08:00:00-04:00"
        );
    }

    fn now() -> DateTime<Utc> {
        parse_instant("now", "2026-11-27T15:00:00Z").unwrap()
    }

    #[test]
    fn wall_clock_time_is_read_in_the_facility_zone() {
        // 09:03 in New York in November is EST, five hours behind UTC.
        let t = facility_time(
            "served_at",
            "2026-11-27T09:03",
            chrono_tz::America::New_York,
            now(),
        )
        .unwrap();
        assert_eq!(t, "2026-11-27T14:03:00Z");
    }

    #[test]
    fn an_offset_given_wins_over_the_facility_zone() {
        let t = facility_time(
            "at",
            "2026-11-27T09:03:00+00:00",
            chrono_tz::America::New_York,
            now(),
        )
        .unwrap();
        assert_eq!(t, "2026-11-27T09:03:00Z");
    }

    #[test]
    fn empty_means_now() {
        assert_eq!(
            facility_time("at", " ", chrono_tz::America::New_York, now()).unwrap(),
            "2026-11-27T15:00:00Z"
        );
    }

    #[test]
    fn the_repeated_hour_needs_an_offset() {
        // 2026-11-01 01:30 happens twice in New York.
        let e = facility_time(
            "at",
            "2026-11-01T01:30",
            chrono_tz::America::New_York,
            now(),
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("at"));
    }

    #[test]
    fn the_skipped_hour_is_refused() {
        let e = facility_time(
            "at",
            "2026-03-08T02:30",
            chrono_tz::America::New_York,
            now(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("skipped"));
    }
}
