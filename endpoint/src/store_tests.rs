//! The endpoint's storing rules on both stores, a real SQLite file and a
//! fresh PostgreSQL database: dedup, order, gaps, conflicts and chain checks,
//! with envelopes hashed by core's own code. Each case runs once per store
//! (`sqlite::NAME`, `postgres::NAME`).

use super::scratch::{test_admin_url, ScratchDatabase};
use super::*;
use serde_json::json;
use wso_core::events::{envelope_hash, GENESIS_HASH};

const DESK: &str = "desk-1";
const FACILITY: &str = "pinellas-main";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T14:05:13Z")
        .unwrap()
        .to_utc()
}

/// A chain of `n` events as a desk would write them.
fn chain(n: i64, salt: &str) -> Vec<Value> {
    let mut prev = GENESIS_HASH.to_owned();
    (1..=n)
        .map(|seq| {
            let mut e = json!({
                "event_id": format!("{salt}-{seq}"), "seq": seq, "desk_id": DESK, "facility_id": FACILITY,
                "hold_id": "h1", "type": "hold.moved", "occurred_at": "2026-11-27T14:03:00Z",
                "recorded_at": "2026-11-27T14:05:12Z", "recorded_by": "jdoe",
                "body": { "zone_id": "booking", "inside_perimeter": true, "moved_at": "2026-11-27T14:03:00Z" },
                "prev_hash": prev,
            });
            let hash = envelope_hash(&e);
            e["hash"] = Value::String(hash.clone());
            prev = hash;
            e
        })
        .collect()
}

/// What must live as long as a case's store: its temp dir or its database.
type Fixture = Box<dyn std::any::Any + Send>;

async fn sqlite_store() -> (Fixture, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Location::Sqlite(dir.path().join("e.db")))
        .await
        .unwrap();
    (Box::new(dir), store)
}

async fn postgres_store(test: &str) -> Option<(Fixture, Store)> {
    let admin = test_admin_url(test)?;
    let db = ScratchDatabase::create(&admin).await.unwrap();
    let store = Store::open(&Location::parse(db.url())).await.unwrap();
    Some((Box::new(db), store))
}

/// Each case as `sqlite::NAME` and `postgres::NAME`.
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                let (_fixture, store) = super::sqlite_store().await;
                super::$name(&store).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                let Some((_fixture, store)) = super::postgres_store(stringify!($name)).await else {
                    return;
                };
                super::$name(&store).await;
            })*
        }
    };
}

on_both_stores!(
    duplicates_are_acknowledged_and_stored_once,
    nothing_is_stored_past_a_gap,
    same_seq_with_another_event_is_a_conflict_and_stores_nothing_of_the_request,
    a_tampered_event_is_stored_rejected_and_reported_again_on_resend,
    a_reused_event_id_is_stored_rejected_naming_the_first_seq,
    a_broken_link_is_a_conflict_and_nothing_is_stored_past_it,
    a_resent_event_with_changed_content_is_a_conflict_not_a_duplicate,
    the_answer_names_the_stored_hash_at_ack_seq,
    the_events_feed_walks_a_facility_in_storage_order,
    forgotten_events_can_be_stored_again,
    updates_are_served_in_queue_order_per_facility,
);

async fn duplicates_are_acknowledged_and_stored_once(s: &Store) {
    let events = chain(3, "a");
    assert_eq!(
        s.store_events(DESK, FACILITY, &events[..2], now())
            .await
            .unwrap()
            .ack_seq,
        2
    );
    // A resend after a lost 200 overlaps what is stored: acknowledged, not doubled.
    assert_eq!(
        s.store_events(DESK, FACILITY, &events, now())
            .await
            .unwrap()
            .ack_seq,
        3
    );
    assert_eq!(s.desk_events(DESK).await.unwrap(), events);
}

async fn nothing_is_stored_past_a_gap(s: &Store) {
    let events = chain(4, "a");
    let stored = s
        .store_events(
            DESK,
            FACILITY,
            &[events[0].clone(), events[2].clone()],
            now(),
        )
        .await
        .unwrap();
    assert_eq!(stored.ack_seq, 1, "seq 3 after a missing 2 must wait");
    assert_eq!(s.desk_events(DESK).await.unwrap().len(), 1);
}

async fn same_seq_with_another_event_is_a_conflict_and_stores_nothing_of_the_request(s: &Store) {
    s.store_events(DESK, FACILITY, &chain(2, "a"), now())
        .await
        .unwrap();
    let other = chain(3, "b");
    let err = s
        .store_events(DESK, FACILITY, &other, now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { seq: 1, .. }), "{err}");
    assert_eq!(s.desk_events(DESK).await.unwrap().len(), 2);
}

