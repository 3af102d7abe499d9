//! Custody rules, pure logic with time passed in: the 48-hour clock and its
//! urgency, the jail perimeter, officer credentials, the facility definition,
//! validation of what a deputy types, and when a complaint is due.

pub mod clock;
pub mod complaint;
pub mod facility;
pub mod hold;
pub mod officer;
pub mod perimeter;

pub use clock::{deadline_for, urgency, ActionRequired, Authority, Urgency, HOLD_LIMIT_SECONDS};
pub use facility::{Facility, Zone};
pub use hold::{HoldStatus, NewHold, ReleaseReason, WarrantForm};
