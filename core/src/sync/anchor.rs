//! This desk's history compared with the copy ICE holds (sync-protocol.md
//! v1.1, "Anchoring the chain at the endpoint"). Local hash chains catch a
//! naive edit, but an insider with the key can rewrite them and recompute
//! every hash; the endpoint's stored chain is the copy they cannot reach.
//!
//! `audit verify --endpoint` asks with an empty push (a probe: it stores
//! nothing) for `ack_seq` and `ack_hash`, the endpoint's hash of this desk's
//! event at `ack_seq`. The hash commits to every event before it, so equal
//! hashes mean equal histories up to there. When they differ, the facility's
//! events feed names the first seq whose hash differs.

use serde::Serialize;
use serde_json::Value;

use super::client::{Endpoint, Reply};
use super::decision::{decide_failure, Next};
use super::outbox;
use super::SyncError;
use crate::Desk;

/// Events asked for per page of the feed while looking for the difference.
const FEED_PAGE: u32 = 500;

/// What the comparison found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anchor {
    /// Events of this desk the endpoint holds (1..=ack_seq).
    pub ack_seq: i64,
    /// The endpoint's hash of event `ack_seq` (None at 0).
    pub endpoint_hash: Option<String>,
    /// This desk's own hash of event `ack_seq` (None when it has no such event).
    pub own_hash: Option<String>,
    /// The first seq whose hash differs, when the histories differ and the
    /// endpoint serves the events feed; otherwise the difference is at or
    /// before `ack_seq`.
    pub first_difference: Option<i64>,
}

impl Anchor {
    pub fn matches(&self) -> bool {
        self.ack_seq == 0 || (self.endpoint_hash.is_some() && self.endpoint_hash == self.own_hash)
    }

    /// One sentence for a supervisor, naming the first differing seq.
    pub fn describe(&self) -> String {
        if self.matches() {
            return format!(
                "the endpoint's copy of this desk's events 1..{} matches this desk's",
                self.ack_seq
            );
        }
        match self.first_difference {
            Some(seq) => format!(
                "event chain differs from the endpoint's copy from seq {seq} on: this desk's history is not what ICE stored (restored or rewritten)"
            ),
            None => format!(
                "event chain differs from the endpoint's copy at or before seq {}: this desk's history is not what ICE stored (restored or rewritten)",
                self.ack_seq
            ),
        }
    }
}

/// Ask the endpoint for its anchor and compare it with this desk's chain.
pub async fn compare(
    desk: &Desk,
    endpoint: &Endpoint,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Anchor, SyncError> {
    let desk_id = desk.desk_id().to_owned();
    let facility_id = desk.facility().id.clone();
    let reply = endpoint.push(&desk_id, &facility_id, &[]).await;
    let body = match &reply {
        Reply::Response {
            status: 200, body, ..
        } => body,
        other => {
            return Err(failed(
                desk,
                decide_failure(other.as_attempt(), now, std::time::Duration::ZERO),
            )?)
        }
    };
    let answer: Value = serde_json::from_slice(body).unwrap_or_default();
    let Some(ack_seq) = answer["ack_seq"].as_i64().filter(|s| *s >= 0) else {
        return Err(SyncError::Config {
            what: "endpoint".into(),
            why: "the endpoint's answer to the probe has no ack_seq".into(),
        });
    };
    let endpoint_hash = answer["ack_hash"].as_str().map(str::to_owned);
    if ack_seq > 0 && endpoint_hash.is_none() {
        return Err(SyncError::Config {
            what: "endpoint".into(),
            why: "the endpoint does not anchor chains (no ack_hash in its answer: a v1 endpoint); nothing to compare with".into(),
        });
    }
    let own_hash = if ack_seq > 0 {
        outbox::hash_at(desk.conn(), ack_seq)?
    } else {
        None
    };
    let mut anchor = Anchor {
        ack_seq,
        endpoint_hash,
        own_hash,
        first_difference: None,
    };
    if !anchor.matches() {
        anchor.first_difference =
            first_difference(desk, endpoint, &desk_id, &facility_id, ack_seq).await?;
    }
    Ok(anchor)
}

fn failed(desk: &Desk, next: Next) -> Result<SyncError, SyncError> {
    let waiting = outbox::state(desk.conn())?.waiting();
    Ok(match next {
        Next::Stop(problem) => SyncError::Stopped { problem, waiting },
        Next::Retry { why, .. } => SyncError::GaveUp {
            why,
            waited_seconds: 0,
            waiting,
        },
        _ => SyncError::Config {
            what: "endpoint".into(),
            why: "unexpected answer to the probe".into(),
        },
    })
}

/// Walk the facility's events feed for this desk's events up to `ack_seq`
/// and name the first whose hash is not this desk's. None when the endpoint
/// has no feed (a v1.1 endpoint without several-desk support).
async fn first_difference(
    desk: &Desk,
    endpoint: &Endpoint,
    desk_id: &str,
    facility_id: &str,
    ack_seq: i64,
) -> Result<Option<i64>, SyncError> {
    let mut cursor: Option<String> = None;
    loop {
        let reply = endpoint
            .facility_events(facility_id, cursor.as_deref(), FEED_PAGE)
            .await;
        let Reply::Response {
            status: 200, body, ..
        } = reply
        else {
            return Ok(None);
        };
        let page: Value = serde_json::from_slice(&body).unwrap_or_default();
        let events = page["events"].as_array().cloned().unwrap_or_default();
        if events.is_empty() {
            return Ok(None);
        }
        for e in events
            .iter()
            .filter(|e| e["desk_id"].as_str() == Some(desk_id))
        {
            let Some(seq) = e["seq"].as_i64().filter(|s| *s <= ack_seq) else {
                continue;
            };
            let own = outbox::hash_at(desk.conn(), seq)?;
            if own.as_deref() != e["hash"].as_str() {
                return Ok(Some(seq));
            }
        }
        let next = page["next"].as_str().map(str::to_owned);
        if next.is_none() || next == cursor {
            return Ok(None);
        }
        cursor = next;
    }
}
