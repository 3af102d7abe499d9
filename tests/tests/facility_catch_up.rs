//! A desk that was away catches up, and a kill -9 mid-sync loses nothing
//! (sync-protocol.md v1.1 "Several desks at one facility"): desk B works a
//! busy day (1,500 events) while desk A is off; A then reads the facility
//! feed, page by page, to the end. Killing A's `wsoctl sync` or the endpoint
//! in the middle and syncing again leaves A holding each of B's events once,
//! in B's order, and the same board as B.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use wso_core::sync::facility::PAGE_LIMIT;
use wso_tests::facility::{
    as_sent, assert_same_holds, board, busy_day, facility_events, sync, two_desks,
};
use wso_tests::{DeskFixture, EndpointOptions, EndpointProcess, SECOND_DESK_ID};

/// 500 holds, three events each.
const HOLDS: usize = 500;

fn spawn_sync(desk: &DeskFixture, endpoint: &EndpointProcess, max_wait: u64) -> Child {
    desk.command()
        .args(desk.sync_args(&endpoint.url, max_wait))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting wsoctl sync")
}

fn count(core: &wso_core::Desk, sql: &str) -> i64 {
    core.conn()
        .query_row(sql, [], |r| r.get(0))
        .expect("counting")
}

/// Poll `sql` on the desk (read-only, beside the running sync) until it is
/// above zero; returns what it was.
fn wait_for_some(core: &wso_core::Desk, sql: &str, child: &mut Child) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let n = count(core, sql);
        if n > 0 {
            return n;
        }
        if let Some(status) = child.try_wait().expect("polling wsoctl sync") {
            panic!("wsoctl sync ended ({status}) before {sql} moved");
        }
        assert!(Instant::now() < deadline, "{sql} never moved");
        std::thread::sleep(Duration::from_millis(2));
    }
}

const APPLIED: &str = "SELECT COUNT(*) FROM facility_event";

/// A holds each of B's events once, in order, and the same board as B.
#[track_caller]
fn assert_caught_up(a: &DeskFixture, b: &DeskFixture) {
    let outbox = b.outbox();
    assert_eq!(
        facility_events(a),
        as_sent(SECOND_DESK_ID, &outbox),
        "A must hold B's events 1..n once each, as B sent them"
    );
    assert_same_holds(&board(a, true), &board(b, true));
    let verified = a.wsoctl(&["audit", "verify", "--json"]).success().json();
    assert!(
        verified["holds"].as_u64().unwrap_or_default() >= HOLDS as u64,
        "{verified}"
    );
}

fn a_desk_down_for_a_day_catches_up_in_one_sync_read_in_pages() {
    let (endpoint, _dir, mut a, b) = two_desks();
    let mine = a.open_holds(1);
    sync(&a, &endpoint);
    // A is off; B books, moves and closes 500 holds over the day.
    let held = busy_day(&b, HOLDS);
    sync(&b, &endpoint);
    let outbox = b.outbox();
    assert!(outbox.len() >= 3 * HOLDS, "{} events", outbox.len());

    let synced = sync(&a, &endpoint);
    let applied = synced["report"]["facility_events_applied"]
        .as_u64()
        .unwrap_or_default();
    assert_eq!(applied, outbox.len() as u64, "{synced}");
    assert!(applied > u64::from(PAGE_LIMIT), "more than one page");
    assert_eq!(synced["report"]["facility_events_stopped"], 0);
    assert_caught_up(&a, &b);
    // Every one of B's day is on A's board with its close, A's own hold too.
    let at_a = board(&a, true);
    for (i, id) in held.iter().enumerate() {
        let h = wso_tests::facility::find(&at_a, id).expect("B's hold at A");
        let status = if i % 2 == 0 {
            "released"
        } else {
            "transferred"
        };
        assert_eq!(h["status"], status, "{h}");
        assert_eq!(h["zone_id"], "housing-a");
    }
    assert_eq!(
        wso_tests::facility::find(&at_a, &mine[0]).unwrap()["status"],
        "open"
    );
    // And A knows B as just heard from, with every event it sent.
    let desks = synced["facility"]["desks"].as_array().unwrap();
    let heard = desks
        .iter()
        .find(|d| d["desk_id"] == SECOND_DESK_ID)
        .unwrap();
    assert_eq!(heard["stale"], false, "{heard}");
    assert_eq!(heard["events"], outbox.len() as u64);
    assert!(heard["problem"].is_null());
    // A second sync finds nothing new.
    let again = sync(&a, &endpoint);
    assert_eq!(again["report"]["facility_events_applied"], 0, "{again}");
}

