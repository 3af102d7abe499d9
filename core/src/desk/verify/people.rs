//! The desk's users and the officer roster, rebuilt from their audited
//! changes and compared with the `user` and `officer` tables.
//!
//! Users: `desk.init` makes its actor the first admin; `user.add` adds a user
//! with the role in its detail; `user.role` ("deputy to admin") changes it;
//! `user.deactivate` / `user.reactivate` set the active flag. Officers:
//! `officer.add` with the dates and (newer records) the name in its detail.
//! A user or officer touched by a change this build cannot read back is
//! counted as not checked, never guessed at.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use serde::Serialize;

use super::broken;
use crate::auth::Role;
use crate::desk::roster_audit::{parse_officer_added, parse_officer_withdrawn};
use crate::error::{Result, SqlContext};
use crate::time::{parse_instant, stored};

/// What the comparison covered.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PeopleChecked {
    pub users: u64,
    pub officers: u64,
    /// Officers added before names were audited: dates checked, name not.
    pub officer_names_not_audited: u64,
    /// Users or officers changed by an audited action this build cannot replay.
    pub not_checked: u64,
}

/// A user as the audit log makes them, and the record that last said so.
#[derive(Debug, Clone, PartialEq)]
enum Standing<T> {
    Known { state: T, seq: i64 },
    Unreadable { seq: i64 },
}

