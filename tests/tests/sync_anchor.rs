//! The chain anchored at the endpoint (issue 12, finding 2; sync-protocol.md
//! v1.1, "Anchoring the chain at the endpoint"): the push answer names the
//! stored hash at `ack_seq`, the endpoint refuses (409) a resent event whose
//! content changed and a broken `prev_hash`, the desk stops when ICE's anchor
//! is not its own event, and `audit verify --endpoint` catches an insider who
//! rewrote both local chains under the key.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use wso_core::events::{canonical_json, envelope_hash, GENESIS_HASH};
use wso_tests::{DeskFixture, EndpointOptions, EndpointProcess, DESK_ID, FACILITY_ID, TOKEN};

fn endpoint(desk: &DeskFixture) -> EndpointProcess {
    EndpointProcess::start(desk.dir.path(), &EndpointOptions::default())
}

fn push(ep: &EndpointProcess, events: &[Value]) -> (u16, Value) {
    ep.push_raw(
        TOKEN,
        DESK_ID,
        &json!({ "facility_id": FACILITY_ID, "events": events }),
    )
}

/// Recompute `hash` of each event in order, each linking to the one before.
fn rechain(events: &mut [Value]) {
    let mut prev = GENESIS_HASH.to_owned();
    for e in events.iter_mut() {
        e["prev_hash"] = json!(prev);
        let hash = envelope_hash(e);
        e["hash"] = json!(hash);
        prev = hash;
    }
}

fn the_push_answer_names_the_stored_hash_at_ack_seq() {
    let desk = DeskFixture::new(3);
    let ep = endpoint(&desk);
    let (status, probe) = push(&ep, &[]);
    assert_eq!(status, 200);
    assert_eq!(
        (probe["ack_seq"].clone(), probe["ack_hash"].clone()),
        (json!(0), Value::Null)
    );
    let events = desk.outbox();
    let (status, answer) = push(&ep, &events[..2]);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["ack_hash"], events[1]["hash"]);
    let (_, answer) = push(&ep, &[]);
    assert_eq!(
        (answer["ack_seq"].clone(), answer["ack_hash"].clone()),
        (json!(2), events[1]["hash"].clone())
    );
}

fn a_resent_event_whose_content_changed_is_refused_not_taken_as_a_duplicate() {
    let desk = DeskFixture::new(2);
    let ep = endpoint(&desk);
    let events = desk.outbox();
    assert_eq!(push(&ep, &events).0, 200);
    let mut edited = events.clone();
    edited[0]["recorded_by"] = json!("someone-else");
    rechain(&mut edited);
    let (status, answer) = push(&ep, &edited);
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"], "content_changed");
    assert_eq!(ep.events(), events, "the stored chain is unchanged");
}

fn a_broken_prev_hash_is_refused_and_nothing_past_it_is_stored() {
    let desk = DeskFixture::new(3);
    let ep = endpoint(&desk);
    let events = desk.outbox();
    assert_eq!(push(&ep, &events[..1]).0, 200);
    // Event 2 links to something else; its own hash is recomputed so only the link is wrong.
    let mut broken = events[1..].to_vec();
    broken[0]["prev_hash"] = json!("f".repeat(64));
    let hash = envelope_hash(&broken[0]);
    broken[0]["hash"] = json!(hash);
    let (status, answer) = push(&ep, &broken);
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"], "chain_broken");
    assert_eq!(ep.events(), events[..1].to_vec(), "nothing past the break");
}

