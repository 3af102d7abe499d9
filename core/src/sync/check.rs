//! "Test connection" for the endpoint settings screen: is the endpoint there
//! (`GET /v1/health`), does it accept this desk's token (an empty push, which
//! the protocol defines as a probe returning the acknowledgement state), and
//! how far apart are the clocks. Sends no event and writes nothing.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::client::{Endpoint, EndpointConfig, Reply};
use super::decision::{refusal, SKEW_WARN_SECONDS};
use super::problem::Transient;
use super::SyncError;
use crate::time::parse_instant;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConnectionCheck {
    pub reachable: bool,
    pub credentials_accepted: bool,
    /// What the endpoint holds of this desk (`ack_seq` of the probe).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub acked_seq: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub clock_skew_seconds: Option<i64>,
    pub clock_skew_warning: bool,
    /// One sentence for the settings screen.
    pub message: String,
}

pub async fn test_connection(
    config: &EndpointConfig,
    desk_id: &str,
    facility_id: &str,
    now: DateTime<Utc>,
) -> Result<ConnectionCheck, SyncError> {
    let endpoint = Endpoint::new(config)?;
    let mut check = ConnectionCheck {
        reachable: false,
        credentials_accepted: false,
        acked_seq: None,
        clock_skew_seconds: None,
        clock_skew_warning: false,
        message: String::new(),
    };
    match endpoint.health().await {
        Reply::Response { status: 200, .. } => check.reachable = true,
        Reply::Response { status, .. } => {
            check.message =
                format!("the endpoint answered HTTP {status} to its health check; check the URL");
            return Ok(check);
        }
        Reply::Timeout => {
            check.message =
                "the endpoint did not answer in time; check the URL and the network".into();
            return Ok(check);
        }
        Reply::Unreachable(why) => {
            check.message =
                format!("the endpoint could not be reached ({why}); check the URL and the network");
            return Ok(check);
        }
        Reply::TooLarge => {
            check.message = Transient::AnswerTooLarge.message();
            return Ok(check);
        }
    }
    match endpoint.push(desk_id, facility_id, &[]).await {
        Reply::Response {
            status: 200, body, ..
        } => {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            check.credentials_accepted = true;
            check.acked_seq = v["ack_seq"].as_i64();
            check.clock_skew_seconds = v["server_time"]
                .as_str()
                .and_then(|t| parse_instant("server_time", t).ok())
                .map(|server| (server - now).num_seconds());
            check.clock_skew_warning = check
                .clock_skew_seconds
                .is_some_and(|s| s.abs() > SKEW_WARN_SECONDS);
            check.message = match check.clock_skew_seconds {
                Some(s) if check.clock_skew_warning => {
                    format!(
                        "connected; but this computer's clock differs from the endpoint's by {s} s"
                    )
                }
                _ => "connected; the endpoint accepts this desk's token".into(),
            };
        }
        Reply::Response { status, body, .. } => check.message = refusal(status, &body).message(),
        Reply::Timeout => {
            check.message = "the endpoint did not answer the token check in time".into()
        }
        Reply::Unreachable(why) => {
            check.message = format!("the connection broke during the token check ({why})")
        }
        Reply::TooLarge => check.message = Transient::AnswerTooLarge.message(),
    }
    Ok(check)
}