async fn a_tampered_event_is_stored_rejected_and_reported_again_on_resend(s: &Store) {
    let mut events = chain(2, "a");
    events[1]["recorded_by"] = json!("mallory");
    let first = s
        .store_events(DESK, FACILITY, &events, now())
        .await
        .unwrap();
    assert_eq!(
        first.ack_seq, 2,
        "rejected events are still stored and acknowledged"
    );
    assert_eq!(first.rejected.len(), 1);
    assert_eq!(first.rejected[0].code, "hash_mismatch");
    // The 200 may be lost: the resend must report the rejection again.
    let again = s
        .store_events(DESK, FACILITY, &events, now())
        .await
        .unwrap();
    assert_eq!(again.rejected, first.rejected);
}

async fn a_broken_link_is_a_conflict_and_nothing_is_stored_past_it(s: &Store) {
    let a = chain(3, "a");
    let b = chain(3, "b");
    // b's event 2 links to b's event 1, not to the stored a's event 1.
    s.store_events(DESK, FACILITY, &a[..1], now())
        .await
        .unwrap();
    let err = s
        .store_events(DESK, FACILITY, &b[1..], now())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                seq: 2,
                code: "chain_broken",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(s.desk_events(DESK).await.unwrap(), a[..1].to_vec());
}

async fn a_resent_event_with_changed_content_is_a_conflict_not_a_duplicate(s: &Store) {
    let events = chain(2, "a");
    s.store_events(DESK, FACILITY, &events, now())
        .await
        .unwrap();
    // Same event_id and seq, rewritten body, hash recomputed: an insider's edit.
    let mut edited = events.clone();
    edited[1]["recorded_by"] = json!("mallory");
    let hash = envelope_hash(&edited[1]);
    edited[1]["hash"] = json!(hash);
    let err = s
        .store_events(DESK, FACILITY, &edited, now())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                seq: 2,
                code: "content_changed",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(s.desk_events(DESK).await.unwrap(), events);
}

async fn the_answer_names_the_stored_hash_at_ack_seq(s: &Store) {
    let events = chain(3, "a");
    let empty = s.store_events(DESK, FACILITY, &[], now()).await.unwrap();
    assert_eq!((empty.ack_seq, empty.ack_hash), (0, None));
    let stored = s
        .store_events(DESK, FACILITY, &events[..2], now())
        .await
        .unwrap();
    assert_eq!(stored.ack_hash.as_deref(), events[1]["hash"].as_str());
    // A probe (no events) reports the same anchor.
    let probe = s.store_events(DESK, FACILITY, &[], now()).await.unwrap();
    assert_eq!((probe.ack_seq, probe.ack_hash), (2, stored.ack_hash));
}

async fn the_events_feed_walks_a_facility_in_storage_order(s: &Store) {
    let events = chain(3, "a");
    s.store_events(DESK, FACILITY, &events, now())
        .await
        .unwrap();
    let first = s.facility_events_after(FACILITY, 0, 2).await.unwrap();
    assert_eq!(first.events, events[..2].to_vec());
    let after = parse_event_cursor(Some(&first.next)).unwrap();
    let rest = s.facility_events_after(FACILITY, after, 2).await.unwrap();
    assert_eq!(rest.events, events[2..].to_vec());
    assert!(s
        .facility_events_after("other", 0, 10)
        .await
        .unwrap()
        .events
        .is_empty());
}

#[test]
fn shape_errors_are_malformed_requests() {
    let events = chain(2, "a");
    assert!(check_events(&events).is_ok());
    let reversed = vec![events[1].clone(), events[0].clone()];
    assert!(check_events(&reversed).is_err(), "ascending seq");
    assert!(check_events(&[json!({"seq": 1.5})]).is_err());
}

async fn a_reused_event_id_is_stored_rejected_naming_the_first_seq(s: &Store) {
    let mut events = chain(3, "a");
    // seq 3 reuses seq 1's event id, its chain and hash intact.
    events[2]["event_id"] = json!("a-1");
    let hash = envelope_hash(&events[2]);
    events[2]["hash"] = json!(hash);
    let stored = s
        .store_events(DESK, FACILITY, &events, now())
        .await
        .unwrap();
    assert_eq!(stored.ack_seq, 3);
    assert_eq!(stored.rejected.len(), 1, "{:?}", stored.rejected);
    assert_eq!(
        (stored.rejected[0].seq, stored.rejected[0].code.as_str()),
        (3, "duplicate_event_id")
    );
    assert!(
        stored.rejected[0].message.contains("seq 1"),
        "{}",
        stored.rejected[0].message
    );
    assert_eq!(s.desk_events(DESK).await.unwrap(), events);
}

