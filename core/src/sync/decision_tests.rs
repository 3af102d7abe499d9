//! One row per line of the protocol's status table, plus the ack_seq cases.

use super::*;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 14, 5, 13).unwrap()
}

/// Desk wrote 1..=10, endpoint had acknowledged up to 4, batch is 5..=10.
const STATE: PushState = PushState {
    acked_seq: 4,
    last_seq: 10,
    batch_len: 6,
    attempt: 2,
};

const POLICY: BackoffPolicy = BackoffPolicy {
    base: Duration::from_secs(1),
    cap: Duration::from_secs(300),
};

fn respond(status: u16, body: &str, retry_after: Option<&str>) -> PushDecision {
    decide_push(
        STATE,
        Attempt::Response {
            status,
            body: body.as_bytes(),
            retry_after,
        },
        now(),
        POLICY,
        1.0,
    )
}

fn ack(ack_seq: i64) -> String {
    format!(r#"{{"ack_seq":{ack_seq},"server_time":"2026-11-27T14:05:13Z","rejected":[]}}"#)
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[test]
fn every_row_of_the_status_table() {
    // (why, decision, expected ack_seq to record, expected next)
    let backoff = secs(4); // attempt 2 with jitter 1.0: min(300, 1 * 2^2)
    let rows: Vec<(&str, PushDecision, Option<i64>, Next)> = vec![
        (
            "200 covering everything: done",
            respond(200, &ack(10), None),
            Some(10),
            Next::Done,
        ),
        (
            "200 part way (endpoint stopped before a gap): resend from ack+1",
            respond(200, &ack(7), None),
            Some(7),
            Next::Continue,
        ),
        (
            "200 with nothing new stored: back off, do not spin",
            respond(200, &ack(4), None),
            Some(4),
            Next::Retry {
                wait: backoff,
                why: Transient::NoProgress,
            },
        ),
        (
            "200 unreadable: never assume delivery",
            respond(200, "<html>ok</html>", None),
            None,
            Next::Retry {
                wait: backoff,
                why: Transient::BadResponse,
            },
        ),
        (
            "400: a bug, stop and keep events",
            respond(
                400,
                r#"{"error":"bad_body","message":"events must be an array"}"#,
                None,
            ),
            None,
            Next::Stop(Problem::MalformedRequest {
                detail: "events must be an array".into(),
            }),
        ),
        (
            "401: credentials refused",
            respond(401, "", None),
            None,
            Next::Stop(Problem::CredentialsRefused { status: 401 }),
        ),
        (
            "403: credentials refused",
            respond(403, "", None),
            None,
            Next::Stop(Problem::CredentialsRefused { status: 403 }),
        ),
        (
            "409: supervisor, never renumber",
            respond(409, r#"{"error":"seq_conflict"}"#, None),
            None,
            Next::Stop(Problem::SeqConflict {
                detail: "seq_conflict".into(),
            }),
        ),
        (
            "413: halve the batch",
            respond(413, "", None),
            None,
            Next::Shrink { batch_size: 3 },
        ),
        (
            "429 with Retry-After seconds above the backoff",
            respond(429, "", Some("30")),
            None,
            Next::Retry {
                wait: secs(30),
                why: Transient::Busy { status: 429 },
            },
        ),
        (
            "429 with Retry-After below the backoff: the backoff",
            respond(429, "", Some("1")),
            None,
            Next::Retry {
                wait: backoff,
                why: Transient::Busy { status: 429 },
            },
        ),
        (
            "503 with Retry-After as an HTTP-date",
            respond(503, "", Some("Fri, 27 Nov 2026 14:06:13 GMT")),
            None,
            Next::Retry {
                wait: secs(60),
                why: Transient::Busy { status: 503 },
            },
        ),
        (
            "503 without Retry-After: backoff",
            respond(503, "", None),
            None,
            Next::Retry {
                wait: backoff,
                why: Transient::Busy { status: 503 },
            },
        ),
        (
            "500: transient",
            respond(500, "", None),
            None,
            Next::Retry {
                wait: backoff,
                why: Transient::ServerError { status: 500 },
            },
        ),
        (
            "502: transient (maybe stored, ack lost)",
            respond(502, "", None),
            None,
            Next::Retry {
                wait: backoff,
                why: Transient::ServerError { status: 502 },
            },
        ),
        (
            "404: not in the protocol, likely a wrong URL",
            respond(404, "not found", None),
            None,
            Next::Stop(Problem::UnexpectedStatus {
                status: 404,
                detail: "not found".into(),
            }),
        ),
        (
            "timeout: transient",
            decide_push(STATE, Attempt::Timeout, now(), POLICY, 1.0),
            None,
            Next::Retry {
                wait: backoff,
                why: Transient::Timeout,
            },
        ),
        (
            "connection error: transient",
            decide_push(STATE, Attempt::Unreachable, now(), POLICY, 1.0),
            None,
            Next::Retry {
                wait: backoff,
                why: Transient::Unreachable,
            },
        ),
    ];
    for (why, decision, ack_seq, next) in rows {
        assert_eq!(decision.ack_seq, ack_seq, "{why}");
        assert_eq!(decision.next, next, "{why}");
    }
}

#[test]
fn a_413_for_one_event_is_handled_like_400() {
    let one = PushState {
        batch_len: 1,
        ..STATE
    };
    let d = decide_push(
        one,
        Attempt::Response {
            status: 413,
            body: b"",
            retry_after: None,
        },
        now(),
        POLICY,
        0.5,
    );
    // Halving one event would send nothing forever; a person has to look.
    assert_eq!(d.next, Next::Stop(Problem::EventTooLarge { seq: 5 }));
    assert!(d.next_stops());
}

#[test]
fn ack_seq_ahead_of_the_desk_is_handled_like_409() {
    let d = respond(200, &ack(11), None);
    assert_eq!(
        d.next,
        Next::Stop(Problem::AckAhead {
            ack_seq: 11,
            last_seq: 10
        })
    );
    // Nothing may be marked delivered on the strength of a number the desk never wrote.
    assert_eq!(d.ack_seq, None);
}

#[test]
fn ack_seq_behind_resends_and_warns() {
    let d = respond(200, &ack(2), None);
    // The desk rewinds to 2 so that 3.. are sent again, and tells a supervisor.
    assert_eq!(d.ack_seq, Some(2));
    assert_eq!(d.next, Next::Continue);
    assert_eq!(
        d.warnings,
        vec![Problem::EndpointLostData {
            ack_seq: 2,
            previously_acked: 4
        }]
    );
}

#[test]
fn rejected_events_are_acknowledged_and_reported() {
    let body = r#"{"ack_seq":10,"server_time":"2026-11-27T14:05:13Z","rejected":[{"seq":6,"event_id":"e6","code":"unknown_officer","message":"no such credential"}]}"#;
    let d = respond(200, body, None);
    assert_eq!(d.ack_seq, Some(10));
    assert_eq!(d.next, Next::Done);
    assert_eq!(d.rejected.len(), 1);
    assert_eq!(d.rejected[0].code, "unknown_officer");
}

#[test]
fn clock_skew_over_120_seconds_warns() {
    let body = |t: &str| format!(r#"{{"ack_seq":10,"server_time":"{t}"}}"#);
    let fine = respond(200, &body("2026-11-27T14:07:13Z"), None);
    assert_eq!(fine.skew_seconds, Some(120));
    assert!(fine.warnings.is_empty(), "exactly 120 s is still fine");
    let off = respond(200, &body("2026-11-27T14:01:12Z"), None);
    assert_eq!(off.skew_seconds, Some(-241));
    assert_eq!(off.warnings, vec![Problem::ClockSkew { seconds: -241 }]);
}

#[test]
fn backoff_doubles_from_one_second_to_a_300_second_cap_with_full_jitter() {
    let p = BackoffPolicy::default();
    let ceilings: Vec<u64> = (0..12).map(|n| p.delay(n, 1.0).as_secs()).collect();
    assert_eq!(
        ceilings,
        vec![1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    );
    assert_eq!(p.delay(40, 1.0), secs(300), "no overflow on long outages");
    assert_eq!(p.delay(5, 0.0), Duration::ZERO, "full jitter reaches zero");
    assert_eq!(p.delay(5, 0.5), secs(16));
}

#[test]
fn retry_after_takes_seconds_or_an_http_date() {
    assert_eq!(retry_after("120", now()), Some(secs(120)));
    assert_eq!(
        retry_after("Fri, 27 Nov 2026 14:06:13 GMT", now()),
        Some(secs(60))
    );
    assert_eq!(
        retry_after("Fri, 27 Nov 2026 14:00:00 GMT", now()),
        Some(Duration::ZERO),
        "a date in the past means now"
    );
    assert_eq!(retry_after("soon", now()), None);
}

#[test]
fn retry_after_is_clamped_so_no_wait_overflows() {
    // u64::MAX seconds once panicked a sync run ("overflow when adding durations").
    assert_eq!(
        retry_after("18446744073709551615", now()),
        Some(MAX_RETRY_AFTER)
    );
    assert_eq!(
        retry_after("Fri, 27 Nov 2099 14:00:00 GMT", now()),
        Some(MAX_RETRY_AFTER)
    );
    let busy = respond(503, "", Some("18446744073709551615"));
    assert!(
        matches!(busy.next, Next::Retry { wait, .. } if wait == MAX_RETRY_AFTER),
        "{:?}",
        busy.next
    );
    let huge = BackoffPolicy {
        base: Duration::MAX,
        cap: Duration::MAX,
    };
    assert!(huge.delay(63, 1.0) <= MAX_RETRY_AFTER);
}

#[test]
fn an_ack_hash_other_than_the_desks_own_stops_like_409() {
    let body = |hash: &str| {
        format!(r#"{{"ack_seq":7,"ack_hash":{hash},"server_time":"2026-11-27T14:05:13Z"}}"#)
    };
    let same = respond(200, &body("\"abc\""), None);
    assert_eq!(same.ack_hash.as_deref(), Some("abc"));
    let kept = check_anchor(same.clone(), Some("abc"));
    assert_eq!(kept, same, "the same anchor changes nothing");
    let diverged = check_anchor(same.clone(), Some("def"));
    assert_eq!(diverged.ack_seq, None, "nothing may be marked delivered");
    assert_eq!(diverged.next, Next::Stop(Problem::ChainDiverged { seq: 7 }));
    assert!(diverged.next_stops());
    // A desk without that event at all differs too.
    assert_eq!(
        check_anchor(same, None).next,
        Next::Stop(Problem::ChainDiverged { seq: 7 })
    );
    // A v1 endpoint sends no ack_hash: nothing to compare.
    let v1 = respond(200, &ack(7), None);
    assert_eq!(check_anchor(v1.clone(), Some("x")), v1);
}

impl PushDecision {
    fn next_stops(&self) -> bool {
        matches!(&self.next, Next::Stop(p) if p.stops_push())
    }
}
