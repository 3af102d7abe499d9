//! The demo set-up the desktop app creates when asked to (`--demo`,
//! `WSO_DEMO=1`: `scripts/run.sh`) and no database exists: a sample facility,
//! an admin, a supervisor and a deputy with published passwords, an officer
//! roster and a few holds at different urgencies, so the board is not empty.
//! Never made by itself: a real desk is set up with `wsoctl init`.

use chrono::{DateTime, Duration, Utc};

use crate::auth::Role;
use crate::custody::NewHold;
use crate::desk::Desk;
use crate::error::Result;
use crate::time::utc_text;

pub const FACILITY_TOML: &str = include_str!("demo/facility.toml");
pub const DESK_ID: &str = "booking-desk-1";
/// Demo accounts (username, full name, role, password). Shown in README; a
/// real desk is set up with `wsoctl init` instead.
pub const ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    (
        "admin",
        "Demo Administrator",
        Role::Admin,
        "demo-admin-pass",
    ),
    (
        "sgt.rivera",
        "Sgt. Ana Rivera",
        Role::Supervisor,
        "demo-supervisor-pass",
    ),
    (
        "dep.jones",
        "Deputy Sam Jones",
        Role::Deputy,
        "demo-deputy-pass",
    ),
];

pub fn create(
    path: &std::path::Path,
    key_file: Option<&std::path::Path>,
    now: DateTime<Utc>,
) -> Result<Desk> {
    let (admin, _, _, admin_pw) = ACCOUNTS[0];
    let (mut desk, _) = Desk::init(path, key_file, FACILITY_TOML, DESK_ID, admin, admin_pw, now)?;
    let admin_actor = desk.actor(admin)?;
    for (user, name, role, pw) in &ACCOUNTS[1..] {
        desk.add_user(&admin_actor, user, name, *role, pw, now)?;
    }
    // Demo accounts skip the first-sign-in password change.
    crate::store::user::waive_password_change_for_all(desk.conn_mut()).map_err(|source| {
        crate::Error::Sqlite {
            context: "preparing demo users",
            source,
        }
    })?;
    let today = now.date_naive();
    let d = |days: i64| (today + Duration::days(days)).to_string();
    desk.add_officer(
        &admin_actor,
        "WSO-1041",
        "Dep. Maria Lopez",
        &d(-200),
        &d(300),
        &d(-190),
        now,
    )?;
    desk.add_officer(
        &admin_actor,
        "WSO-1187",
        "Dep. Kevin Tran",
        &d(-90),
        &d(20),
        &d(-85),
        now,
    )?;
    let deputy = desk.actor(ACCOUNTS[2].0)?;
    // (family, given, booking, hours since service, zone, hours from the
    // criminal release to the service, language): Haddad was served 4 hours
    // after his release, so the board shows the incident and the shorter clock.
    type Sample<'a> = (
        &'a str,
        &'a str,
        &'a str,
        i64,
        &'a str,
        i64,
        Option<&'a str>,
    );
    let samples: [Sample; 4] = [
        (
            "Nguyễn",
            "Thị Hương",
            "B26-10331",
            45,
            "booking",
            0,
            Some("Vietnamese"),
        ),
        (
            "García López",
            "José Antonio",
            "B26-10298",
            41,
            "housing-a",
            0,
            Some("Spanish"),
        ),
        ("Haddad", "Omar", "B26-10276", 10, "medical", 4, None),
        ("O'Brien", "Siobhán", "B26-10342", 2, "booking", 0, None),
    ];
    let mut booked = Vec::new();
    for (i, (family, given, booking, hours_ago, zone, late_hours, language)) in
        samples.iter().enumerate()
    {
        let served = now - Duration::hours(*hours_ago) - Duration::minutes(17);
        let released = served - Duration::hours(*late_hours);
        let hold = desk.open_hold(
            &deputy,
            &NewHold {
                family_name: family.to_string(),
                given_names: given.to_string(),
                date_of_birth: format!("19{}-0{}-1{}", 80 + i, i + 2, i),
                booking_number: booking.to_string(),
                a_number: None,
                warrant_form: if i % 2 == 0 { "I-200" } else { "I-205" }.into(),
                warrant_number: format!("W-2026-{}", 4410 + i),
                detainer_number: None,
                officer_credential: "WSO-1041".into(),
                served_at: utc_text(served),
                zone_id: zone.to_string(),
                lat: None,
                lon: None,
                criminal_release_at: utc_text(released),
                criminal_release_basis: if i % 2 == 0 { "bond" } else { "dismissed" }.into(),
                ice_supervisor: "SDDO K. Patel".into(),
                language: language.map(str::to_owned),
                interpreter: language.map(|_| "Language Line, interpreter 40211".to_owned()),
                interpreter_declined: false,
                agreement_id: None,
            },
            now,
        )?;
        booked.push((hold.hold_id, served));
    }
    // The first three were telephoned to ICE at once; O'Brien said she is a
    // U.S. citizen ten minutes ago and that claim is not yet reported.
    for (hold_id, served) in &booked[..3] {
        let at = utc_text(*served + Duration::minutes(5));
        desk.notify_ice(&deputy, hold_id, "phone", "ERO duty officer", &at, now)?;
    }
    if let Some((hold_id, _)) = booked.get(3) {
        let at = utc_text(now - Duration::minutes(10));
        desk.record_claim(
            &deputy,
            hold_id,
            &at,
            "I was born in Boston, I am an American citizen",
            now,
        )?;
    }
    Ok(desk)
}

/// The window's start-up: open the desk at `db`; when there is none, make
/// the demo desk only if it was asked for (`wso-desk --demo` or `WSO_DEMO=1`,
/// which `scripts/run.sh` sets), else say how to create a desk. A desk found
/// damaged is moved aside by the store, and nothing is created in its place
/// by itself: the demo desk is never made with a key it did not create
/// (`store::key::create` refuses an existing key file).
pub fn open_or_create(
    db: &std::path::Path,
    key_file: Option<&std::path::Path>,
    demo_requested: bool,
    now: DateTime<Utc>,
) -> Result<Desk> {
    if db.exists() {
        return Desk::open(db, key_file);
    }
    if !demo_requested {
        return Err(crate::Error::Database {
            message: format!(
                "no database at {}: create a desk with `wsoctl init` (see the README), or start the demo desk with `scripts/run.sh`",
                db.display()
            ),
        });
    }
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| crate::Error::Io {
            context: format!("creating the data folder {}", parent.display()),
            source,
        })?;
    }
    create(db, key_file, now)
}
