//! The HTTP side of sync, kept thin: build the three requests of the protocol,
//! send them with the protocol's timeouts and the desk's Bearer token, and hand
//! back what came back (status, body, `Retry-After`) or how it failed. What an
//! answer means is decided in `decision`, never here.
//!
//! The endpoint is not trusted with the desk's memory: an answer is read as it
//! streams and refused past [`MAX_ANSWER_BYTES`] (a page of 200 updates needs
//! far less). An agency that runs its own certificate authority names its PEM
//! file (`ca_file`); it is trusted in addition to the public roots.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Client, RequestBuilder, Url};
use serde_json::Value;

use super::decision::Attempt;
use super::SyncError;

/// How to reach the endpoint. Tests shrink the timeouts; the desk uses the defaults.
#[derive(Clone)]
pub struct EndpointConfig {
    pub url: String,
    pub token: String,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// The agency's own CA certificate(s), PEM, trusted besides the public roots.
    pub ca_file: Option<PathBuf>,
}

/// The largest answer the desk reads; anything longer is dropped unread.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

impl EndpointConfig {
    /// The protocol's timeouts: 10 s to connect, 30 s for a whole request.
    pub fn new(url: impl Into<String>, token: impl Into<String>) -> Self {
        EndpointConfig {
            url: url.into(),
            token: token.into(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            ca_file: None,
        }
    }
}

impl std::fmt::Debug for EndpointConfig {
    // The token never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndpointConfig")
            .field("url", &self.url)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("ca_file", &self.ca_file)
            .finish_non_exhaustive()
    }
}

/// What one request came back with, owned.
#[derive(Debug, Clone)]
pub enum Reply {
    Response {
        status: u16,
        body: Vec<u8>,
        retry_after: Option<String>,
    },
    Timeout,
    Unreachable(String),
    /// The answer was longer than [`MAX_ANSWER_BYTES`]; the rest was not read.
    TooLarge,
}

impl Reply {
    pub fn as_attempt(&self) -> Attempt<'_> {
        match self {
            Reply::Response {
                status,
                body,
                retry_after,
            } => Attempt::Response {
                status: *status,
                body,
                retry_after: retry_after.as_deref(),
            },
            Reply::Timeout => Attempt::Timeout,
            Reply::Unreachable(_) => Attempt::Unreachable,
            Reply::TooLarge => Attempt::TooLarge,
        }
    }
}

/// A configured endpoint: base URL checked, client built once (it pools connections).
pub struct Endpoint {
    base: Url,
    http: Client,
}

impl Endpoint {
    pub fn new(config: &EndpointConfig) -> Result<Endpoint, SyncError> {
        let base = check_url(&config.url)?;
        let token = config.token.trim();
        if token.is_empty() {
            return Err(SyncError::Config {
                what: "token".into(),
                why: "the desk token is empty; an administrator must enter it in endpoint settings"
                    .into(),
            });
        }
        let mut auth =
            HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| SyncError::Config {
                what: "token".into(),
                why: "the desk token contains characters that cannot be sent in a header".into(),
            })?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        let mut builder = Client::builder();
        if let Some(path) = &config.ca_file {
            for root in agency_roots(path)? {
                builder = builder.add_root_certificate(root);
            }
        }
        let http = builder
            .default_headers(headers)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            // A redirect could lead to plain http elsewhere; the URL is configured exactly.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("wso-desk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Config {
                what: "endpoint".into(),
                why: format!("the HTTPS client could not start: {e}"),
            })?;
        Ok(Endpoint { base, http })
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// `POST {base}/v1/desks/{desk_id}/events`
    pub async fn push(&self, desk_id: &str, facility_id: &str, events: &[Value]) -> Reply {
        let body = serde_json::json!({ "facility_id": facility_id, "events": events });
        let request = self
            .http
            .post(self.url(&["v1", "desks", desk_id, "events"]))
            .json(&body);
        send(request).await
    }

    /// The same request with the events exactly as stored (`outbox::stored_batch`):
    /// the body is assembled around their text, nothing is re-encoded.
    pub async fn push_stored(
        &self,
        desk_id: &str,
        facility_id: &str,
        batch: &super::outbox::StoredBatch,
    ) -> Reply {
        let request = self
            .http
            .post(self.url(&["v1", "desks", desk_id, "events"]))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(push_body(facility_id, &batch.events_json));
        send(request).await
    }

    /// `GET {base}/v1/facilities/{facility_id}/updates?after={cursor}&limit=N`
    pub async fn pull(&self, facility_id: &str, after: Option<&str>, limit: u32) -> Reply {
        let url = self.page_url(&["v1", "facilities", facility_id, "updates"], after, limit);
        send(self.http.get(url)).await
    }

    /// A paged feed's URL: `?after={cursor}&limit=N` (`after` omitted at first).
    fn page_url(&self, segments: &[&str], after: Option<&str>, limit: u32) -> Url {
        let mut url = self.url(segments);
        {
            let mut query = url.query_pairs_mut();
            if let Some(cursor) = after {
                query.append_pair("after", cursor);
            }
            query.append_pair("limit", &limit.to_string());
        }
        url
    }

    /// `GET {base}/v1/facilities/{facility_id}/events?after={cursor}&limit=N` (v1.1)
    pub async fn facility_events(
        &self,
        facility_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Reply {
        let url = self.page_url(&["v1", "facilities", facility_id, "events"], after, limit);
        send(self.http.get(url)).await
    }

    /// `GET {base}/v1/health`: the connectivity probe.
    pub async fn health(&self) -> Reply {
        send(self.http.get(self.url(&["v1", "health"]))).await
    }
}

