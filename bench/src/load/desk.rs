//! A simulated booking desk: its own hash chain of events, pushed in
//! batches over its own HTTP connection, and after every push its facility's
//! feed read to the end, as the desk's sync cycle does (push, then pull).
//!
//! Events are copies of what a real desk's outbox holds (a hold booked and
//! released through `Desk`), re-stamped with this desk's ids and `seq` and
//! chained and hashed with `wso_core::events`, so the endpoint verifies every
//! hash and every link exactly as it does for a real desk. Request bodies are
//! built before the clock starts; what is timed is the endpoint's work and
//! the wire.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::{json, Value};
use wso_core::events::{envelope_hash, GENESIS_HASH};

use crate::report::Samples;

/// A page of the feed as large as the protocol serves.
const FEED_PAGE: usize = 500;
/// A desk whose feed has not moved for this long has lost events: the run stops.
const FEED_STALL: Duration = Duration::from_secs(120);

pub struct SimDesk {
    pub desk_id: String,
    pub facility_id: String,
    pub token: String,
    /// Each push: the last `seq` it carries, and its JSON body.
    pushes: Vec<(i64, String)>,
}

impl SimDesk {
    /// Desk `number` (from 1) of `facility_id`, with `events` chained events
    /// cut into pushes of `batch`, cycling through `templates`.
    pub fn new(
        number: usize,
        facility_id: &str,
        events: usize,
        batch: usize,
        templates: &[Value],
    ) -> SimDesk {
        let desk_id = format!("load-desk-{number:02}");
        let mut prev = GENESIS_HASH.to_owned();
        let mut chain = Vec::with_capacity(events);
        for seq in 1..=events as i64 {
            let i = (seq - 1) as usize;
            let mut e = templates[i % templates.len()].clone();
            // Every template run is one hold: its events share the hold's id.
            let hold = i / templates.len();
            e["hold_id"] = json!(format!("{number:08x}-0000-7000-8000-{hold:012x}"));
            e["event_id"] = json!(format!("{number:08x}-0000-7000-9000-{seq:012x}"));
            e["seq"] = json!(seq);
            e["desk_id"] = json!(desk_id);
            e["facility_id"] = json!(facility_id);
            e["prev_hash"] = json!(prev);
            let hash = envelope_hash(&e);
            e["hash"] = json!(hash);
            prev = hash;
            chain.push(e);
        }
        let pushes = chain
            .chunks(batch.max(1))
            .map(|events| {
                let last = events.last().and_then(|e| e["seq"].as_i64()).unwrap_or(0);
                let body = json!({ "facility_id": facility_id, "events": events });
                (last, body.to_string())
            })
            .collect();
        SimDesk {
            desk_id,
            facility_id: facility_id.to_owned(),
            token: format!("load-token-{number:02}"),
            pushes,
        }
    }

    pub fn events(&self) -> usize {
        self.pushes.last().map_or(0, |(last, _)| *last as usize)
    }
}

/// What one desk saw.
#[derive(Default)]
pub struct DeskRun {
    /// One sample per acknowledged push (the request that got the 200).
    pub push: Samples,
    /// One sample per feed page read (empty pages included).
    pub page: Samples,
    pub pushed: usize,
    pub pulled: usize,
    /// Pushes answered with anything but 200, each retried.
    pub push_errors: usize,
    /// When the last push was acknowledged, and when the feed was read to the
    /// facility's last event.
    pub pushed_at: Option<Instant>,
    pub caught_up_at: Option<Instant>,
}

#[derive(Deserialize)]
struct Ack {
    ack_seq: i64,
    rejected: Vec<IgnoredAny>,
}

/// A feed page, read for what the check needs; the rest of each envelope is skipped.
#[derive(Deserialize)]
struct FeedPage {
    events: Vec<FeedEvent>,
    next: String,
}

#[derive(Deserialize)]
struct FeedEvent {
    desk_id: String,
    seq: i64,
}

