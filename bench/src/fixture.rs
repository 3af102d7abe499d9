//! Desks to measure: the demo desk (facility, accounts, officers) in a temp
//! folder, filled with holds through the same `Desk` calls the app and
//! `wsoctl` make, so every row, event and audit record is what production
//! writes. Only the fill runs with `synchronous = OFF` (a per-connection
//! setting, never stored in the file); it is set back to FULL before any
//! figure is taken.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use wso_core::auth::Actor;
use wso_core::custody::NewHold;
use wso_core::time::utc_text;
use wso_core::{demo, Desk};

/// The demo officer whose credential is valid from 200 days ago to 300 days ahead.
const OFFICER: &str = "WSO-1041";
/// Zones inside the demo perimeter, rotated so the board is not uniform.
const ZONES: [&str; 3] = ["booking", "housing-a", "medical"];

pub struct BenchDesk {
    pub desk: Desk,
    pub deputy: Actor,
    pub supervisor: Actor,
    pub path: PathBuf,
}

/// A fresh demo desk at `dir/name.db` (its key beside it, as `wsoctl init` does).
pub fn demo_desk(dir: &Path, name: &str, now: DateTime<Utc>) -> BenchDesk {
    let path = dir.join(format!("{name}.db"));
    let desk = demo::create(&path, None, now).expect("creating the demo desk");
    let deputy = desk.actor(demo::ACCOUNTS[2].0).expect("demo deputy");
    let supervisor = desk.actor(demo::ACCOUNTS[1].0).expect("demo supervisor");
    BenchDesk {
        desk,
        deputy,
        supervisor,
        path,
    }
}

/// The `n`-th booking of a run; `tag` keeps warrant numbers unique across fills.
pub fn booking(tag: &str, n: usize, served_at: DateTime<Utc>) -> NewHold {
    NewHold {
        family_name: format!("Family{n}"),
        given_names: format!("Given {tag} {n}"),
        date_of_birth: format!("19{:02}-{:02}-{:02}", 50 + n % 50, 1 + n % 12, 1 + n % 28),
        booking_number: format!("B-{tag}-{n}"),
        a_number: n.is_multiple_of(3).then(|| format!("A{:09}", n)),
        warrant_form: if n.is_multiple_of(2) {
            "I-200"
        } else {
            "I-205"
        }
        .into(),
        warrant_number: format!("W-{tag}-{n}"),
        detainer_number: n.is_multiple_of(4).then(|| format!("D-{tag}-{n}")),
        officer_credential: OFFICER.into(),
        served_at: utc_text(served_at),
        zone_id: ZONES[n % ZONES.len()].into(),
        lat: None,
        lon: None,
        criminal_release_at: utc_text(served_at),
        criminal_release_basis: "bond".into(),
        ice_supervisor: "SDDO K. Patel".into(),
        ..NewHold::default()
    }
}

impl BenchDesk {
    /// Durability off for bulk set-up only (see module doc).
    pub fn fast_fill(&self, on: bool) {
        let mode = if on { "OFF" } else { "FULL" };
        self.desk
            .conn()
            .execute_batch(&format!("PRAGMA synchronous = {mode};"))
            .expect("setting synchronous");
    }

    /// `n` open holds served over the last 47 hours (so all are live, at
    /// every urgency from normal to urgent).
    pub fn open_holds(&mut self, tag: &str, n: usize, now: DateTime<Utc>) {
        for i in 0..n {
            let served =
                now - Duration::seconds((47 * 3600 * i / n.max(1)) as i64) - Duration::minutes(5);
            self.desk
                .open_hold(&self.deputy, &booking(tag, i, served), now)
                .expect("opening a hold");
        }
    }

    /// `n` holds booked and released (two custody events each), served over
    /// the last 180 days, each released an hour after service.
    pub fn closed_holds(&mut self, tag: &str, n: usize, now: DateTime<Utc>) {
        let span = 180 * 86_400_i64;
        for i in 0..n {
            // Ends 2 h before now, so every release (served + 1 h) lies in the past.
            let served = now - Duration::seconds(span) - Duration::hours(2)
                + Duration::seconds(span * i as i64 / n.max(1) as i64);
            let hold = self
                .desk
                .open_hold(&self.deputy, &booking(tag, i, served), now)
                .expect("opening a hold to close");
            let at = utc_text(served + Duration::hours(1));
            self.desk
                .release_hold(&self.deputy, &hold.hold_id, &at, "court_order", None, now)
                .expect("releasing a hold");
        }
    }

    /// `n` open holds as [`BenchDesk::open_holds`] serves them, each left in
    /// one of the agreement's states in turn: ICE notified in time, notified
    /// late (a `notice_late` incident), a citizenship claim to report (its
    /// own countdown), a claim reported, and no notice yet (the duty shows).
    pub fn agreement_holds(&mut self, tag: &str, n: usize, now: DateTime<Utc>) {
        let at = |t: DateTime<Utc>| utc_text(t.min(now));
        for i in 0..n {
            let served =
                now - Duration::seconds((47 * 3600 * i / n.max(1)) as i64) - Duration::minutes(5);
            let hold = self
                .desk
                .open_hold(&self.deputy, &booking(tag, i, served), now)
                .expect("opening a hold");
            let id = hold.hold_id;
            let notify = |desk: &mut Desk, deputy: &Actor, when: DateTime<Utc>| {
                desk.notify_ice(deputy, &id, "phone", "SDDO K. Patel", &at(when), now)
                    .expect("recording the notice");
            };
            match i % 5 {
                0 => notify(&mut self.desk, &self.deputy, served + Duration::minutes(10)),
                1 => notify(&mut self.desk, &self.deputy, served + Duration::hours(1)),
                2 | 3 => {
                    let claim = self
                        .desk
                        .record_claim(
                            &self.deputy,
                            &id,
                            &at(served + Duration::minutes(2)),
                            "He said: I was born here and I am a citizen.",
                            now,
                        )
                        .expect("recording a claim");
                    notify(&mut self.desk, &self.deputy, served + Duration::minutes(10));
                    if i % 5 == 3 {
                        self.desk
                            .claim_reported(
                                &self.deputy,
                                &id,
                                &claim.claim_id,
                                "phone",
                                "SDDO K. Patel",
                                &at(served + Duration::minutes(12)),
                                now,
                            )
                            .expect("reporting a claim");
                    }
                }
                _ => {}
            }
        }
    }
}
