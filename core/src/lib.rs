//! WSO Desk's core: everything the desk does, without a window.
//!
//! The desktop shell (`src-tauri`), the headless `wsoctl` and the reference
//! endpoint all call into this crate, so every custody rule exists exactly once.
//! Business logic takes `now` as a parameter; only the edges read the clock.

pub mod audit;
pub mod auth;
pub mod clock_watch;
pub mod custody;
pub mod demo;
pub mod desk;
pub mod error;
pub mod events;
pub mod handoff;
pub mod report;
pub mod store;
pub mod sync;
pub mod time;
pub mod vocabulary;
pub mod wire;

pub use desk::Desk;
pub use error::{Error, Result};
