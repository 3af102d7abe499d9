//! Access control to the CJIS Security Policy, through the core API the window
//! and the CLI both call: a role matrix (every action, every role), lockout
//! after failed sign-ins with no automatic unlock, and password rules.

use chrono::{DateTime, Duration, Utc};
use wso_core::auth::{Actor, Role};
use wso_core::custody::NewHold;
use wso_core::{handoff, Desk};

const FACILITY: &str = include_str!("../src/demo/facility.toml");
const PW: &str = "a-good-long-pass";

fn now() -> DateTime<Utc> {
    wso_core::time::parse_instant("now", "2026-11-27T14:00:00Z").unwrap()
}

struct Fixture {
    dir: tempfile::TempDir,
    desk: Desk,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, _) = Desk::init(
        &dir.path().join("d.db"),
        None,
        FACILITY,
        "desk-1",
        "admin",
        "admin-pass-2026",
        now(),
    )
    .unwrap();
    let admin = desk.actor("admin").unwrap();
    desk.add_user(&admin, "sup", "Sup", Role::Supervisor, PW, now())
        .unwrap();
    desk.add_user(&admin, "dep", "Dep", Role::Deputy, PW, now())
        .unwrap();
    desk.add_officer(
        &admin,
        "WSO-1",
        "Officer",
        "2020-01-01",
        "2035-01-01",
        "2020-01-01",
        now(),
    )
    .unwrap();
    Fixture { dir, desk }
}

fn new_hold(n: usize) -> NewHold {
    NewHold {
        family_name: "Doe".into(),
        given_names: "Jane".into(),
        date_of_birth: "1990-01-01".into(),
        booking_number: format!("B-{n}"),
        warrant_form: "I-200".into(),
        warrant_number: format!("W-{n}"),
        officer_credential: "WSO-1".into(),
        served_at: "2026-11-27T13:00:00Z".into(),
        zone_id: "booking".into(),
        criminal_release_at: "2026-11-27T13:00:00Z".into(),
        criminal_release_basis: "bond".into(),
        ice_supervisor: "SDDO K. Patel".into(),
        ..Default::default()
    }
}

type Action = fn(&mut Fixture, &Actor, usize) -> wso_core::Result<()>;

/// (action, the least role allowed to do it)
const MATRIX: &[(&str, Role, Action)] = &[
    ("book a hold", Role::Deputy, |f, a, n| {
        f.desk.open_hold(a, &new_hold(n), now()).map(drop)
    }),
    ("record a move", Role::Deputy, |f, a, n| {
        let id = open_as_admin(f, n);
        f.desk
            .move_hold(a, &id, "medical", "2026-11-27T13:30:00Z", now())
            .map(drop)
    }),
    ("record a transfer", Role::Deputy, |f, a, n| {
        let id = open_as_admin(f, n);
        f.desk
            .transfer_hold(
                a,
                &id,
                "2026-11-27T13:30:00Z",
                "ERO 1",
                "Krome Service Processing Center",
                None,
                now(),
            )
            .map(drop)
    }),
    ("record a release", Role::Deputy, |f, a, n| {
        let id = open_as_admin(f, n);
        f.desk
            .release_hold(a, &id, "2026-11-27T13:30:00Z", "court_order", None, now())
            .map(drop)
    }),
    ("correct a hold", Role::Supervisor, |f, a, n| {
        let id = open_as_admin(f, n);
        f.desk
            .correct_hold(a, &id, "person.given_names", "Janet", "typo", now())
            .map(drop)
    }),
    ("add an officer", Role::Supervisor, |f, a, n| {
        f.desk
            .add_officer(
                a,
                &format!("WSO-X{n}"),
                "New",
                "2026-01-01",
                "2027-01-01",
                "2026-01-01",
                now(),
            )
            .map(drop)
    }),
    ("print the handoff sheet", Role::Supervisor, |f, a, _| {
        handoff::sheet(&f.desk, now(), a).map(drop)
    }),
    ("review the audit log", Role::Supervisor, |f, a, _| {
        f.desk.recent_audit(a, 10, now()).map(drop)
    }),
    ("add a user", Role::Admin, |f, a, n| {
        f.desk
            .add_user(a, &format!("u{n}"), "U", Role::Deputy, PW, now())
            .map(drop)
    }),
    ("list users", Role::Admin, |f, a, _| {
        f.desk.users(a).map(drop)
    }),
    ("unlock a user", Role::Admin, |f, a, _| {
        f.desk.unlock_user(a, "dep", now())
    }),
    ("take a backup", Role::Admin, |f, a, n| {
        let out = f.dir.path().join(format!("b{n}.db"));
        f.desk.backup(a, &out, now())
    }),
];

fn open_as_admin(f: &mut Fixture, n: usize) -> String {
    let admin = f.desk.actor("admin").unwrap();
    f.desk
        .open_hold(&admin, &new_hold(1000 + n), now())
        .unwrap()
        .hold_id
}

