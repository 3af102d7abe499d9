//! `audit verify` against an insider who holds the key (issue 12, finding 2):
//! raw SQL on the live file through the real `wsoctl`, with both hash chains
//! recomputed where the attack says so (`tamper_support::rechain`). Each test
//! first proves the desk verifies, then tampers, then demands exit 1 with the
//! broken record named, because a passing verify is what let the attacks in
//! the finding go unnoticed.

mod common;
#[path = "tamper_support/mod.rs"]
mod tamper_support;

use common::{now_plus, Run, TestDesk};
use serde_json::{json, Value};
use tamper_support::{edit_event, event_seqs, rechain, remove_events, sql};

fn verify(desk: &TestDesk) -> Run {
    desk.run(&["audit", "verify", "--json"])
}

/// The insider's handle: the live file opened with its key.
fn insider(desk: &TestDesk) -> wso_core::Desk {
    wso_core::Desk::open(&desk.db, None).expect("the key opens the desk")
}

/// Exit 1, code `database`, and a message naming every one of `names`.
#[track_caller]
fn assert_caught(run: &Run, names: &[&str]) {
    assert_eq!(
        run.code, 1,
        "tampering must fail verification: {}",
        run.stdout
    );
    let error = &run.json()["error"];
    assert_eq!(error["code"], "database", "{error}");
    let message = error["message"].as_str().unwrap_or_default();
    for name in names {
        assert!(
            message.contains(name),
            "the message names {name}: {message}"
        );
    }
}

fn run_ok(desk: &TestDesk, args: &[&str]) -> Value {
    desk.run(args).ok().json()
}

/// A desk with an overdue hold (served 50 h ago), a released one and one that
/// was moved and corrected: every custody event type core writes locally.
struct Scene {
    desk: TestDesk,
    overdue: String,
    released: String,
    moved: String,
}

