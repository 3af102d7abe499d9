//! Sync with the ICE endpoint as the window sees it: the status panel, "Sync
//! now", and the endpoint settings with "Test connection". What the status
//! means (waiting events, problems and what to do, whether the clocks differ
//! too much) is computed in `wso_core::sync`; these commands only gather it.

use serde::Serialize;
use tauri::State;
use wso_core::sync::client::check_url;
use wso_core::sync::{
    endpoint_config, status, test_connection, ConnectionCheck, EndpointConfig, EndpointSettings,
    SyncStatus,
};
use wso_core::time::{local_text, stored};
use wso_core::Error;

use super::{now, public};
use crate::state::{shell_error, CmdResult, Shell};
use crate::sync::BackgroundSync;

/// What the sync panel shows.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncView {
    /// False until an admin stores an endpoint URL and token: the desk then
    /// works offline and shows "No ICE endpoint configured".
    pub configured: bool,
    pub endpoint_url: Option<String>,
    /// Whether the background loop runs.
    pub running: bool,
    pub syncing: bool,
    /// The loop's last health probe, else what the last exchange recorded.
    pub reachable: Option<bool>,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub next_attempt_in_seconds: Option<u64>,
    /// Why the loop cannot work at all (unusable settings, database).
    pub loop_error: Option<String>,
    /// `status.last_success_at` / `last_attempt_at` on the facility's wall clock.
    pub last_success_local: Option<String>,
    pub last_attempt_local: Option<String>,
    pub status: SyncStatus,
}

