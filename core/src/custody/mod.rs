//! Custody rules, pure logic with time passed in: the 48-hour clock and its
//! urgency, the criminal release that anchors it, the MOA and agreements,
//! officer authorization, duties after service and incidents, the jail
//! perimeter, the facility definition, validation of what a deputy types,
//! and when a complaint is due.

pub mod agreement;
pub mod clock;
pub mod complaint;
pub mod duties;
pub mod facility;
pub mod fold;
pub mod hold;
pub mod officer;
pub mod perimeter;
pub mod service;
pub mod text;

pub use agreement::{Agreement, AgreementKind, Moa};
pub use clock::{
    deadline_for, deadline_under, urgency, ActionRequired, Authority, Urgency, HOLD_LIMIT_SECONDS,
};
pub use duties::{IncidentKind, NoticeMethod, ReleaseCause, UpdateKind};
pub use facility::{Facility, Zone};
pub use hold::{HoldStatus, NewHold, ReleaseReason, WarrantForm};
pub use service::CriminalReleaseBasis;
