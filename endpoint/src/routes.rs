//! The HTTP surface: the three protocol routes (sync-protocol.md) and the
//! operator/admin routes (queue an update, read a desk's events, faults).
//! Status codes are exactly the protocol's; bodies are JSON. Errors carry
//! `{"error": code, "message": text}` so a desk can show the message.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rusqlite::Connection;
use serde_json::{json, Value};
use wso_core::time::utc_text;

use crate::faults::{FaultSwitch, Faults};
use crate::store::{self, NewUpdate, StoreError};
use crate::updates::parse_cursor;

pub struct AppState {
    pub db: Mutex<Connection>,
    /// token -> desk_id
    pub tokens: HashMap<String, String>,
    pub admin_token: Option<String>,
    pub max_batch: usize,
    /// Largest page served, whatever `limit` asks (tests use small pages).
    pub page_size: u32,
    pub faults: FaultSwitch,
}

type Shared = Arc<AppState>;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/desks/{desk_id}/events", post(push_events))
        .route("/v1/facilities/{facility_id}/updates", get(get_updates))
        .route("/admin/updates", post(admin_queue_update))
        .route("/admin/desks/{desk_id}/events", get(admin_desk_events))
        .route(
            "/admin/desks/{desk_id}/forget-after/{seq}",
            post(admin_forget_after),
        )
        .route(
            "/admin/faults",
            get(admin_get_faults).post(admin_set_faults),
        )
        // The protocol caps a push at 500 events, not at axum's 2 MB default.
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        .with_state(Arc::new(state))
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({ "error": code, "message": message.into() })),
    )
        .into_response()
}

fn now() -> chrono::DateTime<chrono::Utc> {
    wso_core::time::truncate(chrono::Utc::now())
}

impl AppState {
    fn db(&self) -> MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The desk a token belongs to: 401 without a known token.
// The error is the response itself, returned at once by a handler; boxing it buys nothing.
#[allow(clippy::result_large_err)]
fn desk_of<'s>(state: &'s AppState, headers: &HeaderMap) -> Result<&'s str, Response> {
    bearer(headers)
        .and_then(|t| state.tokens.get(t))
        .map(String::as_str)
        .ok_or_else(|| {
            error(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "unknown or missing desk token",
            )
        })
}

#[allow(clippy::result_large_err)]
fn require_admin(state: &AppState, headers: &HeaderMap) -> Result<(), Response> {
    match (&state.admin_token, bearer(headers)) {
        (Some(admin), Some(given)) if admin == given => Ok(()),
        (None, _) => Err(error(
            StatusCode::FORBIDDEN,
            "admin_disabled",
            "start the endpoint with --admin-token to use admin routes",
        )),
        _ => Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "admin token required",
        )),
    }
}

fn store_error(e: StoreError) -> Response {
    match e {
        StoreError::Malformed(m) => error(StatusCode::BAD_REQUEST, "malformed_request", m),
        StoreError::Conflict { .. } => error(StatusCode::CONFLICT, "seq_conflict", e.to_string()),
        StoreError::Sqlite { .. } => {
            tracing::error!(error = %e, "store failed");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "store_failed",
                "the endpoint could not store the request; retry later",
            )
        }
    }
}

async fn health() -> Response {
    Json(json!({ "status": "ok", "server_time": utc_text(now()) })).into_response()
}

