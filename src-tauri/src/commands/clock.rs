//! The clock-jump warning (see `crate::clock`): what the banner shows, and a
//! supervisor's acknowledgement that the clock has been checked.

use tauri::State;

use super::public;
use crate::clock::{ClockJumpView, ClockWarning};
use crate::state::{CmdResult, Shell};

/// The last unacknowledged jump, or null. Does not count as input, so the
/// banner's polling never keeps an idle session awake.
#[tauri::command(async, rename_all = "snake_case")]
pub fn clock_status(
    shell: State<'_, Shell>,
    warning: State<'_, ClockWarning>,
) -> CmdResult<Option<ClockJumpView>> {
    shell.viewer_locked()?;
    Ok(warning.view(shell.desk().facility().timezone))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn acknowledge_clock_jump(
    shell: State<'_, Shell>,
    warning: State<'_, ClockWarning>,
) -> CmdResult<()> {
    let actor = shell.actor()?;
    warning.acknowledge(&shell.desk(), &actor).map_err(public)
}
