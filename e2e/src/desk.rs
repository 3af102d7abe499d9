//! A desk database made for one test, through `wso_core` (what `wsoctl`
//! runs): the demo desk, plus holds and officers the test knows about.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use tempfile::TempDir;
use wso_core::custody::{deadline_for, Authority, NewHold};
use wso_core::time::{local_text, truncate, utc_text};
use wso_core::Desk;

pub const DEPUTY: (&str, &str) = ("dep.jones", "demo-deputy-pass");
pub const SUPERVISOR: (&str, &str) = ("sgt.rivera", "demo-supervisor-pass");
pub const OFFICER: &str = "WSO-1041";
/// On the roster but expired: booking with it must be refused at "Serving officer".
pub const EXPIRED_OFFICER: &str = "WSO-0007";

pub struct TestDesk {
    pub dir: TempDir,
    pub db: PathBuf,
    pub key_file: PathBuf,
    pub now: DateTime<Utc>,
}

/// A hold this test booked straight into the store.
pub struct KnownHold {
    pub booking_number: String,
    pub family_name: String,
    pub deadline_local: String,
}

impl TestDesk {
    pub fn new() -> wso_core::Result<TestDesk> {
        let dir = tempfile::tempdir().map_err(|source| wso_core::Error::Io {
            context: "creating a temp dir".into(),
            source,
        })?;
        let db = dir.path().join("desk.db");
        let key_file = dir.path().join("desk.key");
        let now = truncate(Utc::now());
        let mut desk = wso_core::demo::create(&db, Some(&key_file), now)?;
        let supervisor = desk.actor(SUPERVISOR.0)?;
        let today = now.date_naive();
        desk.add_officer(
            &supervisor,
            EXPIRED_OFFICER,
            "Dep. Former Officer",
            &(today - Duration::days(800)).to_string(),
            &(today - Duration::days(5)).to_string(),
            &(today - Duration::days(800)).to_string(),
            now,
        )?;
        Ok(TestDesk {
            dir,
            db,
            key_file,
            now,
        })
    }

    pub fn open(&self) -> wso_core::Result<Desk> {
        Desk::open(&self.db, Some(&self.key_file))
    }

    /// Book a hold served `hours_ago`, as a deputy, straight into the store.
    pub fn book(
        &self,
        booking_number: &str,
        family_name: &str,
        hours_ago: i64,
    ) -> wso_core::Result<KnownHold> {
        let mut desk = self.open()?;
        let deputy = desk.actor(DEPUTY.0)?;
        let served = self.now - Duration::hours(hours_ago);
        desk.open_hold(
            &deputy,
            &NewHold {
                family_name: family_name.into(),
                given_names: "Test".into(),
                date_of_birth: "1991-05-17".into(),
                booking_number: booking_number.into(),
                warrant_form: "I-200".into(),
                warrant_number: format!("W-{booking_number}"),
                officer_credential: OFFICER.into(),
                served_at: utc_text(served),
                zone_id: "booking".into(),
                criminal_release_at: utc_text(served),
                criminal_release_basis: "bond".into(),
                ice_supervisor: "SDDO K. Patel".into(),
                ..NewHold::default()
            },
            self.now,
        )?;
        Ok(KnownHold {
            booking_number: booking_number.into(),
            family_name: family_name.into(),
            deadline_local: self.deadline_text(served),
        })
    }

    /// The deadline of a hold served at `served`, as the board prints it:
    /// core's local text with date, time and offset spaced out.
    pub fn deadline_text(&self, served: DateTime<Utc>) -> String {
        let tz = self
            .open()
            .map(|d| d.facility().timezone)
            .unwrap_or(chrono_tz::UTC);
        let deadline = deadline_for(served, Authority::Wso48h).unwrap_or(served);
        board_time_text(&local_text(deadline, tz))
    }

    pub fn timezone(&self) -> chrono_tz::Tz {
        self.open()
            .map(|d| d.facility().timezone)
            .unwrap_or(chrono_tz::UTC)
    }

    pub fn open_booking_numbers(&self) -> wso_core::Result<Vec<String>> {
        let desk = self.open()?;
        Ok(desk
            .list_holds(Utc::now(), false)?
            .into_iter()
            .map(|h| h.booking_number)
            .collect())
    }
}

/// `2026-11-29T09:03:17-05:00` -> `2026-11-29 09:03:17 -05:00` (the UI's `localTimeText`).
pub fn board_time_text(rfc3339_local: &str) -> String {
    let (date, rest) = rfc3339_local.split_at(10);
    let time = &rest[1..9];
    let offset = &rest[9..];
    format!(
        "{date} {time} {}",
        if offset == "Z" { "+00:00" } else { offset }
    )
}