async fn push_events(
    State(state): State<Shared>,
    Path(desk_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token_desk = match desk_of(&state, &headers) {
        Ok(d) => d,
        Err(r) => return r,
    };
    if token_desk != desk_id {
        return error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this token belongs to another desk",
        );
    }
    let request: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "malformed_request",
                format!("body is not JSON: {e}"),
            )
        }
    };
    let (Some(facility_id), Some(events)) = (
        request["facility_id"].as_str(),
        request["events"].as_array(),
    ) else {
        return error(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            "body needs facility_id (string) and events (array)",
        );
    };
    if events.len() > state.max_batch {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!("at most {} events per request", state.max_batch),
        );
    }
    if let Err(e) = store::check_events(&desk_id, events) {
        return store_error(e);
    }
    let faults = state.faults.take_push();
    if let Some((status, retry_after)) = faults.busy {
        let mut r = error(
            StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
            "busy",
            "busy; retry later",
        );
        if let Some(v) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return r;
    }
    let stored = {
        let mut db = state.db();
        store::store_events(&mut db, &desk_id, facility_id, events, now())
    };
    let stored = match stored {
        Ok(s) => s,
        Err(e) => return store_error(e),
    };
    if let Some(delay) = faults.delay_after_store {
        tokio::time::sleep(delay).await;
    }
    if faults.fail_after_store {
        return error(
            StatusCode::BAD_GATEWAY,
            "bad_gateway",
            "stored, but the answer was lost (test fault)",
        );
    }
    Json(json!({
        "ack_seq": stored.ack_seq + faults.ack_offset,
        "server_time": utc_text(now()),
        "rejected": stored.rejected,
    }))
    .into_response()
}

async fn get_updates(
    State(state): State<Shared>,
    Path(facility_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = desk_of(&state, &headers) {
        return r;
    }
    let after = match parse_cursor(query.get("after").map(String::as_str)) {
        Ok(a) => a,
        Err(e) => return store_error(e),
    };
    let after = if state.faults.take_replay() { 0 } else { after };
    let limit = match query.get("limit").map(|l| l.parse::<u32>()) {
        None => 200,
        Some(Ok(l)) if (1..=1000).contains(&l) => l,
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "malformed_request",
                "limit must be 1-1000",
            )
        }
    };
    let page = store::updates_after(&state.db(), &facility_id, after, limit.min(state.page_size));
    match page {
        Ok(p) => Json(p).into_response(),
        Err(e) => store_error(e),
    }
}

async fn admin_queue_update(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = require_admin(&state, &headers) {
        return r;
    }
    let update: NewUpdate = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => return error(StatusCode::BAD_REQUEST, "malformed_request", e.to_string()),
    };
    match store::queue_update(&state.db(), &update, now()) {
        Ok(u) => Json(u).into_response(),
        Err(e) => store_error(e),
    }
}

async fn admin_desk_events(
    State(state): State<Shared>,
    Path(desk_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = require_admin(&state, &headers) {
        return r;
    }
    match store::desk_events(&state.db(), &desk_id) {
        Ok(events) => Json(events).into_response(),
        Err(e) => store_error(e),
    }
}

async fn admin_forget_after(
    State(state): State<Shared>,
    Path((desk_id, seq)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = require_admin(&state, &headers) {
        return r;
    }
    if !state.faults.is_enabled() {
        return error(
            StatusCode::FORBIDDEN,
            "faults_disabled",
            "start the endpoint with --test-faults",
        );
    }
    match store::forget_after(&state.db(), &desk_id, seq) {
        Ok(n) => Json(json!({ "forgotten": n })).into_response(),
        Err(e) => store_error(e),
    }
}

async fn admin_get_faults(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if let Err(r) = require_admin(&state, &headers) {
        return r;
    }
    match state.faults.get() {
        Some(f) => Json(f).into_response(),
        None => error(
            StatusCode::FORBIDDEN,
            "faults_disabled",
            "start the endpoint with --test-faults",
        ),
    }
}

async fn admin_set_faults(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = require_admin(&state, &headers) {
        return r;
    }
    let faults: Faults = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(e) => return error(StatusCode::BAD_REQUEST, "malformed_request", e.to_string()),
    };
    if state.faults.set(faults.clone()) {
        Json(faults).into_response()
    } else {
        error(
            StatusCode::FORBIDDEN,
            "faults_disabled",
            "start the endpoint with --test-faults",
        )
    }
}
