//! The operator's and the tests' routes, behind the admin token: queue an
//! update, read a desk's stored events, forget events (an endpoint that lost
//! data), and the test-only fault switch.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::admission::{error, require_admin};
use crate::faults::Faults;
use crate::routes::{now, store_error, Shared};
use crate::store::NewUpdate;

pub(crate) async fn admin_queue_update(
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
    match state.store.queue_update(&update, now()).await {
        Ok(u) => Json(u).into_response(),
        Err(e) => store_error(e),
    }
}

pub(crate) async fn admin_desk_events(
    State(state): State<Shared>,
    Path(desk_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = require_admin(&state, &headers) {
        return r;
    }
    match state.store.desk_events(&desk_id).await {
        Ok(events) => Json(events).into_response(),
        Err(e) => store_error(e),
    }
}

pub(crate) async fn admin_forget_after(
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
    match state.store.forget_after(&desk_id, seq).await {
        Ok(n) => Json(json!({ "forgotten": n })).into_response(),
        Err(e) => store_error(e),
    }
}

pub(crate) async fn admin_get_faults(State(state): State<Shared>, headers: HeaderMap) -> Response {
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

pub(crate) async fn admin_set_faults(
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