fn scene() -> Scene {
    let desk = TestDesk::new();
    let overdue = desk.open(&now_plus(-50 * 3600), "T-1")["hold_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let released = desk.open(&now_plus(-7200), "T-2")["hold_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let moved = desk.open(&now_plus(-3600), "T-3")["hold_id"]
        .as_str()
        .unwrap()
        .to_owned();
    run_ok(
        &desk,
        &[
            "hold",
            "move",
            &moved,
            "--zone",
            "court-annex",
            "--at",
            &now_plus(-1800),
            "--as",
            "dep",
            "--json",
        ],
    );
    run_ok(
        &desk,
        &[
            "hold",
            "correct",
            &moved,
            "--field",
            "person.given_names",
            "--value",
            "Janet",
            "--reason",
            "typo",
            "--as",
            "sup",
            "--json",
        ],
    );
    run_ok(
        &desk,
        &[
            "hold",
            "release",
            &released,
            "--at",
            &now_plus(-60),
            "--reason",
            "court_order",
            "--as",
            "dep",
            "--json",
        ],
    );
    let report = verify(&desk).ok().json();
    assert_eq!(report["holds"], 3, "every hold was rebuilt: {report}");
    Scene {
        desk,
        overdue,
        released,
        moved,
    }
}

#[test]
fn a_full_history_verifies_and_says_what_it_checked() {
    let s = scene();
    run_ok(
        &s.desk,
        &[
            "hold",
            "transfer",
            &s.moved,
            "--at",
            &now_plus(0),
            "--ice-officer",
            "ERO 4411",
            "--destination",
            "Krome",
            "--as",
            "dep",
            "--json",
        ],
    );
    let report = verify(&s.desk).ok().json();
    assert_eq!(report["ok"], true);
    assert_eq!(report["holds"], 3);
    assert_eq!(
        report["users"], 3,
        "admin (desk.init), sup and dep (user.add)"
    );
    assert_eq!(report["officers"], 1);
    assert_eq!(
        report["officer_names_not_audited"], 0,
        "officer.add now records the name"
    );
    assert_eq!(report["not_checked"], 0);
}

/// (a) The deadline moved to 2099 in the hold table only: the overdue hold
/// stops asking for release, and verify names the hold and the column.
#[test]
fn a_deadline_moved_in_the_hold_table_is_caught() {
    let s = scene();
    let release_now = |d: &TestDesk| {
        d.list(&[])
            .iter()
            .any(|h| h["hold_id"] == s.overdue.as_str() && h["action_required"] == "release")
    };
    assert!(release_now(&s.desk), "served 50 h ago: RELEASE REQUIRED");
    let i = insider(&s.desk);
    sql(
        &i,
        &format!(
            "UPDATE hold SET deadline_at = '2099-01-01T00:00:00Z' WHERE hold_id = '{}'",
            s.overdue
        ),
    );
    drop(i);
    assert!(!release_now(&s.desk), "the attack works on the board");
    assert_caught(
        &verify(&s.desk),
        &[&s.overdue, "deadline_at", "2099-01-01T00:00:00Z"],
    );
}

/// (b) The deadline moved in the `hold.opened` envelope as well, with every
/// event hash and the audit chain's references recomputed: core's own rule
/// (deadline = served_at + 48 h) gives it away. Moving `served_at` with it
/// needs a service after its recording; moving the recording too needs a
/// time after now. Each is named.
#[test]
fn a_deadline_rewritten_in_its_event_with_both_chains_recomputed_is_caught() {
    let far = "2099-01-01T00:00:00Z";
    let served_far = "2098-12-30T00:00:00Z";
    type Edit = fn(&mut Value);
    let cases: [(&str, Edit, &str); 3] = [
        (
            "deadline only",
            |e| e["body"]["deadline_at"] = json!("2099-01-01T00:00:00Z"),
            "deadline_at is not what core computes",
        ),
        (
            "served_at and deadline",
            |e| {
                e["body"]["deadline_at"] = json!("2099-01-01T00:00:00Z");
                e["body"]["served_at"] = json!("2098-12-30T00:00:00Z");
                e["occurred_at"] = json!("2098-12-30T00:00:00Z");
            },
            "occurred_at lies after it was recorded",
        ),
        (
            "served, recorded and deadline",
            |e| {
                e["body"]["deadline_at"] = json!("2099-01-01T00:00:00Z");
                e["body"]["served_at"] = json!("2098-12-30T00:00:00Z");
                e["occurred_at"] = json!("2098-12-30T00:00:00Z");
                e["recorded_at"] = json!("2098-12-30T00:00:00Z");
            },
            "recorded after now",
        ),
    ];
    for (what, edit, why) in cases {
        let s = scene();
        let i = insider(&s.desk);
        let opened = event_seqs(&i, &s.overdue, "hold.opened")[0];
        edit_event(&i, opened, edit);
        // The row follows the event, as a careful insider would make it.
        let served = if what == "deadline only" {
            None
        } else {
            Some(served_far)
        };
        sql(&i, &format!(
            "UPDATE hold SET deadline_at = '{far}', served_at = COALESCE({}, served_at), last_event_at = COALESCE({}, last_event_at) WHERE hold_id = '{}'",
            served.map(|s| format!("'{s}'")).unwrap_or("NULL".into()),
            served.map(|s| format!("'{s}'")).unwrap_or("NULL".into()),
            s.overdue
        ));
        if what == "served, recorded and deadline" {
            // Its audit record is re-timed to match, or the pairing would name it.
            sql(&i, &format!("UPDATE audit SET at = '2098-12-30T00:00:00.000000Z' WHERE detail LIKE 'event seq {opened} %'"));
        }
        rechain(&i);
        drop(i);
        let run = verify(&s.desk);
        assert_caught(&run, &[why]);
        assert!(
            run.stderr.contains("history broken"),
            "{what}: {}",
            run.stderr
        );
    }
}

/// (c) A released hold reopened: in the row alone, or by rewriting its
/// release into a harmless move with both chains recomputed (its audit
/// record still says it was a release).
#[test]
fn reopening_a_released_hold_is_caught() {
    let s = scene();
    let i = insider(&s.desk);
    sql(&i, &format!("UPDATE hold SET status = 'open', closed_at = NULL, release_reason = NULL WHERE hold_id = '{}'", s.released));
    drop(i);
    assert_caught(
        &verify(&s.desk),
        &[&s.released, "`status`", "table: open, events: released"],
    );

    let s = scene();
    let i = insider(&s.desk);
    let release = event_seqs(&i, &s.released, "hold.released")[0];
    edit_event(&i, release, |e| {
        e["type"] = json!("hold.moved");
        e["body"] =
            json!({"zone_id": "booking", "inside_perimeter": true, "moved_at": e["occurred_at"]});
    });
    sql(&i, &format!("UPDATE hold SET status = 'open', closed_at = NULL, release_reason = NULL WHERE hold_id = '{}'", s.released));
    rechain(&i);
    drop(i);
    assert_caught(
        &verify(&s.desk),
        &[
            "audit record",
            "does not describe",
            &format!("event seq {release}"),
        ],
    );
}

/// (d) Events cut off the end with their audit records: both chains are
/// still intact prefixes, but the rows the cut events made are still there.
#[test]
fn events_cut_off_the_end_are_caught_by_what_they_left_behind() {
    // The release (the last event) cut: the row still says released.
    let s = scene();
    let i = insider(&s.desk);
    let last = event_seqs(&i, &s.released, "hold.released")[0];
    remove_events(&i, &[last]);
    drop(i);
    assert_caught(&verify(&s.desk), &[&s.released, "`status`"]);

    // A whole hold booked last, cut: its row has no event that opened it.
    let s = scene();
    let late = s.desk.open(&now_plus(-30), "T-9")["hold_id"]
        .as_str()
        .unwrap()
        .to_owned();
    verify(&s.desk).ok();
    let i = insider(&s.desk);
    remove_events(&i, &event_seqs(&i, &late, "hold.opened"));
    drop(i);
    assert_caught(&verify(&s.desk), &[&late, "no event opened it"]);
}

/// (e) A deputy promoted to admin in the user table: no audited change
/// made them one. A user slipped into the table is caught the same way.
#[test]
fn a_deputy_promoted_in_the_user_table_is_caught() {
    let s = scene();
    sql(
        &insider(&s.desk),
        "UPDATE user SET role = 'admin' WHERE username = 'dep'",
    );
    assert_caught(&verify(&s.desk), &["user dep", "admin", "deputy"]);

    let s = scene();
    sql(&insider(&s.desk), "INSERT INTO user (username, full_name, role, password_hash, created_at)
         SELECT 'ghost', 'G', 'admin', password_hash, created_at FROM user WHERE username = 'admin'");
    assert_caught(
        &verify(&s.desk),
        &["user ghost", "no audit record added them"],
    );
}

/// (f) An officer's credential extended on the roster, or renamed.
#[test]
fn an_officer_edited_on_the_roster_is_caught() {
    let s = scene();
    sql(
        &insider(&s.desk),
        "UPDATE officer SET expires_on = '2099-12-31' WHERE credential = 'WSO-1'",
    );
    assert_caught(
        &verify(&s.desk),
        &["officer WSO-1", "expires_on", "2099-12-31", "2035-12-31"],
    );

    let s = scene();
    sql(
        &insider(&s.desk),
        "UPDATE officer SET name = 'Someone Else' WHERE credential = 'WSO-1'",
    );
    assert_caught(&verify(&s.desk), &["officer WSO-1", "name"]);
}

/// Other columns the board shows, each edited in the row alone.
#[test]
fn every_column_the_board_shows_is_held_to_the_events() {
    type Pick = fn(&Scene) -> &str;
    let cases: [(&str, Pick, &str); 7] = [
        (
            "zone_id = 'booking', inside_perimeter = 1",
            |s| &s.moved,
            "`zone_id`",
        ),
        ("inside_perimeter = 1", |s| &s.moved, "`inside_perimeter`"),
        ("given_names = 'Jane'", |s| &s.moved, "`given_names`"),
        (
            "authority = 'igsa', deadline_at = NULL",
            |s| &s.overdue,
            "`authority`",
        ),
        (
            "release_reason = 'deadline_reached'",
            |s| &s.released,
            "`release_reason`",
        ),
        (
            "pickup_at = '2026-12-01T00:00:00Z'",
            |s| &s.overdue,
            "`pickup_at`",
        ),
        (
            "ice_release_kind = 'detainer_cancelled'",
            |s| &s.overdue,
            "`ice_release_kind`",
        ),
    ];
    for (set, pick, column) in cases {
        let s = scene();
        let hold = pick(&s);
        sql(
            &insider(&s.desk),
            &format!("UPDATE hold SET {set} WHERE hold_id = '{hold}'"),
        );
        assert_caught(&verify(&s.desk), &[hold, column]);
    }
}

/// Agreement.md's clock: a service an hour after the criminal release runs
/// from the release and records the hour held without authority. Moving the
/// release time to the service (to gain an hour and hide the incident) in
/// the row is caught; in the event too, with both chains recomputed, the
/// incident core recorded with the booking no longer matches.
#[test]
fn a_criminal_release_moved_to_hide_hours_held_without_authority_is_caught() {
    let book = |desk: &TestDesk| -> String {
        let args = TestDesk::open_args_with(
            &now_plus(-7200),
            "L-1",
            &["--criminal-release-at", &now_plus(-10_800)],
        );
        let hold = desk
            .run(&args.iter().map(String::as_str).collect::<Vec<_>>())
            .ok()
            .json();
        verify(desk).ok();
        hold["hold_id"].as_str().unwrap().to_owned()
    };
    let desk = TestDesk::new();
    let hold = book(&desk);
    let i = insider(&desk);
    sql(&i, &format!(
        "UPDATE hold SET criminal_release_at = served_at, deadline_at = strftime('%Y-%m-%dT%H:%M:%SZ', served_at, '+48 hours') WHERE hold_id = '{hold}'"
    ));
    drop(i);
    assert_caught(&verify(&desk), &[&hold, "`deadline_at`"]);

    let desk = TestDesk::new();
    let hold = book(&desk);
    let i = insider(&desk);
    let opened = event_seqs(&i, &hold, "hold.opened")[0];
    let mut moved = (String::new(), String::new());
    edit_event(&i, opened, |e| {
        let served = e["body"]["served_at"].as_str().unwrap().to_owned();
        let deadline =
            chrono::DateTime::parse_from_rfc3339(&served).unwrap() + chrono::Duration::hours(48);
        let deadline = deadline.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        e["body"]["criminal_release_at"] = json!(served);
        e["body"]["deadline_at"] = json!(deadline);
        moved = (served, deadline);
    });
    sql(
        &i,
        &format!(
        "UPDATE hold SET criminal_release_at = '{}', deadline_at = '{}' WHERE hold_id = '{hold}'",
        moved.0, moved.1
    ),
    );
    rechain(&i);
    drop(i);
    assert_caught(
        &verify(&desk),
        &[&format!("event seq {opened}"), "held without authority"],
    );
}

/// The incident a late service records is held to its event: reviewed in
/// the table alone, or deleted, each is named.
#[test]
fn an_incident_reviewed_or_deleted_in_its_table_is_caught() {
    for (tamper, names) in [
        (
            "UPDATE incident SET reviewed_at = '2026-12-01T00:00:00Z', reviewed_by = 'sup', note = 'fine'",
            &["incident", "`reviewed_at`"][..],
        ),
        ("DELETE FROM incident", &["the incident table has 0 rows for it, its events give 1"][..]),
    ] {
        let desk = TestDesk::new();
        let args = TestDesk::open_args_with(
            &now_plus(-7200),
            "L-2",
            &["--criminal-release-at", &now_plus(-10_800)],
        );
        let hold = desk.run(&args.iter().map(String::as_str).collect::<Vec<_>>()).ok().json();
        verify(&desk).ok();
        sql(&insider(&desk), tamper);
        let hold = hold["hold_id"].as_str().unwrap();
        let mut names = names.to_vec();
        names.push(hold);
        assert_caught(&verify(&desk), &names);
    }
}
