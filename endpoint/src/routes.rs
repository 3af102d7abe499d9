//! The HTTP surface: the protocol routes (sync-protocol.md) and the
//! operator/admin routes (`admin`). Status codes are exactly the protocol's;
//! bodies are JSON. Errors carry `{"error": code, "message": text}` so a desk
//! can show the message.
//!
//! Order of checks on a push (`admission`): the token and the URL's desk from
//! the headers alone (401/403, the body is never read), the declared length
//! (413), then the body read with the same limit as it streams (413), then its
//! facility and every event's desk and facility against the token (403). The
//! whole request, body included, runs under the request timeout (408).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use wso_core::time::utc_text;

use crate::admin::{
    admin_desk_events, admin_forget_after, admin_get_faults, admin_queue_update, admin_set_faults,
};
use crate::admission::{
    error, forbidden, read_body, reader_of, require_scope, scope_of, time_limit,
};
pub use crate::admission::{DeskScope, MAX_BODY_BYTES};
use crate::faults::FaultSwitch;
use crate::serve::Limits;
use crate::store::{self, Store, StoreError};
use crate::updates::parse_cursor;

pub struct AppState {
    pub store: Store,
    pub tokens: HashMap<String, DeskScope>,
    pub admin_token: Option<String>,
    pub max_batch: usize,
    /// Largest page served, whatever `limit` asks (tests use small pages).
    pub page_size: u32,
    pub faults: FaultSwitch,
}

pub(crate) type Shared = Arc<AppState>;

pub fn router(state: AppState, limits: Limits) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/desks/{desk_id}/events", post(push_events))
        .route("/v1/facilities/{facility_id}/updates", get(get_updates))
        .route("/v1/facilities/{facility_id}/events", get(get_events))
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
        // Admin routes read their (small) bodies with axum's extractor: same ceiling.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(limits, time_limit))
        .with_state(Arc::new(state))
}

pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    wso_core::time::truncate(chrono::Utc::now())
}

pub(crate) fn store_error(e: StoreError) -> Response {
    match e {
        StoreError::Malformed(m) => error(StatusCode::BAD_REQUEST, "malformed_request", m),
        StoreError::Conflict { code, .. } => error(StatusCode::CONFLICT, code, e.to_string()),
        StoreError::Sqlite { .. } | StoreError::Postgres { .. } | StoreError::Inconsistent(_) => {
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
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    // Headers only: an unknown token or another desk's URL never gets its body read.
    let scope = match scope_of(&state, &headers) {
        Ok(s) => s.clone(),
        Err(r) => return r,
    };
    if scope.desk_id != desk_id {
        return forbidden("wrong_desk", "this token belongs to another desk");
    }
    let body = match read_body(&headers, body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
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
    if let Err(r) = require_scope(&scope, facility_id, events) {
        return r;
    }
    if events.len() > state.max_batch {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!("at most {} events per request", state.max_batch),
        );
    }
    if let Err(e) = store::check_events(events) {
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
    let stored = state
        .store
        .store_events(&desk_id, facility_id, events, now())
        .await;
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
    let ack_hash = match faults.ack_hash {
        Some(wrong) => Some(wrong),
        None => stored.ack_hash,
    };
    Json(json!({
        "ack_seq": stored.ack_seq + faults.ack_offset,
        "ack_hash": ack_hash,
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
    if let Err(r) = reader_of(&state, &headers, &facility_id) {
        return r;
    }
    let after = match parse_cursor(query.get("after").map(String::as_str)) {
        Ok(a) => a,
        Err(e) => return store_error(e),
    };
    let after = if state.faults.take_replay() { 0 } else { after };
    let limit = match page_limit(&query, 200) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let page = state
        .store
        .updates_after(&facility_id, after, limit.min(state.page_size))
        .await;
    match page {
        Ok(p) => {
            let pad = state.faults.take_padding();
            if pad > 0 {
                return padded(p, pad);
            }
            Json(p).into_response()
        }
        Err(e) => store_error(e),
    }
}

/// A test fault: the page with `pad` more bytes of blanks inside its JSON
/// (still valid JSON), like an endpoint answering far more than any page needs.
fn padded(page: store::Page, pad: usize) -> Response {
    let mut text = serde_json::to_string(&page).unwrap_or_default();
    let blanks = " ".repeat(pad);
    text.insert_str(1, &blanks);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        text,
    )
        .into_response()
}

#[allow(clippy::result_large_err)]
fn page_limit(query: &HashMap<String, String>, default: u32) -> Result<u32, Response> {
    match query.get("limit").map(|l| l.parse::<u32>()) {
        None => Ok(default),
        Some(Ok(l)) if (1..=1000).contains(&l) => Ok(l),
        Some(_) => Err(error(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            "limit must be 1-1000",
        )),
    }
}

/// `GET /v1/facilities/{facility_id}/events`: every stored event of the
/// token's facility, in the order they were stored (v1.1, several desks).
async fn get_events(
    State(state): State<Shared>,
    Path(facility_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = reader_of(&state, &headers, &facility_id) {
        return r;
    }
    let after = match store::parse_event_cursor(query.get("after").map(String::as_str)) {
        Ok(a) => a,
        Err(e) => return store_error(e),
    };
    let limit = match page_limit(&query, 500) {
        Ok(l) => l,
        Err(r) => return r,
    };
    match state
        .store
        .facility_events_after(&facility_id, after, limit)
        .await
    {
        Ok(p) => Json(p).into_response(),
        Err(e) => store_error(e),
    }
}
