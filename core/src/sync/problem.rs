//! What can go wrong with sync, as the desk shows it: a stable `code` the UI
//! and the CLI switch on, a sentence saying what happened and one saying what
//! to do. `Problem`s need a person (a supervisor or IT); `Transient`s are
//! retried with backoff and only shown as "not reachable" / "waiting".

use serde::{Deserialize, Serialize};

/// A problem that needs a person. Pushing stops on most of them (see
/// [`Problem::stops_push`]); the events stay in the outbox either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// 400: the endpoint could not read what the desk sent. A bug, not a retry case.
    MalformedRequest { detail: String },
    /// 401/403: the desk token was refused.
    CredentialsRefused { status: u16 },
    /// 409: the endpoint holds one of this desk's `seq` with another event.
    SeqConflict { detail: String },
    /// The endpoint acknowledged more events than this desk ever wrote.
    AckAhead { ack_seq: i64, last_seq: i64 },
    /// The endpoint's hash of this desk's event `seq` (`ack_hash`) is not the
    /// desk's own: its history was restored or rewritten since ICE stored it.
    ChainDiverged { seq: i64 },
    /// 413 for a single event.
    EventTooLarge { seq: i64 },
    /// A status the protocol does not name (404: a wrong URL, 3xx: a redirect).
    UnexpectedStatus { status: u16, detail: String },
    /// The endpoint acknowledged less than before: it lost data. The desk resends.
    EndpointLostData { ack_seq: i64, previously_acked: i64 },
    /// The endpoint's clock and the desk's differ by more than 120 s.
    ClockSkew { seconds: i64 },
    /// An ICE update page the desk cannot store (no `update_id`, not JSON).
    MalformedUpdates { detail: String },
}

impl Problem {
    pub fn code(&self) -> &'static str {
        match self {
            Problem::MalformedRequest { .. } => "malformed_request",
            Problem::CredentialsRefused { .. } => "credentials_refused",
            Problem::SeqConflict { .. } => "seq_conflict",
            Problem::AckAhead { .. } => "ack_ahead",
            Problem::ChainDiverged { .. } => "chain_diverged",
            Problem::EventTooLarge { .. } => "event_too_large",
            Problem::UnexpectedStatus { .. } => "unexpected_status",
            Problem::EndpointLostData { .. } => "endpoint_lost_data",
            Problem::ClockSkew { .. } => "clock_skew",
            Problem::MalformedUpdates { .. } => "malformed_updates",
        }
    }

    /// Warnings are shown but pushing goes on.
    pub fn stops_push(&self) -> bool {
        !matches!(
            self,
            Problem::EndpointLostData { .. }
                | Problem::ClockSkew { .. }
                | Problem::MalformedUpdates { .. }
        )
    }

    /// What happened, in one sentence (no personal data: only seq and codes).
    pub fn message(&self) -> String {
        match self {
            Problem::MalformedRequest { detail } => format!("the endpoint could not read the events this desk sent (HTTP 400: {detail})"),
            Problem::CredentialsRefused { status } => format!("endpoint refused this desk's credentials (HTTP {status})"),
            Problem::SeqConflict { detail } => format!("the endpoint already holds one of this desk's event numbers with a different event (HTTP 409: {detail})"),
            Problem::AckAhead { ack_seq, last_seq } => format!("the endpoint acknowledged events up to {ack_seq}, but this desk has only written {last_seq}"),
            Problem::ChainDiverged { seq } => format!("the endpoint holds this desk's event {seq} with a different hash: this desk's history is not what ICE stored"),
            Problem::EventTooLarge { seq } => format!("the endpoint refused event {seq} as too large even on its own (HTTP 413)"),
            Problem::UnexpectedStatus { status, detail } => format!("the endpoint answered HTTP {status}, which the sync protocol does not allow ({detail})"),
            Problem::EndpointLostData { ack_seq, previously_acked } => format!("the endpoint now acknowledges events only up to {ack_seq} after acknowledging up to {previously_acked}: it lost data; this desk is resending from {}", ack_seq + 1),
            Problem::ClockSkew { seconds } => format!("this desk's clock differs from the endpoint's by {seconds} s (more than 120 s)"),
            Problem::MalformedUpdates { detail } => format!("the endpoint sent ICE updates this desk cannot read ({detail})"),
        }
    }

    /// What a person should do about it.
    pub fn action(&self) -> &'static str {
        match self {
            Problem::MalformedRequest { .. } | Problem::EventTooLarge { .. } => "report this to IT with the desk's sync log; events are kept and nothing is resent until it is fixed",
            Problem::CredentialsRefused { .. } => "an administrator must check the desk token in endpoint settings; the desk retries after a settings change or every 15 minutes",
            Problem::SeqConflict { .. } | Problem::AckAhead { .. } | Problem::ChainDiverged { .. } => "a supervisor must contact ICE and IT: this desk may have been restored from an old backup or its records rewritten; events are never renumbered silently and none is lost",
            Problem::UnexpectedStatus { .. } => "an administrator must check the endpoint URL in endpoint settings",
            Problem::EndpointLostData { .. } => "a supervisor should tell ICE that its endpoint lost events; the desk resends them itself",
            Problem::ClockSkew { .. } => "IT should check the time settings of this computer (or the endpoint's)",
            Problem::MalformedUpdates { .. } => "report this to ICE and IT; other updates keep arriving",
        }
    }

    /// Rebuild a stored problem for display from its code and message.
    pub fn view(code: &str, message: &str) -> ProblemView {
        ProblemView {
            code: code.to_owned(),
            message: message.to_owned(),
            action: action_for_code(code).to_owned(),
        }
    }

    pub fn to_view(&self) -> ProblemView {
        ProblemView {
            code: self.code().to_owned(),
            message: self.message(),
            action: self.action().to_owned(),
        }
    }
}

