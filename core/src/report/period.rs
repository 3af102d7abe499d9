//! The period of a report: facility-local dates, both included, as UTC
//! instants, and the months it touches.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::custody::complaint::start_of_day;
use crate::error::{Error, Result};

/// Longest period one report covers.
const MAX_PERIOD_DAYS: i64 = 3660;

/// Facility-local dates `from..=to` as the UTC instants `[start, end)`.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    tz: Tz,
}

impl Period {
    /// Refused naming `to` when it lies before `from`.
    pub fn new(from: NaiveDate, to: NaiveDate, tz: Tz) -> Result<Period> {
        if to < from {
            return Err(Error::invalid(
                "to",
                format!("{to} lies before the start of the period ({from})"),
            ));
        }
        if (to - from).num_days() > MAX_PERIOD_DAYS {
            return Err(Error::invalid("to", "a report covers at most ten years"));
        }
        let next = to.succ_opt().unwrap_or(to);
        Ok(Period {
            from,
            to,
            start: start_of_day(from, tz),
            end: start_of_day(next, tz),
            tz,
        })
    }

    /// `YYYY-MM` (facility-local) of an instant inside the period, else None.
    pub fn month_of(&self, t: DateTime<Utc>) -> Option<String> {
        (t >= self.start && t < self.end)
            .then(|| t.with_timezone(&self.tz).format("%Y-%m").to_string())
    }

    /// Every month the period touches, in order.
    pub fn months(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut d = self.from;
        while d <= self.to {
            let m = d.format("%Y-%m").to_string();
            if out.last() != Some(&m) {
                out.push(m);
            }
            d = d.succ_opt().unwrap_or(self.to + Duration::days(1));
        }
        out
    }
}
