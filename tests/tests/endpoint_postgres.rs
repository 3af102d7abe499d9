//! Two endpoint processes on one PostgreSQL database (issue 13: a state's
//! desks behind several endpoints): the same desk's chain pushed at both at
//! once, a forked desk pushed at both, and other desks of the facility pushed
//! at either, while the facility feed is read through both. No seq is stored
//! twice, each chain is intact and one fork's whole, and each reader gets
//! every event exactly once, each desk's in seq order, even while pushes
//! commit in between its pages.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use serde_json::{json, Value};
use wso_core::events::{envelope_hash, GENESIS_HASH};
use wso_tests::{on_postgres, EndpointOptions, EndpointProcess, FACILITY_ID};

const EVENTS: i64 = 60;
const BATCH: usize = 5;

fn token(desk: &str) -> String {
    format!("{desk}-token")
}

/// A desk's chain of `n` events as the desk would write them.
fn chain(desk: &str, n: i64, salt: &str) -> Vec<Value> {
    let mut prev = GENESIS_HASH.to_owned();
    (1..=n)
        .map(|seq| {
            let mut e = json!({
                "event_id": format!("{desk}-{salt}-{seq}"), "seq": seq, "desk_id": desk,
                "facility_id": FACILITY_ID, "hold_id": format!("{desk}-h"), "type": "hold.moved",
                "occurred_at": "2026-11-27T14:03:00Z", "recorded_at": "2026-11-27T14:05:12Z",
                "recorded_by": "jdoe", "prev_hash": prev,
                "body": { "zone_id": "booking", "inside_perimeter": true, "moved_at": "2026-11-27T14:03:00Z" },
            });
            let hash = envelope_hash(&e);
            e["hash"] = Value::String(hash.clone());
            prev = hash;
            e
        })
        .collect()
}

/// Push a chain in batches; stop at the first 409. Returns each answer's status and code.
fn push_all(ep: &EndpointProcess, desk: &str, events: &[Value]) -> Vec<(u16, Value)> {
    let mut answers = Vec::new();
    for batch in events.chunks(BATCH) {
        let body = json!({ "facility_id": FACILITY_ID, "events": batch });
        let (status, answer) = ep.push_raw(&token(desk), desk, &body);
        let last = batch.last().and_then(|e| e["seq"].as_i64()).unwrap_or(0);
        if status == 200 {
            assert!(
                answer["ack_seq"].as_i64() >= Some(last),
                "{desk}: a whole chain pushed in order is acknowledged: {answer}"
            );
        }
        answers.push((status, answer.clone()));
        if status != 200 {
            break;
        }
    }
    answers
}

/// Read the facility feed in small pages until `done` and then an empty page.
fn read_feed(ep: &EndpointProcess, reader: &str, done: &AtomicBool) -> Vec<Value> {
    let mut cursor = String::new();
    let mut events = Vec::new();
    loop {
        let finished = done.load(Ordering::SeqCst);
        let (status, page) = ep.get(
            &token(reader),
            &format!("/v1/facilities/{FACILITY_ID}/events?after={cursor}&limit=7"),
        );
        assert_eq!(status, 200, "{page}");
        let got = page["events"].as_array().cloned().unwrap_or_default();
        cursor = page["next"].as_str().expect("next cursor").to_owned();
        if got.is_empty() && finished {
            return events;
        }
        if got.len() < 7 {
            // Caught up: let the pushes run (the machine's cores are shared).
            thread::sleep(Duration::from_millis(20));
        }
        events.extend(got);
    }
}

/// Each (desk, seq) once, each desk's in seq order from 1, and the same envelopes as stored.
#[track_caller]
fn assert_every_event_once(feed: &[Value], stored: &HashMap<&str, Vec<Value>>) {
    let mut seen = HashSet::new();
    let mut per_desk: HashMap<String, Vec<Value>> = HashMap::new();
    for e in feed {
        let desk = e["desk_id"].as_str().unwrap_or_default().to_owned();
        let seq = e["seq"].as_i64().unwrap_or(0);
        assert!(
            seen.insert((desk.clone(), seq)),
            "{desk} seq {seq} served twice"
        );
        per_desk.entry(desk).or_default().push(e.clone());
    }
    assert_eq!(per_desk.len(), stored.len(), "every desk in the feed");
    for (desk, events) in stored {
        assert_eq!(
            per_desk.get(*desk),
            Some(events),
            "{desk}: the feed serves the stored chain, in seq order"
        );
    }
}