/// Push every batch, reading the feed to its end after each, then keep
/// reading until every event of the facility (`facility_events`, this
/// desk's own included) has arrived; with `facility_events` None, push only
/// (the comparison that shows what the feed costs the pushes). Every push must be acknowledged in
/// full with nothing rejected, and the feed must give each desk's events
/// once, in `seq` order; anything else is an error, since a figure from an
/// endpoint that lost or reordered events would mean nothing.
pub async fn run(
    desk: SimDesk,
    base: String,
    facility_events: Option<usize>,
) -> Result<DeskRun, String> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("{}: HTTP client: {e}", desk.desk_id))?;
    let auth = format!("Bearer {}", desk.token);
    let mut feed = Feed::new(&desk, &base);
    let mut out = DeskRun::default();
    let push_url = format!("{base}/v1/desks/{}/events", desk.desk_id);
    for (last, body) in &desk.pushes {
        let mut tries: u64 = 0;
        loop {
            let start = Instant::now();
            let sent = http
                .post(&push_url)
                .header(AUTHORIZATION, &auth)
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone())
                .send()
                .await;
            let answer = match sent {
                Ok(r) => (r.status(), r.bytes().await),
                Err(e) => return Err(format!("{}: push: {e}", desk.desk_id)),
            };
            let elapsed = start.elapsed();
            match answer {
                (status, Ok(bytes)) if status.is_success() => {
                    let ack: Ack = serde_json::from_slice(&bytes)
                        .map_err(|e| format!("{}: push answer: {e}", desk.desk_id))?;
                    if ack.ack_seq != *last || !ack.rejected.is_empty() {
                        return Err(format!(
                            "{}: pushed to seq {last}, acknowledged {} with {} rejected",
                            desk.desk_id,
                            ack.ack_seq,
                            ack.rejected.len()
                        ));
                    }
                    out.push.push(elapsed);
                    break;
                }
                (status, bytes) => {
                    // Busy or failing: the desk retries the same batch (the
                    // endpoint deduplicates), counted so the figure shows it.
                    out.push_errors += 1;
                    tries += 1;
                    if tries >= 20 {
                        let text = bytes.map(|b| String::from_utf8_lossy(&b).into_owned());
                        return Err(format!(
                            "{}: push failed 20 times, last {status}: {}",
                            desk.desk_id,
                            text.unwrap_or_default()
                        ));
                    }
                    tokio::time::sleep(Duration::from_millis(100 * tries)).await;
                }
            }
        }
        if facility_events.is_some() {
            feed.read_to_end(&http, &auth, &mut out).await?;
        }
    }
    out.pushed = desk.events();
    out.pushed_at = Some(Instant::now());
    let Some(facility_events) = facility_events else {
        out.caught_up_at = out.pushed_at;
        return Ok(out);
    };
    let mut moved = Instant::now();
    while feed.seen < facility_events {
        let before = feed.seen;
        tokio::time::sleep(Duration::from_millis(20)).await;
        feed.read_to_end(&http, &auth, &mut out).await?;
        if feed.seen > before {
            moved = Instant::now();
        } else if moved.elapsed() > FEED_STALL {
            return Err(format!(
                "{}: the feed stopped at {} of {facility_events} events",
                desk.desk_id, feed.seen
            ));
        }
    }
    if feed.seen != facility_events {
        return Err(format!(
            "{}: the feed gave {} events; the facility has {facility_events}",
            desk.desk_id, feed.seen
        ));
    }
    out.pulled = feed.seen;
    out.caught_up_at = Some(Instant::now());
    Ok(out)
}

/// The desk's place in its facility feed and the last `seq` seen of each desk.
struct Feed {
    url: String,
    desk_id: String,
    cursor: Option<String>,
    last_seq: HashMap<String, i64>,
    seen: usize,
}

impl Feed {
    fn new(desk: &SimDesk, base: &str) -> Feed {
        Feed {
            url: format!("{base}/v1/facilities/{}/events", desk.facility_id),
            desk_id: desk.desk_id.clone(),
            cursor: None,
            last_seq: HashMap::new(),
            seen: 0,
        }
    }

