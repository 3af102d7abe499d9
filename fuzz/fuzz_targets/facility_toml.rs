//! FACILITY.toml parsing: any text gives a facility or an error naming a
//! field, never a panic; an accepted facility satisfies its invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wso_core::custody::Facility;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Facility::from_toml(text) {
        Ok(f) => {
            assert!(f.perimeter.len() >= 3);
            assert!(f.zones.iter().any(|z| z.inside));
            assert!((1..=24).contains(&f.shift_hours));
            // The perimeter test must not panic on any point.
            let _ = f.perimeter_contains((f.perimeter[0].0 + 1, f.perimeter[0].1 - 1));
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