#[test]
fn role_matrix_every_action_every_role() {
    let mut f = fixture();
    let mut n = 0;
    for (what, least, action) in MATRIX {
        for (user, role) in [
            ("dep", Role::Deputy),
            ("sup", Role::Supervisor),
            ("admin", Role::Admin),
        ] {
            n += 1;
            let actor = f.desk.actor(user).unwrap();
            let result = action(&mut f, &actor, n);
            if role >= *least {
                assert!(
                    result.is_ok(),
                    "{user} ({role:?}) must be able to {what}: {:?}",
                    result.err()
                );
            } else {
                let err = result
                    .err()
                    .unwrap_or_else(|| panic!("{user} must not be able to {what}"));
                assert_eq!(err.code(), "forbidden", "{what} as {user}: {err}");
                assert_eq!(err.exit_code(), 3);
            }
        }
    }
    f.desk.verify().unwrap();
}

#[test]
fn five_failures_in_15_minutes_lock_until_an_admin_unlocks() {
    let mut f = fixture();
    let t0 = now();
    for i in 0..4 {
        assert!(f
            .desk
            .sign_in("dep", "wrong-password", t0 + Duration::minutes(i * 3))
            .is_err());
    }
    // Four failures: the right password still works.
    assert!(f
        .desk
        .sign_in("dep", PW, t0 + Duration::minutes(13))
        .is_ok());
    assert!(f
        .desk
        .sign_in("dep", "wrong-password", t0 + Duration::minutes(14))
        .is_err());
    // Fifth failure within 15 minutes of the first four -> locked.
    let err = f
        .desk
        .sign_in("dep", PW, t0 + Duration::minutes(15))
        .err()
        .expect("locked");
    assert!(err.to_string().contains("locked"), "{err}");
    // No automatic unlock, even a week later.
    assert!(f.desk.sign_in("dep", PW, t0 + Duration::days(7)).is_err());
    assert!(
        f.desk.actor("dep").is_err(),
        "a locked user cannot act from the CLI either"
    );
    let admin = f.desk.actor("admin").unwrap();
    f.desk
        .unlock_user(&admin, "dep", t0 + Duration::days(7))
        .unwrap();
    assert!(f.desk.sign_in("dep", PW, t0 + Duration::days(7)).is_ok());
    let actions: Vec<String> = wso_core::audit::recent(f.desk.conn(), 100)
        .unwrap()
        .into_iter()
        .map(|r| format!("{}:{}", r.action, r.outcome))
        .collect();
    assert!(
        actions.contains(&"user.lock:success".to_string()),
        "{actions:?}"
    );
    assert!(actions.contains(&"user.unlock:success".to_string()));
    assert!(actions.iter().filter(|a| *a == "sign_in:failure").count() >= 6);
    f.desk.verify().unwrap();
}

#[test]
fn failures_spread_over_more_than_15_minutes_do_not_lock() {
    let mut f = fixture();
    for i in 0..8 {
        assert!(f
            .desk
            .sign_in("dep", "wrong-password", now() + Duration::minutes(i * 4))
            .is_err());
    }
    // At most 4 failures fall in any 15-minute window.
    assert!(f
        .desk
        .sign_in("dep", PW, now() + Duration::minutes(40))
        .is_ok());
}

#[test]
fn admin_created_accounts_must_change_password_and_it_is_audited() {
    let mut f = fixture();
    let signed = f.desk.sign_in("dep", PW, now()).unwrap();
    assert!(signed.must_change_password);
    let dep = signed.actor;
    assert!(f.desk.change_password(&dep, PW, "short", now()).is_err());
    assert!(
        f.desk
            .change_password(&dep, PW, "password123", now())
            .is_err(),
        "blocklisted"
    );
    assert!(f
        .desk
        .change_password(&dep, "not-the-current", "another-good-pass", now())
        .is_err());
    f.desk
        .change_password(&dep, PW, "another-good-pass", now())
        .unwrap();
    let again = f.desk.sign_in("dep", "another-good-pass", now()).unwrap();
    assert!(!again.must_change_password);
    let audit = wso_core::audit::recent(f.desk.conn(), 50).unwrap();
    assert!(audit
        .iter()
        .any(|r| r.action == "user.password_change" && r.actor == "dep"));
}

#[test]
fn unknown_username_and_wrong_password_read_the_same() {
    let mut f = fixture();
    let a = f
        .desk
        .sign_in("nobody", "whatever-pass", now())
        .err()
        .unwrap()
        .to_string();
    let b = f
        .desk
        .sign_in("dep", "whatever-pass", now())
        .err()
        .unwrap()
        .to_string();
    assert_eq!(a, b, "the message must not reveal which usernames exist");
}
