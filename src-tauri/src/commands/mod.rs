//! The commands the window may call. Each is thin: read the clock, take the
//! session's user, call `wso_core`, return its result or its public error
//! (`{code, field, message}`), which the UI shows at the named field.
//!
//! Commands run off the main thread (`async`), so password hashing or a busy
//! database never freezes the window.

pub mod clock;
pub mod complaints;
pub mod duties;
pub mod facility;
pub mod handoff;
pub mod holds;
pub mod people;
pub mod report;
pub mod session;
pub mod sync;
pub mod vocabulary;

use chrono::{DateTime, Utc};
use wso_core::error::PublicError;

pub fn now() -> DateTime<Utc> {
    wso_core::time::truncate(Utc::now())
}

pub fn public(e: wso_core::Error) -> PublicError {
    e.to_public()
}
