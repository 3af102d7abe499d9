//! Delivery of the outbox by the real `wsoctl sync` to the real reference
//! endpoint, clean and under every fault the protocol names. Each test says
//! why its assertion must hold; the common one is "exactly once, in order,
//! with an intact chain" (`assert_delivered_exactly_once`).

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;
use wso_tests::{
    assert_delivered_exactly_once, free_port, wait_a_moment, DeskFixture, EndpointOptions,
    EndpointProcess,
};

fn endpoint(desk: &DeskFixture) -> EndpointProcess {
    EndpointProcess::start(desk.dir.path(), &EndpointOptions::default())
}

fn clean_delivery_then_nothing_is_sent_twice() {
    let desk = DeskFixture::new(3);
    let ep = endpoint(&desk);
    let out = desk.sync(&ep.url, 20).success();
    let doc = out.json();
    assert_eq!(doc["status"]["events_waiting"], 0);
    assert_eq!(doc["status"]["reachable"], true);
    assert_delivered_exactly_once(&ep.events(), &desk.outbox());
    // A second run finds nothing waiting and must not resend anything.
    let again = desk.sync(&ep.url, 20).success();
    assert_eq!(again.json()["report"]["batches_sent"], 0);
    assert_eq!(ep.events().len(), 3);
    // Every outbox row is marked delivered, and the desk's own chains still verify.
    let delivered: i64 = desk
        .open()
        .conn()
        .query_row("SELECT COUNT(*) FROM event WHERE delivered = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(delivered, 3);
    desk.wsoctl(&["audit", "verify"]).success();
}

fn endpoint_down_then_up() {
    let desk = DeskFixture::new(2);
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let child = desk
        .command()
        .args(desk.sync_args(&url, 30))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The desk retries with backoff while nothing listens on the port.
    wait_a_moment(1500);
    let ep = EndpointProcess::start(
        desk.dir.path(),
        &EndpointOptions {
            listen: format!("127.0.0.1:{port}"),
            ..Default::default()
        },
    );
    let out = wso_tests::Run(child.wait_with_output().unwrap()).success();
    assert_eq!(out.json()["status"]["events_waiting"], 0);
    assert_delivered_exactly_once(&ep.events(), &desk.outbox());
}

#[test]
fn endpoint_never_up_gives_up_with_exit_5_after_max_wait() {
    let desk = DeskFixture::new(1);
    let started = Instant::now();
    let out = desk.sync(&format!("http://127.0.0.1:{}", free_port()), 2);
    assert_eq!(out.code(), 5, "{}", out.stderr());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "--max-wait 2 must bound the run"
    );
    assert!(
        out.stderr().contains("kept"),
        "the message must say the events are kept: {}",
        out.stderr()
    );
    assert_eq!(desk.status().events_waiting, 1);
}

fn wrong_token_exits_5_and_keeps_every_event() {
    let desk = DeskFixture::new(2);
    let ep = endpoint(&desk);
    std::fs::write(&desk.token_file, "not-the-token\n").unwrap();
    let out = desk.sync(&ep.url, 20);
    assert_eq!(out.code(), 5, "{}", out.stderr());
    assert!(
        out.stderr().contains("refused this desk's credentials"),
        "{}",
        out.stderr()
    );
    let status = desk.status();
    assert_eq!(
        status.events_waiting, 2,
        "nothing may leave the outbox without an acknowledgement"
    );
    assert!(
        status
            .problems
            .iter()
            .any(|p| p.code == "credentials_refused"),
        "a supervisor must see it"
    );
    assert!(ep.events().is_empty());
}

#[test]
fn plain_http_to_a_non_loopback_host_is_refused_before_sending() {
    let desk = DeskFixture::new(1);
    let out = desk.sync("http://192.0.2.1/wso", 5);
    assert_eq!(out.code(), 3, "{}", out.stderr());
    assert!(out.stderr().contains("https"), "{}", out.stderr());
}

fn lost_acknowledgements_are_resent_and_deduplicated() {
    let desk = DeskFixture::new(4);
    let ep = endpoint(&desk);
    // The endpoint stores the events, then the 200 is "lost" (502) twice.
    ep.set_faults(json!({ "fail_after_store": 2 }));
    desk.sync(&ep.url, 20).success();
    assert_delivered_exactly_once(&ep.events(), &desk.outbox());
    assert_eq!(desk.status().events_waiting, 0);
}

fn connection_resets_are_retried() {
    let desk = DeskFixture::new(3);
    let ep = endpoint(&desk);
    ep.set_faults(json!({ "reset_connections": 2 }));
    desk.sync(&ep.url, 20).success();
    assert_delivered_exactly_once(&ep.events(), &desk.outbox());
}

fn a_slow_endpoint_past_the_timeout_is_retried_without_doubling() {
    let desk = DeskFixture::new(3);
    let ep = endpoint(&desk);
    // Stored at once but answered after 3 s; the desk's request timeout is 1.5 s here.
    ep.set_faults(json!({ "delay_after_store_ms": 3000, "delay_count": 1 }));
    desk.sync(&ep.url, 20).success();
    assert_delivered_exactly_once(&ep.events(), &desk.outbox());
}