async fn forgotten_events_can_be_stored_again(s: &Store) {
    let events = chain(4, "a");
    s.store_events(DESK, FACILITY, &events, now())
        .await
        .unwrap();
    assert_eq!(s.forget_after(DESK, 2).await.unwrap(), 2);
    assert_eq!(s.desk_events(DESK).await.unwrap(), events[..2].to_vec());
    let again = s
        .store_events(DESK, FACILITY, &events, now())
        .await
        .unwrap();
    assert_eq!(again.ack_seq, 4);
    assert_eq!(s.desk_events(DESK).await.unwrap(), events);
}

async fn updates_are_served_in_queue_order_per_facility(s: &Store) {
    let update = |facility: &str, hold: &str| NewUpdate {
        facility_id: facility.into(),
        hold_id: hold.into(),
        kind: "transfer_scheduled".into(),
        update_id: None,
        at: Some("2026-11-27T10:00:00Z".into()),
        details: serde_json::Map::new(),
    };
    for (f, h) in [
        (FACILITY, "h1"),
        ("other", "x"),
        (FACILITY, "h2"),
        (FACILITY, "h3"),
    ] {
        s.queue_update(&update(f, h), now()).await.unwrap();
    }
    let first = s.updates_after(FACILITY, 0, 2).await.unwrap();
    let holds = |p: &Page| {
        p.updates
            .iter()
            .map(|u| u.hold_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(holds(&first), ["h1", "h2"]);
    let after = crate::updates::parse_cursor(Some(&first.next)).unwrap();
    let rest = s.updates_after(FACILITY, after, 10).await.unwrap();
    assert_eq!(holds(&rest), ["h3"]);
    assert_eq!(rest.updates[0].at, "2026-11-27T10:00:00Z");
    let err = s
        .queue_update(&update(FACILITY, " "), now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("hold_id"), "{err}");
}

#[test]
fn every_postgres_migration_file_is_applied_in_number_order() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let listed: Vec<String> = super::migrations::MIGRATIONS
        .iter()
        .map(|(_, name, _)| (*name).to_owned())
        .collect();
    assert_eq!(
        listed,
        files,
        "list every file of {} in MIGRATIONS",
        dir.display()
    );
    for (i, (version, name, _)) in super::migrations::MIGRATIONS.iter().enumerate() {
        assert_eq!(*version, i as i64 + 1);
        assert!(name.starts_with(&format!("{version:04}_")), "{name}");
    }
}

#[test]
fn db_urls_are_postgres_and_anything_else_a_file() {
    for url in ["postgres://u@h/db", "postgresql://h:5433/db"] {
        assert_eq!(Location::parse(url), Location::Postgres(url.into()));
    }
    assert_eq!(
        Location::parse("/tmp/postgres.db"),
        Location::Sqlite("/tmp/postgres.db".into())
    );
}

#[tokio::test]
async fn an_unreachable_postgres_is_named_at_start_not_timed_out() {
    // Nothing listens on port 1: the answer says why, at once.
    let err = Store::open(&Location::parse("postgres://wso@127.0.0.1:1/wso"))
        .await
        .err()
        .expect("no server there");
    let text = err.to_string();
    assert!(
        matches!(
            err,
            StoreError::Postgres {
                context: "connecting",
                ..
            }
        ),
        "{text}"
    );
    assert!(
        text.contains("refused") && text.contains("--db URL"),
        "{text}"
    );
}

#[tokio::test]
async fn postgres_migrations_run_once_and_a_changed_or_newer_history_stops_the_start() {
    let Some(admin) = test_admin_url("postgres_migrations_run_once") else {
        return;
    };
    let db = ScratchDatabase::create(&admin).await.unwrap();
    let at = Location::parse(db.url());
    // Two endpoints starting together: both open, the schema made once.
    let (a, b) = tokio::join!(Store::open(&at), Store::open(&at));
    let (a, _b) = (a.unwrap(), b.unwrap());
    a.store_events(DESK, FACILITY, &chain(1, "a"), now())
        .await
        .unwrap();
    let reopened = Store::open(&at).await.unwrap();
    assert_eq!(reopened.desk_events(DESK).await.unwrap().len(), 1);

    db.execute_blocking("UPDATE endpoint_migration SET sha256 = 'edited' WHERE version = 1")
        .unwrap();
    let err = Store::open(&at).await.err().expect("an edited migration");
    assert!(
        matches!(&err, StoreError::Inconsistent(m) if m.contains("migration 1") && m.contains("changed")),
        "{err}"
    );
    db.execute_blocking(
        "DELETE FROM endpoint_migration;
         INSERT INTO endpoint_migration (version, name, sha256) VALUES (99, '0099_future.sql', 'x')",
    )
    .unwrap();
    let err = Store::open(&at).await.err().expect("a newer migration");
    assert!(
        matches!(&err, StoreError::Inconsistent(m) if m.contains("99") && m.contains("newer endpoint")),
        "{err}"
    );
}
