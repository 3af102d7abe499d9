//! Watching the desk's wall clock. Deadlines are absolute UTC instants, so a
//! clock that is stepped (by hand, by a bad NTP source, by a dead CMOS
//! battery) does not move them, but it does move "now": the countdown and
//! every time a deputy records would be wrong. The watch compares how far the
//! wall clock moved with how far a monotonic clock moved between two samples;
//! a difference beyond the tolerance is a jump, which the edge records in the
//! audit log and shows to the deputy. Samples are passed in.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Differences below this are drift or scheduling noise, not a jump.
pub const JUMP_TOLERANCE_SECONDS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClockJump {
    /// Wall-clock reading before and after.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// How far the wall clock moved beyond the real elapsed time (+ ahead, - back).
    pub jump_seconds: i64,
}

#[derive(Debug, Clone)]
pub struct ClockWatch {
    last_wall: DateTime<Utc>,
    last_monotonic: std::time::Duration,
}

impl ClockWatch {
    /// `monotonic` is any clock that only moves forward (e.g. time since the
    /// app started, from `std::time::Instant`).
    pub fn new(wall: DateTime<Utc>, monotonic: std::time::Duration) -> ClockWatch {
        ClockWatch {
            last_wall: wall,
            last_monotonic: monotonic,
        }
    }

    /// Take a sample; returns the jump when the wall clock moved differently
    /// from real time by more than the tolerance.
    pub fn sample(
        &mut self,
        wall: DateTime<Utc>,
        monotonic: std::time::Duration,
    ) -> Option<ClockJump> {
        let real = monotonic.saturating_sub(self.last_monotonic).as_secs() as i64;
        let walled = (wall - self.last_wall).num_seconds();
        let from = self.last_wall;
        self.last_wall = wall;
        self.last_monotonic = monotonic;
        let jump = walled - real;
        (jump.abs() > JUMP_TOLERANCE_SECONDS).then_some(ClockJump {
            from,
            to: wall,
            jump_seconds: jump,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn t(s: &str) -> DateTime<Utc> {
        crate::time::parse_instant("t", s).unwrap()
    }

    #[test]
    fn steady_clock_is_not_a_jump() {
        let mut w = ClockWatch::new(t("2026-11-27T03:00:00Z"), Duration::from_secs(100));
        assert_eq!(
            w.sample(t("2026-11-27T03:00:15Z"), Duration::from_secs(115)),
            None
        );
        // A suspended laptop: both clocks moved 2 h (boot-time monotonic) - no jump.
        assert_eq!(
            w.sample(t("2026-11-27T05:00:15Z"), Duration::from_secs(7315)),
            None
        );
    }

    #[test]
    fn steps_forward_and_back_are_caught_with_their_size() {
        let mut w = ClockWatch::new(t("2026-11-27T03:00:00Z"), Duration::from_secs(0));
        let ahead = w
            .sample(t("2026-11-27T05:00:15Z"), Duration::from_secs(15))
            .unwrap();
        assert_eq!(ahead.jump_seconds, 7200);
        let back = w
            .sample(t("2026-11-27T03:00:30Z"), Duration::from_secs(30))
            .unwrap();
        assert_eq!(back.jump_seconds, -7200);
        assert_eq!(
            w.sample(t("2026-11-27T03:00:45Z"), Duration::from_secs(45)),
            None
        );
    }
}