fn action_for_code(code: &str) -> &'static str {
    let sample = match code {
        "malformed_request" => Problem::MalformedRequest {
            detail: String::new(),
        },
        "credentials_refused" => Problem::CredentialsRefused { status: 401 },
        "seq_conflict" => Problem::SeqConflict {
            detail: String::new(),
        },
        "ack_ahead" => Problem::AckAhead {
            ack_seq: 0,
            last_seq: 0,
        },
        "chain_diverged" => Problem::ChainDiverged { seq: 0 },
        "event_too_large" => Problem::EventTooLarge { seq: 0 },
        "endpoint_lost_data" => Problem::EndpointLostData {
            ack_seq: 0,
            previously_acked: 0,
        },
        "clock_skew" => Problem::ClockSkew { seconds: 0 },
        "malformed_updates" => Problem::MalformedUpdates {
            detail: String::new(),
        },
        _ => Problem::UnexpectedStatus {
            status: 0,
            detail: String::new(),
        },
    };
    sample.action()
}

/// A problem as the UI and `--json` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProblemView {
    pub code: String,
    pub message: String,
    pub action: String,
}

/// Why a request will simply be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transient {
    Unreachable,
    Timeout,
    /// 429 / 503.
    Busy {
        status: u16,
    },
    /// Any other 5xx.
    ServerError {
        status: u16,
    },
    /// A 200 without a readable body: never taken as delivery.
    BadResponse,
    /// A 200 that acknowledged nothing of the batch.
    NoProgress,
    /// An answer over the desk's size limit, dropped unread.
    AnswerTooLarge,
}

impl Transient {
    pub fn code(&self) -> &'static str {
        match self {
            Transient::Unreachable => "unreachable",
            Transient::Timeout => "timeout",
            Transient::Busy { .. } => "busy",
            Transient::ServerError { .. } => "server_error",
            Transient::BadResponse => "bad_response",
            Transient::NoProgress => "no_progress",
            Transient::AnswerTooLarge => "answer_too_large",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Transient::Unreachable => "the endpoint could not be reached".into(),
            Transient::Timeout => "the endpoint did not answer in time".into(),
            Transient::Busy { status } => format!("the endpoint is busy (HTTP {status})"),
            Transient::ServerError { status } => format!("the endpoint failed (HTTP {status})"),
            Transient::BadResponse => "the endpoint's answer could not be read".into(),
            Transient::NoProgress => "the endpoint stored none of the events sent".into(),
            Transient::AnswerTooLarge => format!(
                "the endpoint's answer was larger than {} MiB and was not read",
                super::client::MAX_ANSWER_BYTES / (1024 * 1024)
            ),
        }
    }

    /// Whether the endpoint answered at all (for "reachable" on screen).
    pub fn reached(&self) -> bool {
        !matches!(self, Transient::Unreachable | Transient::Timeout)
    }
}

/// An event the endpoint stored but judged invalid (it is not resent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rejection {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    pub event_id: String,
    pub code: String,
    #[serde(default)]
    pub message: String,
}
