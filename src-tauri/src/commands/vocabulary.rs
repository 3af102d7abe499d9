//! Every word the window shows about custody, as core has it
//! (`wso_core::vocabulary`). Asked once at start, before anyone signs in:
//! it holds no one's data, only the desk's words.

use wso_core::vocabulary::{vocabulary as core_vocabulary, Vocabulary};

use crate::state::CmdResult;

#[tauri::command(async, rename_all = "snake_case")]
pub fn vocabulary() -> CmdResult<Vocabulary> {
    Ok(core_vocabulary())
}
