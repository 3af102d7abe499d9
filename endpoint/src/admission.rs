//! What a request must pass before a handler does its work (v1.1, "Who may
//! push and pull what"): a known token, read from the headers alone; the one
//! desk and facility the token is for (403); a body of at most 8 MiB, refused
//! from its declared length before a byte is read and again as it streams
//! (413); and the whole request, body included, within the time limit (408).

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::routes::AppState;
use crate::serve::Limits;

/// The protocol's ceiling on a request body (v1.1): 500 events fit well within it.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The one desk of one facility a token may act for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskScope {
    pub desk_id: String,
    pub facility_id: String,
}

pub(crate) fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({ "error": code, "message": message.into() })),
    )
        .into_response()
}

/// The whole request, body included, within the limit: a half-sent body gets
/// 408 and the connection is closed (what is left of the body is never read).
pub(crate) async fn time_limit(
    State(limits): State<Limits>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limits.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let mut r = error(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                format!(
                    "the request did not arrive whole within {} ms",
                    limits.request_timeout.as_millis()
                ),
            );
            r.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            r
        }
    }
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The desk and facility a token belongs to: 401 without a known token.
// The error is the response itself, returned at once by a handler; boxing it buys nothing.
#[allow(clippy::result_large_err)]
pub(crate) fn scope_of<'s>(
    state: &'s AppState,
    headers: &HeaderMap,
) -> Result<&'s DeskScope, Response> {
    bearer(headers)
        .and_then(|t| state.tokens.get(t))
        .ok_or_else(|| {
            error(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "unknown or missing desk token",
            )
        })
}

#[allow(clippy::result_large_err)]
pub(crate) fn require_admin(state: &AppState, headers: &HeaderMap) -> Result<(), Response> {
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

pub(crate) fn forbidden(code: &str, message: impl Into<String>) -> Response {
    error(StatusCode::FORBIDDEN, code, message)
}

/// 403 unless the facility in the URL is the token's.
#[allow(clippy::result_large_err)]
pub(crate) fn require_facility(scope: &DeskScope, facility_id: &str) -> Result<(), Response> {
    if scope.facility_id == facility_id {
        Ok(())
    } else {
        Err(forbidden(
            "wrong_facility",
            "this token belongs to a desk of another facility",
        ))
    }
}

/// A pull of a facility's feed: a known token (401) of that facility (403).
#[allow(clippy::result_large_err)]
pub(crate) fn reader_of(
    state: &AppState,
    headers: &HeaderMap,
    facility_id: &str,
) -> Result<(), Response> {
    require_facility(scope_of(state, headers)?, facility_id)
}

/// 403 unless the body's facility and every event's desk and facility are the token's.
#[allow(clippy::result_large_err)]
pub(crate) fn require_scope(
    scope: &DeskScope,
    facility_id: &str,
    events: &[Value],
) -> Result<(), Response> {
    require_facility(scope, facility_id)?;
    for (i, e) in events.iter().enumerate() {
        if e["desk_id"].as_str() != Some(scope.desk_id.as_str()) {
            return Err(forbidden(
                "wrong_desk",
                format!("events[{i}]: desk_id is not this token's desk"),
            ));
        }
        if e["facility_id"].as_str() != Some(scope.facility_id.as_str()) {
            return Err(forbidden(
                "wrong_facility",
                format!("events[{i}]: facility_id is not this token's facility"),
            ));
        }
    }
    Ok(())
}

/// Read a body of at most `MAX_BODY_BYTES`: refused from `Content-Length`
/// before a byte is read, and again while it streams (chunked, or a length that lied).
pub(crate) async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, Response> {
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("request bodies are limited to {MAX_BODY_BYTES} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|e| {
            let over = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            if over {
                too_large()
            } else {
                error(
                    StatusCode::BAD_REQUEST,
                    "malformed_request",
                    "the request body could not be read",
                )
            }
        })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::time::Duration;

    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;
    use crate::faults::FaultSwitch;
    use crate::routes::router;
    use crate::store::{Location, Store};

    async fn app(dir: &tempfile::TempDir) -> axum::Router {
        let scope = DeskScope {
            desk_id: "desk-1".into(),
            facility_id: "pinellas-main".into(),
        };
        let state = AppState {
            store: Store::open(&Location::Sqlite(dir.path().join("e.db")))
                .await
                .unwrap(),
            tokens: HashMap::from([("t".to_owned(), scope)]),
            admin_token: None,
            max_batch: 500,
            page_size: 200,
            faults: FaultSwitch::default(),
        };
        let limits = Limits {
            request_timeout: Duration::from_secs(5),
        };
        router(state, limits)
    }

    #[tokio::test]
    async fn a_body_without_a_length_is_cut_off_at_the_limit_as_it_streams() {
        let dir = tempfile::tempdir().unwrap();
        // No Content-Length header: only the streaming limit can refuse it.
        let request = Request::post("/v1/desks/desk-1/events")
            .header(header::AUTHORIZATION, "Bearer t")
            .body(Body::from(vec![b' '; MAX_BODY_BYTES + 1]))
            .unwrap();
        assert!(request.headers().get(header::CONTENT_LENGTH).is_none());
        let response = app(&dir).await.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        // Exactly at the limit it is read (and found not to be JSON: 400).
        let request = Request::post("/v1/desks/desk-1/events")
            .header(header::AUTHORIZATION, "Bearer t")
            .body(Body::from(vec![b' '; MAX_BODY_BYTES]))
            .unwrap();
        let response = app(&dir).await.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
}
