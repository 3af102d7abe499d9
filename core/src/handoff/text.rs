//! How times read on the sheet: durations as `HH:MM:SS` (hours may pass 24,
//! because a 48-hour countdown reads best as one number), instants in the
//! facility's zone with the offset always shown.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// `47:12:05`, or `-01:00:00` for a deadline already passed.
pub fn clock_text(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    format!("{sign}{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// `2026-11-29 09:03:00 -05:00`: local wall time with its offset, which is
/// what a supervisor compares with the clock on the wall.
pub fn local_short(t: DateTime<Utc>, tz: Tz) -> String {
    tz.from_utc_datetime(&t.naive_utc())
        .format("%Y-%m-%d %H:%M:%S %:z")
        .to_string()
}

/// [`local_short`] with the date over the time: fits a narrow column
/// without losing the offset.
pub fn local_two_lines(t: DateTime<Utc>, tz: Tz) -> String {
    local_short(t, tz).replacen(' ', "\n", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_pass_24_hours_and_show_overdue_with_a_sign() {
        assert_eq!(clock_text(172_800), "48:00:00");
        assert_eq!(clock_text(3_661), "01:01:01");
        assert_eq!(clock_text(0), "00:00:00");
        assert_eq!(clock_text(-3_600), "-01:00:00");
    }

    #[test]
    fn local_time_carries_the_offset_of_that_instant() {
        let t = crate::time::parse_instant("t", "2026-11-03T06:30:00Z").unwrap();
        assert_eq!(
            local_short(t, chrono_tz::America::New_York),
            "2026-11-03 01:30:00 -05:00"
        );
    }
}