fn kill_9_of_a_desk_mid_pull_then_a_resync_loses_nothing_and_applies_nothing_twice() {
    let (endpoint, _dir, a, b) = two_desks();
    busy_day(&b, HOLDS);
    sync(&b, &endpoint);
    let total = b.outbox().len() as i64;

    let watch = a.open();
    let mut child = spawn_sync(&a, &endpoint, 60);
    wait_for_some(&watch, APPLIED, &mut child);
    child.kill().expect("kill -9 of wsoctl sync");
    child.wait().expect("reaping wsoctl sync");
    let at_kill = count(&watch, APPLIED);
    assert!(
        at_kill < total,
        "the sync finished before the kill ({at_kill} of {total})"
    );
    // Each page is applied whole, with its cursor, or not at all.
    assert_eq!(at_kill % i64::from(PAGE_LIMIT), 0, "{at_kill} applied");
    let folded = count(
        &watch,
        &format!("SELECT COUNT(*) FROM hold WHERE booked_at_desk = '{SECOND_DESK_ID}'"),
    );
    let named = count(&watch, "SELECT COUNT(DISTINCT hold_id) FROM facility_event");
    assert_eq!(
        folded, named,
        "every hold with events applied is on the board"
    );
    drop(watch);

    let synced = sync(&a, &endpoint);
    assert_eq!(
        synced["report"]["facility_events_applied"],
        total - at_kill,
        "the resync applies only what the killed one had not: {synced}"
    );
    assert_caught_up(&a, &b);
}

fn kill_9_of_the_endpoint_mid_sync_then_a_restart_on_its_database_loses_nothing() {
    let (mut endpoint, dir, a, b) = two_desks();
    let options = EndpointOptions::default();
    busy_day(&b, HOLDS);
    let day = b.outbox().len() as i64;

    // The endpoint dies while B pushes its day.
    let watch = b.open();
    let mut child = spawn_sync(&b, &endpoint, 3);
    let acked = "SELECT acked_seq FROM sync_state WHERE singleton = 1";
    wait_for_some(&watch, acked, &mut child);
    endpoint.kill();
    let at_kill = count(&watch, acked);
    assert!(at_kill < day, "B's push finished before the kill");
    let _ = child.wait();
    drop(watch);
    let mut endpoint = EndpointProcess::start(dir.path(), &options);
    sync(&b, &endpoint);
    // The acknowledgements recorded B's late notices: its outbox grew.
    let total = b.outbox().len() as i64;
    assert_eq!(b.status().acked_seq, total, "B's whole day is acknowledged");

    // And again while A reads the facility feed.
    let watch = a.open();
    let mut child = spawn_sync(&a, &endpoint, 3);
    wait_for_some(&watch, APPLIED, &mut child);
    endpoint.kill();
    let _ = child.wait();
    let at_kill = count(&watch, APPLIED);
    assert!(at_kill < total, "A's pull finished before the kill");
    drop(watch);
    let endpoint = EndpointProcess::start(dir.path(), &options);
    let synced = sync(&a, &endpoint);
    assert_eq!(
        synced["report"]["facility_events_applied"],
        total - at_kill,
        "{synced}"
    );
    assert_caught_up(&a, &b);
    // B, synced once more, holds nothing new from A and A's board is B's.
    let last: Value = sync(&b, &endpoint);
    assert_eq!(last["status"]["events_waiting"], 0, "{last}");
}

wso_tests::on_both_stores!(
    a_desk_down_for_a_day_catches_up_in_one_sync_read_in_pages,
    kill_9_of_a_desk_mid_pull_then_a_resync_loses_nothing_and_applies_nothing_twice,
    kill_9_of_the_endpoint_mid_sync_then_a_restart_on_its_database_loses_nothing,
);
