//! The reference endpoint as an attacker meets it over HTTP (issue 12,
//! finding 7): a desk token acts for one desk of one facility only; bodies
//! are bounded before they are read, an unknown token's body is never read,
//! half-sent requests time out, and plain HTTP is served on loopback only.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use wso_core::events::envelope_hash;
use wso_tests::{
    DeskFixture, EndpointOptions, EndpointProcess, DESK_ID, FACILITY_ID, OTHER_DESK_ID,
    OTHER_FACILITY_ID, OTHER_TOKEN, TOKEN,
};

fn endpoint(desk: &DeskFixture) -> EndpointProcess {
    EndpointProcess::start(desk.dir.path(), &EndpointOptions::default())
}

fn endpoint_timing_out_after(desk: &DeskFixture, ms: u64) -> EndpointProcess {
    EndpointProcess::start(
        desk.dir.path(),
        &EndpointOptions {
            request_timeout_ms: Some(ms),
            ..Default::default()
        },
    )
}

/// Change one field of an event and recompute its hash, as a forger would.
fn relabel(mut event: Value, field: &str, value: &str) -> Value {
    event[field] = json!(value);
    let hash = envelope_hash(&event);
    event["hash"] = json!(hash);
    event
}

fn a_desk_token_pushes_only_for_its_own_desk_and_facility() {
    let desk = DeskFixture::new(2);
    let ep = endpoint(&desk);
    let events = desk.outbox();
    let cases = [
        // The URL names another desk.
        (
            OTHER_DESK_ID,
            json!({ "facility_id": FACILITY_ID, "events": events }),
            "wrong_desk",
        ),
        // The body names another facility.
        (
            DESK_ID,
            json!({ "facility_id": OTHER_FACILITY_ID, "events": events }),
            "wrong_facility",
        ),
        // One event names another facility (hash recomputed: only the scope can refuse it).
        (
            DESK_ID,
            json!({ "facility_id": FACILITY_ID,
                    "events": [events[0].clone(), relabel(events[1].clone(), "facility_id", OTHER_FACILITY_ID)] }),
            "wrong_facility",
        ),
        // One event names another desk.
        (
            DESK_ID,
            json!({ "facility_id": FACILITY_ID,
                    "events": [relabel(events[0].clone(), "desk_id", OTHER_DESK_ID)] }),
            "wrong_desk",
        ),
    ];
    for (url_desk, body, code) in cases {
        let (status, answer) = ep.push_raw(TOKEN, url_desk, &body);
        assert_eq!(status, 403, "{answer}");
        assert_eq!(answer["error"], code, "{answer}");
    }
    assert!(ep.events().is_empty(), "a refused push stores nothing");
    // The other facility's token cannot push as the test desk either.
    let (status, _) = ep.push_raw(
        OTHER_TOKEN,
        DESK_ID,
        &json!({ "facility_id": FACILITY_ID, "events": events }),
    );
    assert_eq!(status, 403);
    // The desk's own push is taken.
    let (status, answer) = ep.push_raw(
        TOKEN,
        DESK_ID,
        &json!({ "facility_id": FACILITY_ID, "events": events }),
    );
    assert_eq!(
        (status, answer["ack_seq"].clone()),
        (200, json!(2)),
        "{answer}"
    );
}

fn a_desk_token_reads_only_its_own_facility() {
    let desk = DeskFixture::new(0);
    let ep = endpoint(&desk);
    ep.queue_update_for(
        OTHER_FACILITY_ID,
        "hold-elsewhere",
        "custody_assumed",
        json!({ "ice_officer": "SDDO Reyes" }),
        "u-other-1",
        "2026-11-27T14:00:00Z",
    );
    for path in [
        format!("/v1/facilities/{OTHER_FACILITY_ID}/updates"),
        format!("/v1/facilities/{OTHER_FACILITY_ID}/events"),
    ] {
        let (status, answer) = ep.get(TOKEN, &path);
        assert_eq!(status, 403, "{path}: {answer}");
        assert_eq!(answer["error"], "wrong_facility");
        assert!(!answer.to_string().contains("Reyes"));
    }
    // Its own desk reads it; the test desk's facility has nothing.
    let (status, page) = ep.get(
        OTHER_TOKEN,
        &format!("/v1/facilities/{OTHER_FACILITY_ID}/updates"),
    );
    assert_eq!(status, 200);
    assert_eq!(page["updates"][0]["details"]["ice_officer"], "SDDO Reyes");
    let (status, page) = ep.get(TOKEN, &format!("/v1/facilities/{FACILITY_ID}/updates"));
    assert_eq!((status, page["updates"].clone()), (200, json!([])));
}

