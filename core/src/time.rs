//! Instants on the wire and on screen: RFC 3339, UTC with `Z`, whole seconds;
//! local display in the facility's zone with its offset.

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeZone, Utc};
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
}
