//! A late service relayed to another desk: core writes the booking and its
//! `held_without_authority` incident as two events of one transaction, and
//! the other desk, which applies another desk's events one at a time (and may
//! get them on two pages), applies both and shows the incident, then goes on
//! with that desk.

use wso_tests::{
    DeskFixture, EndpointOptions, EndpointProcess, DESK_ID, SECOND_DESK_ID, SECOND_TOKEN, TOKEN,
};

fn a_late_service_booked_at_one_desk_shows_with_its_incident_at_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = EndpointProcess::start(dir.path(), &EndpointOptions::default());
    let mut a = DeskFixture::at_desk(DESK_ID, TOKEN, 0);
    let b = DeskFixture::at_desk(SECOND_DESK_ID, SECOND_TOKEN, 0);
    let now = chrono::Utc::now();
    let served = wso_core::time::utc_text(now - chrono::Duration::minutes(10));
    let released = wso_core::time::utc_text(now - chrono::Duration::hours(4));
    let late = a
        .wsoctl(&[
            "hold",
            "open",
            "--family-name",
            "Haddad",
            "--given-names",
            "Samir",
            "--dob",
            "1979-06-30",
            "--booking-number",
            "B-LATE",
            "--warrant-form",
            "I-205",
            "--warrant-number",
            "W-LATE",
            "--officer",
            "WSO-1",
            "--served-at",
            &served,
            "--criminal-release-at",
            &released,
            "--criminal-release-basis",
            "bond",
            "--ice-supervisor",
            "SDDO K. Patel",
            "--zone",
            "booking",
            "--as",
            "admin",
            "--json",
        ])
        .success()
        .json()["hold_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // And a later booking of the same desk, which must not be held back.
    let after = a.open_holds(1);
    a.sync(&endpoint.url, 30).success();
    let synced = b.sync(&endpoint.url, 30).success().json();
    assert_eq!(
        synced["facility"]["desks"][0]["problem"],
        serde_json::Value::Null,
        "{synced}"
    );
    let list = b
        .wsoctl(&["hold", "list", "--json", "--as", "admin"])
        .success()
        .json();
    let holds = list.as_array().unwrap();
    let h = holds
        .iter()
        .find(|h| h["hold_id"] == late.as_str())
        .expect("the late service at B");
    let incidents = h["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 1, "{h}");
    assert_eq!(incidents[0]["kind"], "held_without_authority");
    assert!(
        holds.iter().any(|h| h["hold_id"] == after[0].as_str()),
        "desk A's later booking is missing at B"
    );
    b.wsoctl(&["audit", "verify"]).success();
}

wso_tests::on_both_stores!(a_late_service_booked_at_one_desk_shows_with_its_incident_at_the_other,);