#[derive(Debug, Clone, PartialEq)]
struct UserState {
    role: Role,
    active: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct OfficerState {
    trained_on: NaiveDate,
    expires_on: NaiveDate,
    authorized_on: Option<NaiveDate>,
    name: Option<String>,
    /// The earliest effective withdrawal recorded, and its reason.
    withdrawn: Option<(DateTime<Utc>, String)>,
}

/// A withdrawal of an officer's authorization, by a supervisor (audited) or
/// by ICE (an applied `authorization_withdrawn` update), in recording order.
struct Withdrawal {
    recorded: DateTime<Utc>,
    credential: String,
    at: DateTime<Utc>,
    reason: String,
}

/// User actions that change nothing `audit verify` compares.
const USER_ACTIONS_WITHOUT_EFFECT: &[&str] = &["user.password_change", "user.lock", "user.unlock"];

pub(super) fn check_people(conn: &Connection) -> Result<PeopleChecked> {
    let mut users: BTreeMap<String, Standing<UserState>> = BTreeMap::new();
    let mut officers: BTreeMap<String, Standing<OfficerState>> = BTreeMap::new();
    let mut withdrawals = ice_withdrawals(conn)?;
    let mut stmt = conn
        .prepare(
            "SELECT seq, actor, action, target, detail, at FROM audit
             WHERE outcome = 'success' AND (action = 'desk.init' OR action LIKE 'user.%' OR action LIKE 'officer.%')
             ORDER BY seq",
        )
        .ctx("reading the audit log")?;
    let mut rows = stmt.query([]).ctx("reading the audit log")?;
    while let Some(r) = rows.next().ctx("reading the audit log")? {
        let seq: i64 = r.get(0).ctx("audit")?;
        let actor: String = r.get(1).ctx("audit")?;
        let action: String = r.get(2).ctx("audit")?;
        let target: Option<String> = r.get(3).ctx("audit")?;
        let detail: Option<String> = r.get(4).ctx("audit")?;
        let at_text: String = r.get(5).ctx("audit")?;
        let detail = detail.as_deref().unwrap_or_default();
        let bad = |why: &str| broken(format!("audit record {seq} ({action}) {why}"));
        match action.as_str() {
            "desk.init" | "user.add" => {
                let (username, role) = if action == "desk.init" {
                    (actor, Some(Role::Admin))
                } else {
                    (
                        target.ok_or_else(|| bad("names no user"))?,
                        Role::parse(detail),
                    )
                };
                let role = role.ok_or_else(|| bad("names no role"))?;
                if users.contains_key(&username) {
                    return Err(bad("adds a user who already existed, which core refuses"));
                }
                let state = UserState { role, active: true };
                users.insert(username, Standing::Known { state, seq });
            }
            a if a.starts_with("user.") && !USER_ACTIONS_WITHOUT_EFFECT.contains(&a) => {
                let username = target.ok_or_else(|| bad("names no user"))?;
                let entry = users
                    .get_mut(&username)
                    .ok_or_else(|| bad("changes a user who was never added"))?;
                let next = match (&*entry, a) {
                    (Standing::Known { state, .. }, "user.role") => detail
                        .rsplit(' ')
                        .next()
                        .and_then(Role::parse)
                        .map(|role| UserState {
                            role,
                            ..state.clone()
                        }),
                    (Standing::Known { state, .. }, "user.deactivate") => Some(UserState {
                        active: false,
                        ..state.clone()
                    }),
                    (Standing::Known { state, .. }, "user.reactivate") => Some(UserState {
                        active: true,
                        ..state.clone()
                    }),
                    _ => None,
                };
                *entry = match next {
                    Some(state) => Standing::Known { state, seq },
                    None => Standing::Unreadable { seq },
                };
            }
            "officer.add" => {
                let credential = target.ok_or_else(|| bad("names no credential"))?;
                let added = parse_officer_added(detail).ok_or_else(|| bad("has no dates"))?;
                if officers.contains_key(&credential) {
                    return Err(bad(
                        "adds a credential already on the roster, which core refuses",
                    ));
                }
                let state = OfficerState {
                    trained_on: added.trained_on,
                    expires_on: added.expires_on,
                    authorized_on: added.authorized_on,
                    name: added.name,
                    withdrawn: None,
                };
                officers.insert(credential, Standing::Known { state, seq });
            }
            "officer.withdraw" => {
                let credential = target.ok_or_else(|| bad("names no credential"))?;
                let (at, reason) =
                    parse_officer_withdrawn(detail).ok_or_else(|| bad("has no effective time"))?;
                let recorded = stored(&at_text).map_err(|_| bad("has a malformed time"))?;
                withdrawals.push(Withdrawal {
                    recorded,
                    credential,
                    at,
                    reason,
                });
            }
            a if a.starts_with("officer.") => {
                let credential = target.ok_or_else(|| bad("names no credential"))?;
                let entry = officers
                    .get_mut(&credential)
                    .ok_or_else(|| bad("changes a credential never added"))?;
                *entry = Standing::Unreadable { seq };
            }
            _ => {}
        }
    }
    // An earlier effective time already recorded stays (`set_withdrawn`).
    withdrawals.sort_by_key(|w| w.recorded);
    for w in withdrawals {
        if let Some(Standing::Known { state, .. }) = officers.get_mut(&w.credential) {
            if state.withdrawn.as_ref().is_none_or(|(at, _)| *at > w.at) {
                state.withdrawn = Some((w.at, w.reason));
            }
        }
    }
    let mut checked = PeopleChecked::default();
    compare_users(conn, users, &mut checked)?;
    compare_officers(conn, officers, &mut checked)?;
    Ok(checked)
}

fn compare_users(
    conn: &Connection,
    mut ledger: BTreeMap<String, Standing<UserState>>,
    checked: &mut PeopleChecked,
) -> Result<()> {
    let mut stmt = conn
        .prepare("SELECT username, role, active FROM user ORDER BY username")
        .ctx("reading users")?;
    let mut rows = stmt.query([]).ctx("reading users")?;
    while let Some(r) = rows.next().ctx("reading users")? {
        let username: String = r.get(0).ctx("reading users")?;
        let role: String = r.get(1).ctx("reading users")?;
        let active: bool = r.get(2).ctx("reading users")?;
        match ledger.remove(&username) {
            None => {
                return Err(broken(format!(
                    "user {username} is in the user table but no audit record added them"
                )))
            }
            Some(Standing::Unreadable { .. }) => checked.not_checked += 1,
            Some(Standing::Known { state, seq }) => {
                if role != state.role.as_str() {
                    return Err(broken(format!(
                        "user {username}: role in the user table ({role}) is not what their audited changes give ({}, audit record {seq})",
                        state.role.as_str()
                    )));
                }
                if active != state.active {
                    return Err(broken(format!(
                        "user {username}: active in the user table ({active}) is not what their audited changes give ({}, audit record {seq})",
                        state.active
                    )));
                }
                checked.users += 1;
            }
        }
    }
    match ledger.into_iter().next() {
        Some((username, _)) => Err(broken(format!(
            "user {username} was added (audit log) but is not in the user table"
        ))),
        None => Ok(()),
    }
}

fn compare_officers(
    conn: &Connection,
    mut ledger: BTreeMap<String, Standing<OfficerState>>,
    checked: &mut PeopleChecked,
) -> Result<()> {
    let mut stmt = conn
        .prepare(
            "SELECT credential, name, trained_on, expires_on, active, authorized_on, withdrawn_at, withdrawn_reason
             FROM officer ORDER BY credential",
        )
        .ctx("reading the roster")?;
    let mut rows = stmt.query([]).ctx("reading the roster")?;
    while let Some(r) = rows.next().ctx("reading the roster")? {
        let credential: String = r.get(0).ctx("reading the roster")?;
        let name: String = r.get(1).ctx("reading the roster")?;
        let trained_on: String = r.get(2).ctx("reading the roster")?;
        let expires_on: String = r.get(3).ctx("reading the roster")?;
        let active: bool = r.get(4).ctx("reading the roster")?;
        let authorized_on: Option<String> = r.get(5).ctx("reading the roster")?;
        let withdrawn_at: Option<String> = r.get(6).ctx("reading the roster")?;
        let withdrawn_reason: Option<String> = r.get(7).ctx("reading the roster")?;
        let state = match ledger.remove(&credential) {
            None => {
                return Err(broken(format!(
                    "officer {credential} is on the roster but no audit record added them"
                )))
            }
            Some(Standing::Unreadable { .. }) => {
                checked.not_checked += 1;
                continue;
            }
            Some(Standing::Known { state, seq }) => (state, seq),
        };
        let (want, seq) = state;
        let differs = |field: &str, have: &str, want: &str| {
            broken(format!(
                "officer {credential}: {field} on the roster ({have}) is not what its audited changes give ({want}, audit record {seq})"
            ))
        };
        if trained_on != want.trained_on.to_string() {
            return Err(differs(
                "trained_on",
                &trained_on,
                &want.trained_on.to_string(),
            ));
        }
        if expires_on != want.expires_on.to_string() {
            return Err(differs(
                "expires_on",
                &expires_on,
                &want.expires_on.to_string(),
            ));
        }
        if !active {
            return Err(differs("active", "false", "true"));
        }
        let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
        let want_authorized = want.authorized_on.map(|d| d.to_string());
        if authorized_on != want_authorized {
            return Err(differs(
                "authorized_on",
                &shown(&authorized_on),
                &shown(&want_authorized),
            ));
        }
        let want_withdrawn = want
            .withdrawn
            .as_ref()
            .map(|(at, _)| crate::time::utc_text(*at));
        if withdrawn_at != want_withdrawn {
            return Err(differs(
                "withdrawn_at",
                &shown(&withdrawn_at),
                &shown(&want_withdrawn),
            ));
        }
        if withdrawn_reason != want.withdrawn.map(|(_, reason)| reason) {
            return Err(broken(format!(
                "officer {credential}: the withdrawal reason on the roster is not the recorded one"
            )));
        }
        match want.name {
            Some(n) if n != name => {
                return Err(broken(format!(
                    "officer {credential}: the name on the roster is not the audited one (audit record {seq})"
                )))
            }
            Some(_) => {}
            None => checked.officer_names_not_audited += 1,
        }
        checked.officers += 1;
    }
    match ledger.into_iter().next() {
        Some((credential, _)) => Err(broken(format!(
            "officer {credential} was added (audit log) but is not on the roster"
        ))),
        None => Ok(()),
    }
}

/// ICE's applied `authorization_withdrawn` updates (details `credential`,
/// `effective_at`), as `withdrawn_by_ice` recorded them.
fn ice_withdrawals(conn: &Connection) -> Result<Vec<Withdrawal>> {
    let mut stmt = conn
        .prepare(
            "SELECT update_id, details, applied_at FROM ice_update
             WHERE kind = 'authorization_withdrawn' AND known_kind = 1",
        )
        .ctx("reading ICE updates")?;
    let mut rows = stmt.query([]).ctx("reading ICE updates")?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().ctx("reading ICE updates")? {
        let update_id: String = r.get(0).ctx("reading ICE updates")?;
        let details: String = r.get(1).ctx("reading ICE updates")?;
        let applied: String = r.get(2).ctx("reading ICE updates")?;
        let bad = || {
            broken(format!(
                "ICE update {update_id} was applied to the roster but its details are not usable"
            ))
        };
        let details: serde_json::Value = serde_json::from_str(&details).map_err(|_| bad())?;
        let text = |k: &str| details[k].as_str().map(str::to_owned);
        let (Some(credential), Some(effective)) = (text("credential"), text("effective_at")) else {
            return Err(bad());
        };
        out.push(Withdrawal {
            recorded: stored(&applied).map_err(|_| bad())?,
            credential,
            at: parse_instant("effective_at", &effective).map_err(|_| bad())?,
            reason: crate::desk::roster_audit::withdrawn_by_ice(&update_id),
        });
    }
    Ok(out)
}