    /// Page until a page comes back empty.
    async fn read_to_end(
        &mut self,
        http: &reqwest::Client,
        auth: &str,
        out: &mut DeskRun,
    ) -> Result<(), String> {
        loop {
            let mut query = vec![("limit", FEED_PAGE.to_string())];
            if let Some(c) = &self.cursor {
                query.push(("after", c.clone()));
            }
            let start = Instant::now();
            let resp = http
                .get(&self.url)
                .header(AUTHORIZATION, auth)
                .query(&query)
                .send()
                .await
                .map_err(|e| format!("{}: feed: {e}", self.desk_id))?;
            let status = resp.status();
            let bytes = resp
                .bytes()
                .await
                .map_err(|e| format!("{}: feed: {e}", self.desk_id))?;
            out.page.push(start.elapsed());
            if !status.is_success() {
                return Err(format!(
                    "{}: feed answered {status}: {}",
                    self.desk_id,
                    String::from_utf8_lossy(&bytes)
                ));
            }
            let page: FeedPage = serde_json::from_slice(&bytes)
                .map_err(|e| format!("{}: feed page: {e}", self.desk_id))?;
            if page.events.is_empty() {
                return Ok(());
            }
            for e in &page.events {
                let last = self.last_seq.entry(e.desk_id.clone()).or_insert(0);
                if e.seq != *last + 1 {
                    return Err(format!(
                        "{}: the feed gave {} seq {} after seq {last}",
                        self.desk_id, e.desk_id, e.seq
                    ));
                }
                *last = e.seq;
            }
            self.seen += page.events.len();
            self.cursor = Some(page.next);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates() -> Vec<Value> {
        let opened = json!({ "type": "hold.opened", "hold_id": "x", "event_id": "x", "seq": 0,
            "desk_id": "x", "facility_id": "x", "occurred_at": "2026-11-27T14:03:00Z",
            "recorded_at": "2026-11-27T14:05:12Z", "recorded_by": "jdoe", "body": { "zone_id": "booking" },
            "prev_hash": "x", "hash": "x" });
        let mut released = opened.clone();
        released["type"] = json!("hold.released");
        vec![opened, released]
    }

    fn pushed(desk: &SimDesk) -> Vec<Value> {
        desk.pushes
            .iter()
            .flat_map(|(_, body)| {
                let body: Value = serde_json::from_str(body).unwrap();
                assert_eq!(body["facility_id"], "load-facility-2");
                body["events"].as_array().unwrap().clone()
            })
            .collect()
    }

    #[test]
    fn a_desk_pushes_one_unbroken_chain_in_batches() {
        let desk = SimDesk::new(3, "load-facility-2", 7, 3, &templates());
        // 7 events in pushes of at most 3: the endpoint acknowledges each to its last seq.
        let lasts: Vec<i64> = desk.pushes.iter().map(|(l, _)| *l).collect();
        assert_eq!(lasts, [3, 6, 7]);
        assert_eq!(desk.events(), 7);
        let events = pushed(&desk);
        let mut prev = GENESIS_HASH.to_owned();
        for (i, e) in events.iter().enumerate() {
            // The endpoint recomputes every hash and link with the same core code.
            assert_eq!(e["seq"], i as i64 + 1);
            assert_eq!(e["prev_hash"], prev.as_str(), "seq {} does not link", i + 1);
            assert_eq!(e["hash"], envelope_hash(e).as_str(), "seq {} hash", i + 1);
            assert_eq!(e["desk_id"], "load-desk-03");
            assert_eq!(e["facility_id"], "load-facility-2");
            prev = e["hash"].as_str().unwrap().to_owned();
        }
        // One hold per template run (booked then released), every event id its own.
        assert_eq!(events[0]["hold_id"], events[1]["hold_id"]);
        assert_ne!(events[1]["hold_id"], events[2]["hold_id"]);
        assert_eq!(events[2]["type"], "hold.opened");
        let mut ids: Vec<&str> = events
            .iter()
            .map(|e| e["event_id"].as_str().unwrap())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 7);
    }

    #[test]
    fn two_desks_never_share_an_event_or_hold_id() {
        let a = pushed(&SimDesk::new(1, "load-facility-2", 4, 4, &templates()));
        let b = pushed(&SimDesk::new(2, "load-facility-2", 4, 4, &templates()));
        for (x, y) in a.iter().zip(&b) {
            assert_ne!(x["event_id"], y["event_id"]);
            assert_ne!(x["hold_id"], y["hold_id"]);
        }
    }
}
