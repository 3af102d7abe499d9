//! (d) A desk back online with 10,000 events queued: how long the real sync
//! client (`wso_core::sync::Session::run_until_empty`, the code the app and
//! `wsoctl sync` run) takes to deliver them to the reference endpoint on
//! loopback, against a bare HTTP client posting the very same request bodies
//! back to back. The gap is what the desk's own work costs: reading batches
//! from SQLite and recording each acknowledgement durably before the next.
//!
//! Each run gets its own endpoint process with an empty database, because the
//! endpoint deduplicates what it already holds.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::json;
use wso_core::sync::{outbox, Endpoint, EndpointConfig, Session, SyncEnv};

use crate::endpoint::{EndpointProcess, Tokens};
use crate::fixture::demo_desk;
use crate::report::{ms, Row, Samples, Table, Verdict};

const TOKEN: &str = "bench-desk-token";

/// Every push body the desk will send, built once, outside the timing.
fn bodies(conn: &rusqlite::Connection, facility_id: &str, batch: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let events = outbox::batch(conn, after, batch).expect("reading the outbox");
        let Some(last) = events.last() else { break };
        after = last["seq"].as_i64().expect("seq");
        out.push(json!({ "facility_id": facility_id, "events": events }).to_string());
    }
    out
}

/// POST the bodies one after another on one pooled connection; every answer must be 200.
async fn raw_post(url: &str, desk_id: &str, bodies: &[String]) -> Duration {
    let http = reqwest::Client::new();
    let target = format!("{url}/v1/desks/{desk_id}/events");
    let start = Instant::now();
    for body in bodies {
        let resp = http
            .post(&target)
            .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(CONTENT_TYPE, "application/json")
            .body(body.clone())
            .send()
            .await
            .expect("raw push");
        let status = resp.status();
        let text = resp.bytes().await.expect("raw push answer");
        assert!(
            status.is_success(),
            "raw push got {status}: {}",
            String::from_utf8_lossy(&text)
        );
    }
    start.elapsed()
}

pub fn run(dir: &Path, events: usize, endpoint_bin: &Path, table: &mut Table) {
    let now = Utc::now();
    let mut bench = demo_desk(dir, "drain", now);
    bench.fast_fill(true);
    // Book and release: two events per hold, and the open set stays small.
    bench.closed_holds("drain", events.saturating_sub(4) / 2, now);
    bench.fast_fill(false);
    let desk_id = bench.desk.desk_id().to_owned();
    let facility_id = bench.desk.facility().id.clone();
    let queued = outbox::state(bench.desk.conn()).expect("outbox").waiting();
    let batch = outbox::state(bench.desk.conn()).expect("outbox").batch_size;
    let bodies = bodies(bench.desk.conn(), &facility_id, batch);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    // Raw before and after the desk's drain: the mean of the two is the
    // comparison, so drift in machine load does not favour either side.
    let db = |n: &str| -> PathBuf { dir.join(format!("endpoint-{n}.db")) };
    let start = |n: &str| {
        let tokens = Tokens::One {
            desk_id: &desk_id,
            facility_id: &facility_id,
            token: TOKEN,
        };
        EndpointProcess::start(endpoint_bin, db(n).as_os_str(), tokens).expect("the endpoint")
    };
    let raw_before = {
        let ep = start("raw1");
        runtime.block_on(raw_post(&ep.url, &desk_id, &bodies))
    };
    let (desk_time, batches) = {
        let ep = start("desk");
        let endpoint =
            Endpoint::new(&EndpointConfig::new(ep.url.clone(), TOKEN)).expect("endpoint config");
        let mut session = Session::new(&mut bench.desk, &endpoint, SyncEnv::default());
        let start = Instant::now();
        let report = runtime
            .block_on(session.run_until_empty(Duration::from_secs(120)))
            .expect("sync drain");
        (start.elapsed(), report.batches_sent)
    };
    let left = outbox::state(bench.desk.conn()).expect("outbox").waiting();
    assert_eq!(left, 0, "the drain left {left} events in the outbox");
    let scan = delivered_scan(bench.desk.conn_mut(), queued);
    let raw_after = {
        let ep = start("raw2");
        runtime.block_on(raw_post(&ep.url, &desk_id, &bodies))
    };
    let raw = (raw_before + raw_after) / 2;
    let share = raw.as_secs_f64() / desk_time.as_secs_f64();
    table.add(Row {
        figure: format!("(d) sync drain, {queued} events, {batches} pushes + pull"),
        measured: format!("{:.2} s", desk_time.as_secs_f64()),
        compared: format!(
            "raw HTTP, same {} bodies: {:.2} s / {:.2} s",
            bodies.len(),
            raw_before.as_secs_f64(),
            raw_after.as_secs_f64()
        ),
        ratio: format!("{:.0}% of raw", share * 100.0),
        target: "<= 5 s and >= 70% of raw".into(),
        verdict: Verdict::from(desk_time.as_secs_f64() <= 5.0 && share >= 0.7),
    });
    table.add(Row {
        figure: format!(
            "(d') why: the two `delivered` UPDATEs of one acknowledgement at {queued} events"
        ),
        measured: ms(scan),
        compared: format!(
            "x {batches} acknowledgements = {:.2} s of the drain",
            scan.as_secs_f64() * f64::from(batches)
        ),
        ratio: "-".into(),
        target: "-".into(),
        verdict: Verdict::Info,
    });
}

/// What `outbox::record_push` spends marking events delivered, measured alone
/// (the same statements, in a transaction rolled back): both filter on
/// `delivered`, which has no index, so each acknowledgement reads the whole
/// event table.
fn delivered_scan(conn: &mut rusqlite::Connection, ack: i64) -> Duration {
    let mut t = Samples::default();
    for _ in 0..5 {
        let tx = conn.transaction().expect("begin");
        t.time(|| {
            tx.execute(
                "UPDATE event SET delivered = 1 WHERE seq <= ?1 AND delivered = 0",
                [ack / 2],
            )
            .expect("mark delivered");
            tx.execute(
                "UPDATE event SET delivered = 0 WHERE seq > ?1 AND delivered = 1",
                [ack / 2],
            )
            .expect("mark to resend");
        });
        tx.rollback().expect("rollback");
    }
    t.p50()
}