fn view(shell: &Shell, sync: &BackgroundSync) -> CmdResult<SyncView> {
    let (settings, stored_status, tz) = {
        let desk = shell.desk();
        (
            wso_core::sync::endpoint_settings(&desk).map_err(public)?,
            status(desk.conn()).map_err(public)?,
            desk.facility().timezone,
        )
    };
    let running = sync.status();
    let local = |t: &Option<String>| {
        t.as_deref()
            .and_then(|t| stored(t).ok())
            .map(|t| local_text(t, tz))
    };
    Ok(SyncView {
        configured: settings.url.is_some() && settings.token_set,
        endpoint_url: settings.url,
        running: running.as_ref().is_some_and(|s| s.running),
        syncing: running.as_ref().is_some_and(|s| s.syncing),
        reachable: running
            .as_ref()
            .and_then(|s| s.reachable)
            .or(stored_status.reachable),
        next_attempt_in_seconds: running.as_ref().and_then(|s| s.next_attempt_in_seconds),
        loop_error: running
            .as_ref()
            .and_then(|s| s.error.clone())
            .or_else(|| sync.start_error()),
        last_success_local: local(&stored_status.last_success_at),
        last_attempt_local: local(&stored_status.last_attempt_at),
        status: stored_status,
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn sync_status(
    shell: State<'_, Shell>,
    sync: State<'_, BackgroundSync>,
) -> CmdResult<SyncView> {
    // The panel polls every 3 s: a background call, so it never keeps the
    // session from locking (issue 12, finding 3).
    shell.background_actor()?;
    view(&shell, &sync)
}

/// "Sync now": wake the loop, clearing any backoff or paused push.
#[tauri::command(async, rename_all = "snake_case")]
pub fn sync_now(shell: State<'_, Shell>, sync: State<'_, BackgroundSync>) -> CmdResult<SyncView> {
    shell.actor()?;
    if !sync.sync_now() {
        let message = match sync.start_error() {
            Some(why) => format!("background sync is not running: {why}"),
            None => "No ICE endpoint configured; an administrator sets it under Endpoint settings"
                .to_owned(),
        };
        return Err(shell_error("no_endpoint", &message));
    }
    view(&shell, &sync)
}

/// Every signed-in user may see where the desk sends its events; the token
/// itself never comes back out (only whether one is set).
#[tauri::command(async, rename_all = "snake_case")]
pub fn endpoint_settings(shell: State<'_, Shell>) -> CmdResult<EndpointSettings> {
    shell.actor()?;
    wso_core::sync::endpoint_settings(&shell.desk()).map_err(public)
}

/// Save the URL and, when one is typed, a new desk token (admins: checked in
/// core), then restart the loop so the new settings apply at once.
#[tauri::command(rename_all = "snake_case")]
pub async fn save_endpoint_settings(
    shell: State<'_, Shell>,
    sync: State<'_, BackgroundSync>,
    url: String,
    token: Option<String>,
) -> CmdResult<EndpointSettings> {
    let actor = shell.actor()?;
    let token = token.filter(|t| !t.trim().is_empty());
    let saved = wso_core::sync::save_endpoint_settings(
        &mut shell.desk(),
        &actor,
        &url,
        token.as_deref(),
        now(),
    )
    .map_err(public)?;
    sync.stop().await;
    sync.start(&shell.desk()).map_err(public)?;
    Ok(saved)
}

/// Trust the agency CA file typed (a path on this computer), or stop
/// trusting one when the field is empty; core checks the file holds a PEM
/// certificate. Sync restarts so the next connection uses it.
#[tauri::command(rename_all = "snake_case")]
pub async fn save_endpoint_ca_file(
    shell: State<'_, Shell>,
    sync: State<'_, BackgroundSync>,
    ca_file: Option<String>,
) -> CmdResult<EndpointSettings> {
    let actor = shell.actor()?;
    let ca_file = ca_file
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .map(std::path::PathBuf::from);
    let saved =
        wso_core::sync::save_endpoint_ca_file(&mut shell.desk(), &actor, ca_file.as_deref(), now())
            .map_err(public)?;
    sync.stop().await;
    sync.start(&shell.desk()).map_err(public)?;
    Ok(saved)
}

/// "Test connection" with the URL on screen and the token typed, or the
/// stored token when none is typed. The stored token is only ever sent to
/// the stored URL: testing it against a typed URL could hand it to anyone.
#[tauri::command(rename_all = "snake_case")]
pub async fn test_endpoint_connection(
    shell: State<'_, Shell>,
    url: String,
    token: Option<String>,
) -> CmdResult<ConnectionCheck> {
    shell.actor()?;
    let typed = token.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    let (config, desk_id, facility_id) = {
        let desk = shell.desk();
        let config = match typed {
            Some(token) => EndpointConfig::new(url.trim(), token),
            None => stored_token_config(endpoint_config(&desk).map_err(public)?, &url)?,
        };
        (
            config,
            desk.desk_id().to_owned(),
            desk.facility().id.clone(),
        )
    };
    test_connection(&config, &desk_id, &facility_id, now())
        .await
        .map_err(|e| public(e.into()))
}

fn stored_token_config(stored: Option<EndpointConfig>, url: &str) -> CmdResult<EndpointConfig> {
    let typed_url = check_url(url).map_err(|e| public(e.into()))?.to_string();
    match stored {
        Some(config) if check_url(&config.url).is_ok_and(|u| u.to_string() == typed_url) => {
            Ok(config)
        }
        Some(_) => Err(public(Error::invalid(
            "token",
            "type the desk token to test a different URL; the stored token is only sent to the saved URL",
        ))),
        None => Err(public(Error::invalid(
            "token",
            "type the desk token this endpoint issued",
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_token_goes_only_to_the_stored_url() {
        let stored = || Some(EndpointConfig::new("https://ice.example/wso", "s3cret"));
        let same = stored_token_config(stored(), " https://ice.example/wso ");
        assert_eq!(same.map(|c| c.token).ok().as_deref(), Some("s3cret"));
        let other = stored_token_config(stored(), "https://attacker.example/wso");
        assert_eq!(
            other.err().and_then(|e| e.field).as_deref(),
            Some("token"),
            "a different URL must ask for the token, not reuse the stored one"
        );
        let none = stored_token_config(None, "https://ice.example/wso");
        assert_eq!(none.err().and_then(|e| e.field).as_deref(), Some("token"));
    }
}