/// What an insider with the key does: change the first event, recompute the
/// whole event chain, fix the audit records naming event hashes, and
/// recompute the audit chain too, on the raw connection.
fn rewrite_history(desk: &DeskFixture) {
    let d = desk.open();
    let conn = d.conn();
    let mut events = desk.outbox();
    // The person's name changed in the opening event and in the hold row alike:
    // consistent with core's rules, so only the endpoint's copy can tell.
    events[0]["body"]["person"]["given_names"] = json!("Rewritten");
    conn.execute(
        "UPDATE hold SET given_names = 'Rewritten' WHERE hold_id = ?1",
        [events[0]["hold_id"].as_str().unwrap()],
    )
    .unwrap();
    let old: Vec<String> = events
        .iter()
        .map(|e| e["hash"].as_str().unwrap().to_owned())
        .collect();
    rechain(&mut events);
    for e in &events {
        conn.execute(
            "UPDATE event SET envelope = ?2, prev_hash = ?3, hash = ?4, recorded_by = ?5 WHERE seq = ?1",
            (
                e["seq"].as_i64().unwrap(),
                canonical_json(e),
                e["prev_hash"].as_str().unwrap(),
                e["hash"].as_str().unwrap(),
                e["recorded_by"].as_str().unwrap(),
            ),
        )
        .unwrap();
    }
    let mut stmt = conn
        .prepare(
            "SELECT seq, at, actor, action, target, desk, outcome, detail FROM audit ORDER BY seq",
        )
        .unwrap();
    type Row = (
        i64,
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut prev = GENESIS_HASH.to_owned();
    for (seq, at, actor, action, target, desk_name, outcome, detail) in rows {
        let detail = detail.map(|text| {
            old.iter().zip(&events).fold(text, |t, (o, e)| {
                t.replace(o.as_str(), e["hash"].as_str().unwrap())
            })
        });
        let v = json!({ "seq": seq, "at": at, "actor": actor, "action": action, "target": target,
                        "desk": desk_name, "outcome": outcome, "detail": detail, "prev_hash": prev });
        let hash = hex::encode(Sha256::digest(canonical_json(&v).as_bytes()));
        conn.execute(
            "UPDATE audit SET detail = ?2, prev_hash = ?3, hash = ?4 WHERE seq = ?1",
            (seq, &detail, &prev, &hash),
        )
        .unwrap();
        prev = hash;
    }
}

fn a_rewritten_history_passes_audit_verify_alone_and_fails_against_the_endpoint() {
    let desk = DeskFixture::new(3);
    let ep = endpoint(&desk);
    desk.sync(&ep.url, 20).success();
    let token = desk.token_file.to_string_lossy().into_owned();
    let against = [
        "audit",
        "verify",
        "--endpoint",
        &ep.url,
        "--token-file",
        &token,
    ];
    let before = desk.wsoctl(&against).success();
    assert!(before.stdout().contains("matches"), "{}", before.stdout());

    rewrite_history(&desk);
    desk.wsoctl(&["audit", "verify"]).success();
    let after = desk.wsoctl(&against);
    assert_eq!(after.code(), 1, "{}", after.stderr());
    assert!(
        after.stderr().contains("from seq 1 on"),
        "the first differing seq must be named: {}",
        after.stderr()
    );
}

fn a_rewritten_desk_cannot_push_past_the_anchor() {
    let mut desk = DeskFixture::new(2);
    let ep = endpoint(&desk);
    desk.sync(&ep.url, 20).success();
    rewrite_history(&desk);
    desk.open_holds(1);
    // Event 3 links to the rewritten event 2: the endpoint refuses it.
    let out = desk.sync(&ep.url, 20);
    assert_eq!(out.code(), 5, "{}", out.stderr());
    assert!(
        out.stderr().contains("chain_broken") || out.stderr().contains("prev_hash"),
        "{}",
        out.stderr()
    );
    assert_eq!(desk.status().events_waiting, 1);
    assert_eq!(ep.events().len(), 2);
}

fn a_desk_stops_when_the_endpoints_anchor_is_not_its_own_event() {
    let desk = DeskFixture::new(2);
    let ep = endpoint(&desk);
    ep.set_faults(json!({ "ack_hash": "0".repeat(64) }));
    let out = desk.sync(&ep.url, 20);
    assert_eq!(out.code(), 5, "{}", out.stderr());
    let status = desk.status();
    assert!(
        status.problems.iter().any(|p| p.code == "chain_diverged"),
        "a supervisor must see it: {:?}",
        status.problems
    );
    assert_eq!(
        status.acked_seq, 0,
        "nothing is marked delivered on a foreign anchor"
    );
    assert_eq!(status.events_waiting, 2);
}

wso_tests::on_both_stores!(
    the_push_answer_names_the_stored_hash_at_ack_seq,
    a_resent_event_whose_content_changed_is_refused_not_taken_as_a_duplicate,
    a_broken_prev_hash_is_refused_and_nothing_past_it_is_stored,
    a_rewritten_history_passes_audit_verify_alone_and_fails_against_the_endpoint,
    a_rewritten_desk_cannot_push_past_the_anchor,
    a_desk_stops_when_the_endpoints_anchor_is_not_its_own_event,
);
