//! The push decision, as a pure function: what the endpoint answered (or did
//! not) plus the desk's acknowledgement state in, what to do out. Every row of
//! the protocol's status table (sync-protocol.md, "Errors, and what the desk
//! does") is one arm here and one row in the table test below; the HTTP and
//! SQLite code around it only carries out the decision.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::problem::{Problem, Rejection, Transient};
use crate::time::parse_instant;

/// The protocol's ceiling on one request.
pub const MAX_BATCH: usize = 500;
/// The longest wait any answer can impose (`Retry-After`, backoff): an
/// endpoint asking for more is asked again after an hour, and no sum of
/// waits can overflow.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60 * 60);
/// A clock difference with the endpoint above this is shown as a warning.
pub const SKEW_WARN_SECONDS: i64 = 120;

/// Exponential backoff with full jitter: attempt `n` waits a uniform share of
/// `min(cap, base * 2^n)`. The protocol fixes 1 s and 300 s; tests shrink both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        BackoffPolicy {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(300),
        }
    }
}

impl BackoffPolicy {
    /// `jitter` is a sample in [0, 1] from the caller (the edge owns randomness).
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let ceiling = self
            .base
            .checked_mul(1u32 << attempt.min(20))
            .unwrap_or(self.cap)
            .min(self.cap)
            .min(MAX_RETRY_AFTER);
        ceiling.mul_f64(jitter.clamp(0.0, 1.0))
    }
}

/// `Retry-After` as delay-seconds or an HTTP-date, at most [`MAX_RETRY_AFTER`];
/// unreadable values are ignored (the backoff still applies).
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    let asked = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let at = DateTime::parse_from_rfc2822(value)
            .ok()?
            .with_timezone(&Utc);
        (at - now).to_std().unwrap_or(Duration::ZERO)
    };
    Some(asked.min(MAX_RETRY_AFTER))
}

/// What one push request came back with.
#[derive(Debug, Clone, Copy)]
pub enum Attempt<'a> {
    Response {
        status: u16,
        body: &'a [u8],
        retry_after: Option<&'a str>,
    },
    /// Connect (10 s) or whole-request (30 s) timeout.
    Timeout,
    /// Refused, reset, DNS failure: the request may or may not have arrived.
    Unreachable,
    /// An answer longer than the desk reads: never taken as an acknowledgement.
    TooLarge,
}

/// The desk's side of the exchange when the request was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushState {
    /// Highest `ack_seq` the desk has accepted so far.
    pub acked_seq: i64,
    /// The desk's own last `seq` (0 with an empty outbox).
    pub last_seq: i64,
    /// Events in the request (they run from `acked_seq + 1`).
    pub batch_len: usize,
    /// Failed attempts in a row before this one (drives the backoff).
    pub attempt: u32,
}

/// What happens next.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// The endpoint holds every event the desk has.
    Done,
    /// Send the next batch, from the (possibly new) `acked_seq + 1`, now.
    Continue,
    /// Try the same events again after `wait`.
    Retry { wait: Duration, why: Transient },
    /// 413: resend at once with this smaller batch, and keep that size.
    Shrink { batch_size: usize },
    /// Stop pushing, keep every event, show the problem.
    Stop(Problem),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PushDecision {
    /// New acknowledgement state: events up to it are marked delivered, any
    /// above it are not (an `ack_seq` behind the old one un-marks them).
    pub ack_seq: Option<i64>,
    /// Events the endpoint stored but judged invalid: shown to a supervisor.
    pub rejected: Vec<Rejection>,
    /// Endpoint clock minus desk clock, seconds, when the answer said.
    pub skew_seconds: Option<i64>,
    /// Shown to a supervisor without stopping the push.
    pub warnings: Vec<Problem>,
    /// The endpoint's hash of the event at `ack_seq` (v1.1; None from a v1 endpoint).
    pub ack_hash: Option<String>,
    pub next: Next,
}

impl PushDecision {
    fn just(next: Next) -> Self {
        PushDecision {
            ack_seq: None,
            rejected: Vec::new(),
            skew_seconds: None,
            warnings: Vec::new(),
            ack_hash: None,
            next,
        }
    }
}

/// Compare the endpoint's anchor with this desk's own event at `ack_seq`
/// (`own_hash`, None when the desk has no such event). A difference means the
/// history ICE holds is not this desk's: stop like a 409 and mark nothing.
/// A v1 endpoint sends no `ack_hash`; then there is nothing to compare.
pub fn check_anchor(decision: PushDecision, own_hash: Option<&str>) -> PushDecision {
    match (decision.ack_seq, decision.ack_hash.as_deref()) {
        (Some(seq), Some(theirs)) if seq > 0 && own_hash != Some(theirs) => {
            PushDecision::just(Next::Stop(Problem::ChainDiverged { seq }))
        }
        _ => decision,
    }
}