#[test]
fn two_endpoints_on_one_database_store_each_seq_once_and_serve_every_event_once() {
    let Some(_pg) = on_postgres("two_endpoints_on_one_database") else {
        return;
    };
    let desks = ["fd-shared", "fd-forked", "fd-at-a", "fd-at-b"];
    let options = EndpointOptions {
        extra_tokens: desks
            .iter()
            .map(|d| format!("{d}@{FACILITY_ID}={}", token(d)))
            .collect(),
        ..Default::default()
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let a = Arc::new(EndpointProcess::start(dir.path(), &options));
    let b = Arc::new(EndpointProcess::start(dir.path(), &options));
    assert_eq!(a.db, b.db);
    assert!(a.db.starts_with("postgres://"), "{}", a.db);

    let shared = chain("fd-shared", EVENTS, "x");
    let forks = [
        chain("fd-forked", EVENTS, "a"),
        chain("fd-forked", EVENTS, "b"),
    ];
    let at_a = chain("fd-at-a", EVENTS, "x");
    let at_b = chain("fd-at-b", EVENTS, "x");
    let done = Arc::new(AtomicBool::new(false));
    let reader = |ep: &Arc<EndpointProcess>, desk: &'static str| {
        let (ep, done) = (ep.clone(), done.clone());
        thread::spawn(move || read_feed(&ep, desk, &done))
    };
    let readers = [reader(&a, "fd-at-a"), reader(&b, "fd-at-b")];
    let pusher = |ep: &Arc<EndpointProcess>, desk: &'static str, events: &[Value]| {
        let (ep, events) = (ep.clone(), events.to_vec());
        thread::spawn(move || push_all(&ep, desk, &events))
    };
    let pushes = [
        pusher(&a, "fd-shared", &shared),
        pusher(&b, "fd-shared", &shared),
        pusher(&a, "fd-forked", &forks[0]),
        pusher(&b, "fd-forked", &forks[1]),
        pusher(&a, "fd-at-a", &at_a),
        pusher(&b, "fd-at-b", &at_b),
    ];
    let answers: Vec<Vec<(u16, Value)>> = pushes
        .into_iter()
        .map(|p| p.join().expect("pusher"))
        .collect();
    done.store(true, Ordering::SeqCst);
    let feeds: Vec<Vec<Value>> = readers
        .into_iter()
        .map(|r| r.join().expect("reader"))
        .collect();

    // The same chain at both: every push answered 200 (duplicates acknowledged), stored once.
    for answer in [&answers[0], &answers[1], &answers[4], &answers[5]] {
        assert!(answer.iter().all(|(s, _)| *s == 200), "{answer:?}");
    }
    // The fork: one side won whole; the other's first conflicting push got a 409, nothing doubled.
    let lost: Vec<usize> = (2..4)
        .filter(|i| answers[*i].iter().any(|(s, _)| *s != 200))
        .collect();
    assert_eq!(
        lost.len(),
        1,
        "exactly one fork loses: {:?}",
        &answers[2..4]
    );
    let (status, refusal) = answers[lost[0]].last().cloned().unwrap_or_default();
    assert_eq!(status, 409, "{refusal}");
    assert_eq!(refusal["error"], "seq_conflict", "{refusal}");
    let winner = &forks[if lost[0] == 2 { 1 } else { 0 }];

    let stored: HashMap<&str, Vec<Value>> = desks.iter().map(|d| (*d, a.desk_events(d))).collect();
    for (desk, expected) in [
        ("fd-shared", &shared),
        ("fd-forked", winner),
        ("fd-at-a", &at_a),
        ("fd-at-b", &at_b),
    ] {
        assert_eq!(
            &stored[desk], expected,
            "{desk}: each seq once, the chain intact"
        );
        assert_eq!(
            b.desk_events(desk),
            stored[desk],
            "{desk}: both endpoints hold the same"
        );
        wso_tests::assert_delivered_exactly_once(&stored[desk], expected);
    }
    for feed in &feeds {
        assert_every_event_once(feed, &stored);
    }
}