fn too_large_batches_are_halved_and_the_smaller_size_is_kept() {
    let desk = DeskFixture::new(10);
    let ep = EndpointProcess::start(
        desk.dir.path(),
        &EndpointOptions {
            max_batch: 4,
            ..Default::default()
        },
    );
    let out = desk.sync(&ep.url, 20).success();
    assert_delivered_exactly_once(&ep.events(), &desk.outbox());
    // 10 -> 5 (still > 4) -> 2: the desk keeps 2 for later pushes.
    assert_eq!(out.json()["status"]["batch_size"], 2);
}

fn busy_429_waits_for_retry_after() {
    let desk = DeskFixture::new(2);
    let ep = endpoint(&desk);
    ep.set_faults(json!({ "busy": 1, "busy_status": 429, "retry_after": "2" }));
    let started = Instant::now();
    desk.sync(&ep.url, 20).success();
    // Backoff here is at most 0.4 s: only Retry-After explains a 2 s wait.
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After must be honoured"
    );
    assert_delivered_exactly_once(&ep.events(), &desk.outbox());
}

fn kill_9_mid_push_then_resume_loses_and_doubles_nothing() {
    let mut desk = DeskFixture::new(0);
    desk.open_holds(24);
    let ep = EndpointProcess::start(
        desk.dir.path(),
        &EndpointOptions {
            max_batch: 4,
            ..Default::default()
        },
    );
    // Each push is stored, then answered slowly: the kill lands between storing and acknowledging.
    ep.set_faults(json!({ "delay_after_store_ms": 700, "delay_count": 100 }));
    let mut child = desk
        .command()
        .args(desk.sync_args(&ep.url, 60))
        .env("WSO_SYNC_REQUEST_TIMEOUT_MS", "5000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill as soon as a batch is stored: its acknowledgement is still 700 ms away.
    let started = Instant::now();
    while ep.events().is_empty() && started.elapsed() < Duration::from_secs(30) {
        wait_a_moment(50);
    }
    child.kill().unwrap(); // SIGKILL on Unix: no cleanup runs
    child.wait().unwrap();
    let partial = ep.events().len();
    let acked = desk.status().acked_seq;
    assert!(
        acked < partial as i64,
        "the desk died before recording the last acknowledgement"
    );
    assert!(
        partial > 0 && partial < 24,
        "the kill must land mid-push (stored {partial})"
    );
    ep.set_faults(json!({}));
    desk.sync(&ep.url, 30).success();
    assert_delivered_exactly_once(&ep.events(), &desk.outbox());
    desk.wsoctl(&["audit", "verify"]).success();
}

fn ack_seq_ahead_of_the_desk_stops_like_409_and_marks_nothing() {
    let desk = DeskFixture::new(2);
    let ep = endpoint(&desk);
    ep.set_faults(json!({ "ack_offset": 5 }));
    let out = desk.sync(&ep.url, 20);
    assert_eq!(out.code(), 5, "{}", out.stderr());
    let status = desk.status();
    assert_eq!(
        status.acked_seq, 0,
        "an ack for events never written must not mark anything delivered"
    );
    assert_eq!(status.events_waiting, 2);
    assert!(status.problems.iter().any(|p| p.code == "ack_ahead"));
}

fn ack_seq_behind_resends_from_there_and_warns() {
    let mut desk = DeskFixture::new(4);
    let ep = endpoint(&desk);
    desk.sync(&ep.url, 20).success();
    // The endpoint loses events 3 and 4; the desk only learns at its next push.
    ep.forget_after(2);
    desk.open_holds(1);
    let out = desk.sync(&ep.url, 20).success();
    assert_delivered_exactly_once(&ep.events(), &desk.outbox());
    let problems = out.json()["status"]["problems"].clone();
    assert!(
        problems.to_string().contains("endpoint_lost_data"),
        "a supervisor must be told: {problems}"
    );
}

fn a_409_conflict_stops_and_keeps_events() {
    let desk = DeskFixture::new(2);
    let ep = endpoint(&desk);
    desk.sync(&ep.url, 20).success();
    // Another desk database with the same desk id (an old backup restored
    // elsewhere) writes a different event 1 and 2..: never renumbered silently.
    let other = DeskFixture::new(3);
    let out = other.sync(&ep.url, 20);
    assert_eq!(out.code(), 5, "{}", out.stderr());
    assert!(other
        .status()
        .problems
        .iter()
        .any(|p| p.code == "seq_conflict"));
    assert_eq!(other.status().events_waiting, 3);
    assert_eq!(
        ep.events().len(),
        2,
        "the conflicting request stores nothing"
    );
}

wso_tests::on_both_stores!(
    clean_delivery_then_nothing_is_sent_twice,
    endpoint_down_then_up,
    wrong_token_exits_5_and_keeps_every_event,
    lost_acknowledgements_are_resent_and_deduplicated,
    connection_resets_are_retried,
    a_slow_endpoint_past_the_timeout_is_retried_without_doubling,
    too_large_batches_are_halved_and_the_smaller_size_is_kept,
    busy_429_waits_for_retry_after,
    kill_9_mid_push_then_resume_loses_and_doubles_nothing,
    ack_seq_ahead_of_the_desk_stops_like_409_and_marks_nothing,
    ack_seq_behind_resends_from_there_and_warns,
    a_409_conflict_stops_and_keeps_events,
);