/// Send raw bytes, then read whatever comes back until the endpoint closes
/// the connection or `patience` runs out: (status, time to the end).
fn exchange(url: &str, head: &str, body: &[u8], patience: Duration) -> (u16, Duration, String) {
    let host = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).expect("connecting");
    stream.set_read_timeout(Some(patience)).unwrap();
    let started = Instant::now();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    (wso_tests::http::status_of(&text), started.elapsed(), text)
}

fn push_head(token: Option<&str>, length: usize) -> String {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    format!(
        "POST /v1/desks/{DESK_ID}/events HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    )
}

fn a_body_over_8_mib_is_refused_before_it_is_read() {
    let desk = DeskFixture::new(0);
    let ep = endpoint_timing_out_after(&desk, 10_000);
    // 9 MiB announced, not a byte of it sent: only the headers can explain a quick 413.
    let (status, took, text) = exchange(
        &ep.url,
        &push_head(Some(TOKEN), 9 * 1024 * 1024),
        b"",
        Duration::from_secs(8),
    );
    assert_eq!(status, 413, "{text}");
    assert!(took < Duration::from_secs(5), "answered after {took:?}");
    assert!(text.contains("body_too_large"), "{text}");
}

fn an_unauthenticated_body_is_never_read() {
    let desk = DeskFixture::new(0);
    let ep = endpoint_timing_out_after(&desk, 10_000);
    // A small announced body that never comes: reading it would wait for the timeout.
    for token in [None, Some("not-a-token")] {
        let (status, took, text) = exchange(
            &ep.url,
            &push_head(token, 1000),
            b"",
            Duration::from_secs(8),
        );
        assert_eq!(status, 401, "{text}");
        assert!(
            took < Duration::from_secs(5),
            "401 only after {took:?}: the body was waited for"
        );
    }
}

fn half_sent_requests_time_out_and_are_closed() {
    let desk = DeskFixture::new(0);
    let ep = endpoint_timing_out_after(&desk, 1500);
    // Headers whole, then 10 of 1000 body bytes, then silence.
    let (status, took, text) = exchange(
        &ep.url,
        &push_head(Some(TOKEN), 1000),
        b"{\"facilit",
        Duration::from_secs(10),
    );
    assert_eq!(status, 408, "{text}");
    assert!(
        took >= Duration::from_millis(1400) && took < Duration::from_secs(5),
        "closed after {took:?}"
    );
    // Half the headers, then silence: closed too, without an answer to wait for.
    let (_, took, _) = exchange(
        &ep.url,
        "POST /v1/desks/x/events HTTP/1.1\r\nHost: x\r\nAuthor",
        b"",
        Duration::from_secs(10),
    );
    assert!(
        took < Duration::from_secs(5),
        "half-sent headers held the connection for {took:?}"
    );
}

#[test]
fn plain_http_is_served_only_on_loopback() {
    let desk = DeskFixture::new(0);
    let out = EndpointProcess::command(
        desk.dir.path(),
        &EndpointOptions {
            listen: "0.0.0.0:0".into(),
            ..Default::default()
        },
    )
    .output()
    .expect("running wso-endpoint");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("plain HTTP is only for loopback") && stderr.contains("--tls-cert"),
        "{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "it must not have listened: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_token_without_a_facility_is_refused_at_start() {
    let desk = DeskFixture::new(0);
    let out = std::process::Command::new(wso_tests::endpoint_path())
        .args(["serve", "--db"])
        .arg(desk.dir.path().join("e.db"))
        .args(["--listen", "127.0.0.1:0", "--token", "desk-1=abc"])
        .output()
        .expect("running wso-endpoint");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("names no facility"));
}

wso_tests::on_both_stores!(
    a_desk_token_pushes_only_for_its_own_desk_and_facility,
    a_desk_token_reads_only_its_own_facility,
    a_body_over_8_mib_is_refused_before_it_is_read,
    an_unauthenticated_body_is_never_read,
    half_sent_requests_time_out_and_are_closed,
);
