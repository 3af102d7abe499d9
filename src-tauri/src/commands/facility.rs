//! One jail, several desks (sync-protocol.md v1.1) in the window: how fresh
//! the facility view is, a hold's conflicts on the facility's wall clock, and
//! a supervisor voiding a duplicate booking. What is a conflict, a duplicate
//! or a stale desk, and who may void, is core's (`wso_core::desk::facility`).

use serde::Serialize;
use tauri::State;
use wso_core::desk::{Freshness, HoldConflict, HoldDetail};
use wso_core::error::{Error, PublicError};
use wso_core::time::{local_text, stored};
use wso_core::Desk;

use super::{now, public};
use crate::state::{CmdResult, Shell};

/// A conflict as the hold detail shows it: core's, plus when it happened on
/// the facility's wall clock.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConflictView {
    #[serde(flatten)]
    pub conflict: HoldConflict,
    pub occurred_local: String,
}

/// `hold_detail`'s answer: the hold as core shows it, and its conflicts with
/// their local times.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct HoldDetailView {
    #[serde(flatten)]
    pub detail: HoldDetail,
    pub conflicts_local: Vec<ConflictView>,
}

impl HoldDetailView {
    pub fn new(desk: &Desk, detail: HoldDetail) -> wso_core::Result<HoldDetailView> {
        let tz = desk.facility().timezone;
        let conflicts_local = detail
            .hold
            .conflicts
            .iter()
            .map(|c| {
                Ok(ConflictView {
                    occurred_local: local_text(stored(&c.occurred_at)?, tz),
                    conflict: c.clone(),
                })
            })
            .collect::<wso_core::Result<_>>()?;
        Ok(HoldDetailView {
            detail,
            conflicts_local,
        })
    }
}

/// Each other desk and when it was last heard from, for the handoff screen
/// (the board carries the same in its payload).
#[tauri::command(async, rename_all = "snake_case")]
pub fn facility_freshness(shell: State<'_, Shell>) -> CmdResult<Freshness> {
    shell.background_actor()?;
    shell.desk().freshness(now()).map_err(public)
}

/// A supervisor voids `hold_id` as a duplicate booking of `kept`, with a note.
#[tauri::command(async, rename_all = "snake_case")]
pub fn void_hold(
    shell: State<'_, Shell>,
    hold_id: String,
    kept: String,
    note: String,
) -> CmdResult<()> {
    let actor = shell.actor()?;
    shell
        .desk()
        .void_hold(&actor, &hold_id, kept.trim(), &note, now())
        .map_err(void_error)
}

/// Core names the hold kept that does not exist by what it is; the form
/// shows that at its "Hold kept" field.
fn void_error(e: Error) -> PublicError {
    let kept_unknown = matches!(
        e,
        Error::NotFound {
            what: "hold kept",
            ..
        }
    );
    let mut public = public(e);
    if kept_unknown {
        public.field = Some("kept".into());
    }
    public
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_hold_kept_is_shown_at_its_field() {
        let e = void_error(Error::NotFound {
            what: "hold kept",
            id: "no-such-hold".into(),
        });
        assert_eq!(e.code, "not_found");
        assert_eq!(e.field.as_deref(), Some("kept"));
        let other = void_error(Error::NotFound {
            what: "hold",
            id: "no-such-hold".into(),
        });
        assert_eq!(
            other.field, None,
            "only the hold kept is a field of the form"
        );
    }
}