#[derive(Deserialize)]
struct AckBody {
    ack_seq: i64,
    #[serde(default)]
    ack_hash: Option<String>,
    server_time: Option<String>,
    #[serde(default)]
    rejected: Vec<Rejection>,
}

/// Decide what one push answer means. `jitter` in [0, 1] feeds the backoff.
pub fn decide_push(
    state: PushState,
    attempt: Attempt<'_>,
    now: DateTime<Utc>,
    policy: BackoffPolicy,
    jitter: f64,
) -> PushDecision {
    let backoff = policy.delay(state.attempt, jitter);
    match attempt {
        Attempt::Response {
            status: 200, body, ..
        } => decide_ack(state, body, now, backoff),
        Attempt::Response { status: 413, .. } if state.batch_len > 1 => {
            PushDecision::just(Next::Shrink {
                batch_size: state.batch_len / 2,
            })
        }
        Attempt::Response { status: 413, .. } => {
            PushDecision::just(Next::Stop(Problem::EventTooLarge {
                seq: state.acked_seq + 1,
            }))
        }
        other => PushDecision::just(decide_failure(other, now, backoff)),
    }
}

/// Any answer other than the request's own success (push and pull alike):
/// retry after `backoff` (or a longer `Retry-After` when busy), or stop.
pub fn decide_failure(attempt: Attempt<'_>, now: DateTime<Utc>, backoff: Duration) -> Next {
    let retry = |why| Next::Retry { wait: backoff, why };
    match attempt {
        Attempt::Timeout => retry(Transient::Timeout),
        Attempt::Unreachable => retry(Transient::Unreachable),
        Attempt::TooLarge => retry(Transient::AnswerTooLarge),
        Attempt::Response {
            status: status @ (429 | 503),
            retry_after: header,
            ..
        } => {
            let asked = header
                .and_then(|v| retry_after(v, now))
                .unwrap_or(Duration::ZERO);
            Next::Retry {
                wait: asked.max(backoff),
                why: Transient::Busy { status },
            }
        }
        Attempt::Response {
            status: status @ 500..=599,
            ..
        } => retry(Transient::ServerError { status }),
        Attempt::Response { status, body, .. } => Next::Stop(refusal(status, body)),
    }
}

/// The problem a non-retryable status stands for (push and pull alike).
pub fn refusal(status: u16, body: &[u8]) -> Problem {
    let detail = endpoint_message(body);
    match status {
        400 => Problem::MalformedRequest { detail },
        401 | 403 => Problem::CredentialsRefused { status },
        409 => Problem::SeqConflict { detail },
        _ => Problem::UnexpectedStatus { status, detail },
    }
}

fn decide_ack(
    state: PushState,
    body: &[u8],
    now: DateTime<Utc>,
    backoff: Duration,
) -> PushDecision {
    let Ok(ack) = serde_json::from_slice::<AckBody>(body) else {
        // Never assume delivery without an ack_seq covering it.
        return PushDecision::just(Next::Retry {
            wait: backoff,
            why: Transient::BadResponse,
        });
    };
    if ack.ack_seq > state.last_seq || ack.ack_seq < 0 {
        // It claims events this desk never wrote: another desk's data or an
        // old backup restored here. Marking anything delivered would be a guess.
        return PushDecision::just(Next::Stop(Problem::AckAhead {
            ack_seq: ack.ack_seq,
            last_seq: state.last_seq,
        }));
    }
    let mut warnings = Vec::new();
    let behind = ack.ack_seq < state.acked_seq;
    if behind {
        warnings.push(Problem::EndpointLostData {
            ack_seq: ack.ack_seq,
            previously_acked: state.acked_seq,
        });
    }
    let skew_seconds = ack
        .server_time
        .as_deref()
        .and_then(|t| parse_instant("server_time", t).ok())
        .map(|server| (server - now).num_seconds());
    if let Some(skew) = skew_seconds.filter(|s| s.abs() > SKEW_WARN_SECONDS) {
        warnings.push(Problem::ClockSkew { seconds: skew });
    }
    let next = if ack.ack_seq >= state.last_seq {
        Next::Done
    } else if !behind && state.batch_len > 0 && ack.ack_seq == state.acked_seq {
        // Nothing of the batch was stored: asking again at once would spin.
        Next::Retry {
            wait: backoff,
            why: Transient::NoProgress,
        }
    } else {
        Next::Continue
    };
    PushDecision {
        ack_seq: Some(ack.ack_seq),
        rejected: ack.rejected,
        skew_seconds,
        warnings,
        ack_hash: ack.ack_hash,
        next,
    }
}

/// A short, printable excerpt of what the endpoint said about an error.
fn endpoint_message(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => v["message"]
            .as_str()
            .or_else(|| v["error"].as_str())
            .map(str::to_owned)
            .unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}

#[cfg(test)]
#[path = "decision_tests.rs"]
mod tests;
