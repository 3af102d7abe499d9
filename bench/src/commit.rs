//! (a) What a deputy waits for when booking a hold: `Desk::open_hold` (checks,
//! hold row, sync event with its hash, audit record naming the event, one
//! transaction, WAL + `synchronous = FULL`, SQLCipher), against the floor of
//! any durable write on this disk: one row inserted and committed in an
//! encrypted database with the same pragmas.
//!
//! The two run interleaved, one of each per iteration, so a burst of load
//! from other work on the machine lands on both sides alike.

use std::path::Path;

use chrono::{Duration, Utc};
use rusqlite::{params, Connection, TransactionBehavior};

use crate::fixture::{booking, demo_desk};
use crate::report::{ms, Row, Samples, Table, Verdict};

/// An encrypted database opened as `wso_core::store` opens one: raw 256-bit
/// key (no PBKDF2), WAL, FULL, foreign keys.
fn raw_store(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("creating the raw database");
    let key: [u8; 32] = rand::random();
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
         CREATE TABLE row (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
        hex::encode(key)
    ))
    .expect("preparing the raw database");
    conn
}

pub fn run(dir: &Path, opens: usize, table: &mut Table) {
    let now = Utc::now();
    let mut bench = demo_desk(dir, "commit", now);
    let mut raw = raw_store(&dir.join("raw.db"));
    // A body about the size of a hold row, so the page work is comparable.
    let body = "x".repeat(400);
    let (mut desk_t, mut raw_t) = (Samples::default(), Samples::default());
    let warmup = 20;
    let mut last_hold = String::new();
    for i in 0..opens + warmup {
        let served = now - Duration::minutes(30);
        let input = booking("commit", i, served);
        let start = std::time::Instant::now();
        let hold = bench
            .desk
            .open_hold(&bench.deputy, &input, now)
            .expect("opening a hold");
        let desk_elapsed = start.elapsed();
        last_hold = hold.hold_id;
        let start = std::time::Instant::now();
        let tx = raw
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .expect("raw begin");
        tx.execute("INSERT INTO row (body) VALUES (?1)", params![body])
            .expect("raw insert");
        tx.commit().expect("raw commit");
        let raw_elapsed = start.elapsed();
        if i >= warmup {
            desk_t.push(desk_elapsed);
            raw_t.push(raw_elapsed);
        }
    }
    let ratio50 = desk_t.p50().as_secs_f64() / raw_t.p50().as_secs_f64();
    let ratio99 = desk_t.p99().as_secs_f64() / raw_t.p99().as_secs_f64();
    table.add(Row {
        figure: format!("(a) hold open commit p50, {} opens", desk_t.len()),
        measured: ms(desk_t.p50()),
        compared: format!("raw 1-row insert p50 {}", ms(raw_t.p50())),
        ratio: format!("{ratio50:.2}x"),
        target: "-".into(),
        verdict: Verdict::Info,
    });
    // Where the difference goes, for the doc: two reads open_hold makes
    // besides its writes, timed alone on the same desk.
    let (mut back_t, mut dup_t) = (Samples::default(), Samples::default());
    for _ in 0..200 {
        back_t.time(|| bench.desk.hold(&last_hold, now).expect("read-back"));
        dup_t.time(|| {
            bench
                .desk
                .conn()
                .query_row(
                    "SELECT count(*) FROM hold WHERE status = 'open' AND warrant_form = 'I-200' AND warrant_number = 'none'",
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .expect("duplicate check")
        });
    }
    table.add(Row {
        figure: "(a') why: reads inside open_hold, p50".into(),
        measured: format!("read-back {}", ms(back_t.p50())),
        compared: format!(
            "duplicate-warrant check {} ({} open holds)",
            ms(dup_t.p50()),
            opens + warmup + 4
        ),
        ratio: "-".into(),
        target: "-".into(),
        verdict: Verdict::Info,
    });
    table.add(Row {
        figure: format!("(a) hold open commit p99, {} opens", desk_t.len()),
        measured: ms(desk_t.p99()),
        compared: format!("raw 1-row insert p99 {}", ms(raw_t.p99())),
        ratio: format!("{ratio99:.2}x"),
        target: "p99 <= 1.5x raw".into(),
        verdict: Verdict::from(ratio99 <= 1.5),
    });
}
