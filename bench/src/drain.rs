//! (d) A desk back online with 10,000 events queued: how long the real sync
//! client (`wso_core::sync::Session::run_until_empty`, the code the app and
//! `wsoctl sync` run) takes to deliver them to the reference endpoint on
//! loopback, against a bare HTTP client posting the very same request bodies
//! back to back. The gap is what the desk's own work costs: reading batches
//! from SQLite and recording each acknowledgement durably before the next.
//! Row (d') shows what sending the stored envelope texts as they are
//! (`outbox::stored_batch`, issue 14) saves against parsing and serialising
//! them again, measured on the same outbox.
//!
//! Each run gets its own endpoint process with an empty database, because the
//! endpoint deduplicates what it already holds.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::json;
use wso_core::sync::client::push_body;
use wso_core::sync::{outbox, Endpoint, EndpointConfig, Session, SyncEnv};

use crate::endpoint::{EndpointProcess, Tokens};
use crate::fixture::demo_desk;
use crate::report::{ms, Row, Samples, Table, Verdict};

const TOKEN: &str = "bench-desk-token";

/// Every push body the desk will send, byte for byte as the session builds
/// them (the stored envelope texts), built once, outside the timing.
fn bodies(conn: &rusqlite::Connection, facility_id: &str, batch: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let events = outbox::stored_batch(conn, after, batch).expect("reading the outbox");
        let Some(last) = events.last_seq else { break };
        after = last;
        out.push(push_body(facility_id, &events.events_json));
    }
    out
}

/// Reading every batch of the outbox and building its body, the way the
/// session does now (stored texts) and the way it did before (parse each
/// envelope, serialise the request again): p50 of 5 each.
fn body_building(
    conn: &rusqlite::Connection,
    facility_id: &str,
    batch: usize,
) -> (Duration, Duration) {
    let mut stored = Samples::default();
    let mut parsed = Samples::default();
    for _ in 0..5 {
        stored.time(|| bodies(conn, facility_id, batch).len());
        parsed.time(|| {
            let mut n = 0;
            let mut after = 0;
            loop {
                let events = outbox::batch(conn, after, batch).expect("reading the outbox");
                let Some(last) = events.last() else { break };
                after = last["seq"].as_i64().expect("seq");
                n += json!({ "facility_id": facility_id, "events": events })
                    .to_string()
                    .len();
            }
            n
        });
    }
    (stored.p50(), parsed.p50())
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
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let db = |n: &str| -> PathBuf { dir.join(format!("endpoint-{n}.db")) };
    let start = |n: &str| {
        let tokens = Tokens::One {
            desk_id: &desk_id,
            facility_id: &facility_id,
            token: TOKEN,
        };
        EndpointProcess::start(endpoint_bin, db(n).as_os_str(), tokens).expect("the endpoint")
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
    // The raw client posts every event the desk delivered, in the desk's
    // batch size: the acknowledgements themselves write events (a late
    // notice's incident, agreement.md s4), so the drain sends more than was
    // queued, and the raw side must carry the same bytes. Twice, each to a
    // fresh endpoint; the mean of the two is the comparison.
    let delivered = outbox::state(bench.desk.conn()).expect("outbox").last_seq;
    let bodies = bodies(bench.desk.conn(), &facility_id, batch);
    let raw_before = {
        let ep = start("raw1");
        runtime.block_on(raw_post(&ep.url, &desk_id, &bodies))
    };
    let (stored_build, parsed_build) = body_building(bench.desk.conn(), &facility_id, batch);
    let raw_after = {
        let ep = start("raw2");
        runtime.block_on(raw_post(&ep.url, &desk_id, &bodies))
    };
    let raw = (raw_before + raw_after) / 2;
    let share = raw.as_secs_f64() / desk_time.as_secs_f64();
    table.add(Row {
        figure: format!(
            "(d) sync drain, {queued} events queued, {delivered} delivered, {batches} pushes + pull"
        ),
        measured: format!("{:.2} s", desk_time.as_secs_f64()),
        compared: format!(
            "raw HTTP, the same {} bodies: {:.2} s / {:.2} s",
            bodies.len(),
            raw_before.as_secs_f64(),
            raw_after.as_secs_f64()
        ),
        ratio: format!("{:.0}% of raw", share * 100.0),
        target: "<= 0.3 s and >= 80% of raw".into(),
        verdict: Verdict::from(desk_time.as_secs_f64() <= 0.3 && share >= 0.8),
    });
    table.add(Row {
        figure: format!(
            "(d') read the outbox and build all {} push bodies",
            bodies.len()
        ),
        measured: format!("stored texts {}", ms(stored_build)),
        compared: format!(
            "parse + serialise again (before issue 14) {}",
            ms(parsed_build)
        ),
        ratio: format!(
            "{:.2}x",
            stored_build.as_secs_f64() / parsed_build.as_secs_f64().max(1e-9)
        ),
        target: "-".into(),
        verdict: Verdict::Info,
    });
}