/// `{"facility_id":"...","events":[...]}` around an events array already in JSON.
pub fn push_body(facility_id: &str, events_json: &str) -> String {
    let id = Value::String(facility_id.to_owned()).to_string();
    let mut body = String::with_capacity(events_json.len() + id.len() + 32);
    body.push_str("{\"facility_id\":");
    body.push_str(&id);
    body.push_str(",\"events\":");
    body.push_str(events_json);
    body.push('}');
    body
}

/// The agency CA file's certificates, each to be trusted as a root.
fn agency_roots(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, SyncError> {
    let bad = |why: String| SyncError::Config {
        what: "ca_file".into(),
        why: format!("{}: {why}", path.display()),
    };
    let pem = std::fs::read(path).map_err(|e| bad(format!("cannot be read ({e})")))?;
    let roots = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| bad(format!("is not a PEM certificate file ({e})")))?;
    if roots.is_empty() {
        return Err(bad("holds no PEM certificate".into()));
    }
    Ok(roots)
}

async fn send(request: RequestBuilder) -> Reply {
    let mut response = match request.send().await {
        Ok(r) => r,
        Err(e) => return failure(e),
    };
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(64).collect());
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
    {
        return Reply::TooLarge;
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                    return Reply::TooLarge;
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            // Headers came but the body did not: for a 200 that is a lost acknowledgement.
            Err(e) => return failure(e),
        }
    }
    Reply::Response {
        status,
        body,
        retry_after,
    }
}

fn failure(e: reqwest::Error) -> Reply {
    if e.is_timeout() {
        Reply::Timeout
    } else {
        // Without the URL: it may carry the cursor, and the log needs only the kind.
        Reply::Unreachable(e.without_url().to_string())
    }
}

/// HTTPS only, except loopback (127.0.0.0/8, `localhost`, `[::1]`) for tests and demos.
pub fn check_url(text: &str) -> Result<Url, SyncError> {
    let bad = |why: &str| SyncError::Config {
        what: "endpoint".into(),
        why: format!("'{}' {why}", text.chars().take(200).collect::<String>()),
    };
    let url = Url::parse(text.trim())
        .map_err(|_| bad("is not a URL such as https://endpoint.example/wso"))?;
    if url.username() != "" || url.password().is_some() {
        return Err(bad(
            "must not carry a user name or password; the desk token is sent separately",
        ));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(bad("uses plain http; the endpoint must use https (plain http is allowed only for 127.0.0.1, localhost and [::1])")),
        _ => Err(bad("must start with https://")),
    }
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_plain_http_only_on_loopback() {
        for ok in [
            "https://endpoint.example/wso",
            "http://127.0.0.1:8080",
            "http://127.9.9.9/x",
            "http://localhost:1/",
            "http://[::1]:9/",
        ] {
            assert!(check_url(ok).is_ok(), "{ok} must be accepted");
        }
        // 10.x, a public name and a look-alike host could all be intercepted on the way.
        for bad in [
            "http://10.0.0.1/wso",
            "http://endpoint.example/wso",
            "http://localhost.evil.example/",
            "ftp://127.0.0.1/",
            "not a url",
            "https://u:p@endpoint.example/",
        ] {
            assert!(check_url(bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn paths_keep_the_base_path() {
        let e = Endpoint::new(&EndpointConfig::new("https://endpoint.example/wso", "t")).unwrap();
        assert_eq!(
            e.url(&["v1", "health"]).as_str(),
            "https://endpoint.example/wso/v1/health"
        );
        let e = Endpoint::new(&EndpointConfig::new("https://endpoint.example/wso/", "t")).unwrap();
        assert_eq!(
            e.url(&["v1", "desks", "d 1", "events"]).as_str(),
            "https://endpoint.example/wso/v1/desks/d%201/events"
        );
    }

    #[test]
    fn a_stored_push_body_is_the_same_json_as_the_built_one() {
        let events = [
            serde_json::json!({"seq": 1, "hash": "ab", "body": {"note": "a \"quoted\" é"}}),
            serde_json::json!({"seq": 2, "hash": "cd"}),
        ];
        let stored = format!(
            "[{}]",
            events
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(",")
        );
        let body = push_body("pinellas \"main\"", &stored);
        let built = serde_json::json!({ "facility_id": "pinellas \"main\"", "events": events });
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), built);
        // The events' text is carried byte for byte.
        assert!(body.contains(&stored), "{body}");
    }

    #[test]
    fn an_empty_token_is_a_settings_problem() {
        assert!(matches!(
            Endpoint::new(&EndpointConfig::new("https://e.example", " ")),
            Err(SyncError::Config { .. })
        ));
    }
}
