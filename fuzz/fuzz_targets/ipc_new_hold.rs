//! The booking form's IPC argument (JSON from the webview) decoded and
//! validated as the shell does: never a panic, and an accepted booking obeys
//! the limits of cli.md.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wso_core::custody::NewHold;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = serde_json::from_slice::<NewHold>(data) else { return };
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap();
    let today = now.date_naive();
    if let Ok(h) = input.check(now, today) {
        assert!((1..=200).contains(&h.family_name.chars().count()));
        assert!((1..=64).contains(&h.booking_number.chars().count()));
        assert!(h.served_at <= now + chrono::Duration::seconds(120));
        assert!(h.date_of_birth <= today);
    }
});
