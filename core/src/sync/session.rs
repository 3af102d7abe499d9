//! One sync exchange against one endpoint: push the outbox in batches until
//! the endpoint holds everything (or an answer says wait or stop), then pull
//! ICE updates until an empty page. `run_until_empty` repeats exchanges with
//! the protocol's backoff until both are done or `max_wait` runs out.
//!
//! Each answer is recorded before the next request, so a desk killed at any
//! point resumes from what the endpoint acknowledged: nothing lost, nothing
//! counted twice (the endpoint deduplicates what is resent).

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::client::{Endpoint, Reply};
use super::decision::{check_anchor, decide_failure, decide_push, BackoffPolicy, Next, PushState};
use super::facility;
use super::outbox::{self, Failure};
use super::problem::{Problem, Transient};
use super::pull::{self, PAGE_LIMIT};
use super::{Clock, Jitter, SyncError};
use crate::Desk;

/// Clock, randomness and backoff for a session; tests pass their own.
#[derive(Clone)]
pub struct SyncEnv {
    pub clock: Arc<dyn Clock>,
    pub jitter: Arc<dyn Jitter>,
    pub backoff: BackoffPolicy,
}

impl Default for SyncEnv {
    fn default() -> Self {
        SyncEnv {
            clock: Arc::new(super::SystemClock),
            jitter: Arc::new(super::RandomJitter),
            backoff: BackoffPolicy::default(),
        }
    }
}

/// What an exchange achieved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RoundReport {
    /// Requests that carried events.
    pub batches_sent: u32,
    /// ICE updates new to this desk, applied.
    pub updates_applied: usize,
    /// This session read its most pages ([`MAX_PAGES_PER_SESSION`]); the rest
    /// of the updates wait for the next sync.
    pub pages_capped: bool,
    /// Other desks' events of this facility new to this desk, applied.
    pub facility_events_applied: usize,
    /// Other desks' events that stopped their desk (shown, not applied).
    pub facility_events_stopped: usize,
}

impl std::ops::AddAssign for RoundReport {
    fn add_assign(&mut self, other: Self) {
        self.batches_sent += other.batches_sent;
        self.updates_applied += other.updates_applied;
        self.pages_capped |= other.pages_capped;
        self.facility_events_applied += other.facility_events_applied;
        self.facility_events_stopped += other.facility_events_stopped;
    }
}

/// Most update pages one session reads (one `wsoctl sync`, one tick of the
/// app's loop): an endpoint cannot keep a desk pulling, and filling its disk,
/// for ever. 100 pages of 200 is far more than a facility's updates in a day.
pub const MAX_PAGES_PER_SESSION: u32 = 100;

/// Most facility feed pages one session reads: 400 pages of 500 events is
/// more than a desk that was down for a day needs to catch up.
pub const MAX_FACILITY_PAGES_PER_SESSION: u32 = 400;

#[derive(Debug, Clone, PartialEq)]
pub enum RoundEnd {
    /// Outbox fully acknowledged and the last update page was empty.
    Complete,
    Retry {
        wait: Duration,
        why: Transient,
    },
    Stopped(Problem),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub end: RoundEnd,
    pub report: RoundReport,
}

pub struct Session<'a> {
    desk: &'a mut Desk,
    endpoint: &'a Endpoint,
    env: SyncEnv,
    /// Failed requests in a row: drives the backoff.
    attempt: u32,
    /// Update pages read so far (at most `MAX_PAGES_PER_SESSION`).
    pages: u32,
    /// Facility feed pages read so far (at most `MAX_FACILITY_PAGES_PER_SESSION`).
    facility_pages: u32,
}

impl<'a> Session<'a> {
    pub fn new(desk: &'a mut Desk, endpoint: &'a Endpoint, env: SyncEnv) -> Self {
        Session {
            desk,
            endpoint,
            env,
            attempt: 0,
            pages: 0,
            facility_pages: 0,
        }
    }

    /// Push then pull once. Pulling still runs when pushing is stopped (a 409
    /// must not hide ICE's "release now"), but not when the endpoint is unreachable.
    pub async fn sync_once(&mut self) -> Result<Round, SyncError> {
        self.exchange(true).await
    }

    /// Pull only: for a desk whose pushing is stopped until a person acts.
    pub async fn pull_only(&mut self) -> Result<Round, SyncError> {
        self.exchange(false).await
    }

    async fn exchange(&mut self, push: bool) -> Result<Round, SyncError> {
        let mut report = RoundReport::default();
        let pushed = if push {
            self.push(&mut report).await?
        } else {
            RoundEnd::Complete
        };
        let unreachable = matches!(
            pushed,
            RoundEnd::Retry {
                why: Transient::Unreachable | Transient::Timeout,
                ..
            }
        );
        let pulled = if unreachable {
            RoundEnd::Complete
        } else {
            match self.pull(&mut report).await? {
                // The other desks' events after ICE's updates: a receipt
                // another desk wrote names an update this desk has by then.
                RoundEnd::Complete => self.pull_facility(&mut report).await?,
                other => other,
            }
        };
        // Applying updates wrote receipt events: deliver them in the same exchange.
        let pushed = match pushed {
            RoundEnd::Complete if push && report.updates_applied > 0 => {
                self.push(&mut report).await?
            }
            other => other,
        };
        let end = match (pushed, pulled) {
            (RoundEnd::Stopped(p), _) | (_, RoundEnd::Stopped(p)) => RoundEnd::Stopped(p),
            (RoundEnd::Retry { wait: a, why }, RoundEnd::Retry { wait: b, .. }) => {
                RoundEnd::Retry {
                    wait: a.max(b),
                    why,
                }
            }
            (r @ RoundEnd::Retry { .. }, _) | (_, r @ RoundEnd::Retry { .. }) => r,
            (RoundEnd::Complete, RoundEnd::Complete) => RoundEnd::Complete,
        };
        Ok(Round { end, report })
    }

    /// Repeat exchanges until everything is delivered and pulled. Gives up as
    /// soon as the next retry could not start within `max_wait`.
    pub async fn run_until_empty(&mut self, max_wait: Duration) -> Result<RoundReport, SyncError> {
        let started = tokio::time::Instant::now();
        let mut total = RoundReport::default();
        loop {
            let round = self.sync_once().await?;
            total += round.report;
            match round.end {
                RoundEnd::Complete => return Ok(total),
                RoundEnd::Stopped(problem) => {
                    let waiting = outbox::state(self.desk.conn())?.waiting();
                    return Err(SyncError::Stopped { problem, waiting });
                }
                RoundEnd::Retry { wait, why } => {
                    if started.elapsed().saturating_add(wait) > max_wait {
                        let waiting = outbox::state(self.desk.conn())?.waiting();
                        return Err(SyncError::GaveUp {
                            why,
                            waited_seconds: started.elapsed().as_secs(),
                            waiting,
                        });
                    }
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    async fn push(&mut self, report: &mut RoundReport) -> Result<RoundEnd, SyncError> {
        let desk_id = self.desk.desk_id().to_owned();
        let facility_id = self.desk.facility().id.clone();
        loop {
            let state = outbox::state(self.desk.conn())?;
            if state.waiting() == 0 {
                return Ok(RoundEnd::Complete);
            }
            let events = outbox::stored_batch(self.desk.conn(), state.acked_seq, state.batch_size)?;
            let reply = self
                .endpoint
                .push_stored(&desk_id, &facility_id, &events)
                .await;
            report.batches_sent += 1;
            let now = self.env.clock.now();
            let push_state = PushState {
                acked_seq: state.acked_seq,
                last_seq: state.last_seq,
                batch_len: events.len,
                attempt: self.attempt,
            };
            let decision = decide_push(
                push_state,
                reply.as_attempt(),
                now,
                self.env.backoff,
                self.env.jitter.sample(),
            );
            let decision = match decision.ack_seq {
                Some(seq) if seq > 0 && decision.ack_hash.is_some() => {
                    let own = outbox::hash_at(self.desk.conn(), seq)?;
                    check_anchor(decision, own.as_deref())
                }
                _ => decision,
            };
            if let (Reply::Unreachable(why), Next::Retry { .. }) = (&reply, &decision.next) {
                tracing::info!(reason = %why, "endpoint unreachable");
            }
            outbox::record_push(self.desk.conn_mut(), &decision, now)?;
            match decision.next {
                // Done looks at the outbox again: recording the acknowledgement
                // may itself write events (a late notice's incident).
                Next::Done | Next::Continue | Next::Shrink { .. } => self.attempt = 0,
                Next::Retry { wait, why } => {
                    self.attempt = self.attempt.saturating_add(1);
                    return Ok(RoundEnd::Retry { wait, why });
                }
                Next::Stop(problem) => return Ok(RoundEnd::Stopped(problem)),
            }
        }
    }

    async fn pull(&mut self, report: &mut RoundReport) -> Result<RoundEnd, SyncError> {
        let desk_id = self.desk.desk_id().to_owned();
        let facility_id = self.desk.facility().id.clone();
        loop {
            if self.pages >= MAX_PAGES_PER_SESSION {
                report.pages_capped = true;
                return Ok(RoundEnd::Complete);
            }
            self.pages += 1;
            let cursor = pull::cursor(self.desk.conn())?;
            let reply = self
                .endpoint
                .pull(&facility_id, cursor.as_deref(), PAGE_LIMIT)
                .await;
            let now = self.env.clock.now();
            let body = match &reply {
                Reply::Response {
                    status: 200, body, ..
                } => body,
                other => return self.page_failed(other, now),
            };
            let page = match pull::parse_page(body) {
                Ok(page) => page,
                Err(problem) => return self.stopped(problem, now),
            };
            if page.updates.is_empty() {
                // Only an empty page ends the pull; a short one does not.
                pull::apply_page(self.desk.conn_mut(), &desk_id, &facility_id, &page, now)?;
                self.attempt = 0;
                return Ok(RoundEnd::Complete);
            }
            if page.next.as_deref() == cursor.as_deref() {
                let problem = Problem::MalformedUpdates {
                    detail: "a page of updates did not move the cursor".into(),
                };
                return self.stopped(problem, now);
            }
            report.updates_applied +=
                pull::apply_page(self.desk.conn_mut(), &desk_id, &facility_id, &page, now)?;
            self.attempt = 0;
        }
    }

    /// Read the facility feed to an empty page, applying each page.
    async fn pull_facility(&mut self, report: &mut RoundReport) -> Result<RoundEnd, SyncError> {
        let desk_id = self.desk.desk_id().to_owned();
        let facility_id = self.desk.facility().id.clone();
        loop {
            if self.facility_pages >= MAX_FACILITY_PAGES_PER_SESSION {
                report.pages_capped = true;
                return Ok(RoundEnd::Complete);
            }
            self.facility_pages += 1;
            let cursor = facility::cursor(self.desk.conn())?;
            let reply = self
                .endpoint
                .facility_events(&facility_id, cursor.as_deref(), facility::PAGE_LIMIT)
                .await;
            let now = self.env.clock.now();
            let body = match &reply {
                Reply::Response {
                    status: 200, body, ..
                } => body,
                // An endpoint of protocol v1 has no facility feed: this desk
                // then works as the only desk, as before.
                Reply::Response { status: 404, .. } => return Ok(RoundEnd::Complete),
                other => return self.page_failed(other, now),
            };
            let page = match facility::parse_page(body) {
                Ok(page) => page,
                Err(problem) => return self.stopped(problem, now),
            };
            if !page.events.is_empty() && page.next.as_deref() == cursor.as_deref() {
                let problem = Problem::MalformedUpdates {
                    detail: "a page of the facility feed did not move the cursor".into(),
                };
                return self.stopped(problem, now);
            }
            let applied =
                facility::apply_page(self.desk.conn_mut(), &desk_id, &facility_id, &page, now)?;
            report.facility_events_applied += applied.applied;
            report.facility_events_stopped += applied.stopped;
            self.attempt = 0;
            if page.events.is_empty() {
                return Ok(RoundEnd::Complete);
            }
        }
    }

    /// A page request that did not answer 200: retry after the backoff, or stop.
    fn page_failed(
        &mut self,
        reply: &Reply,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<RoundEnd, SyncError> {
        let backoff = self
            .env
            .backoff
            .delay(self.attempt, self.env.jitter.sample());
        self.pull_failed(decide_failure(reply.as_attempt(), now, backoff), now)
    }

    /// Pulling stops until a person acts: the problem is recorded to show.
    fn stopped(
        &self,
        problem: Problem,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<RoundEnd, SyncError> {
        outbox::record_failure(self.desk.conn(), Some(Failure::Problem(&problem)), now)?;
        Ok(RoundEnd::Stopped(problem))
    }

    fn pull_failed(
        &mut self,
        next: Next,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<RoundEnd, SyncError> {
        match next {
            Next::Retry { wait, why } => {
                self.attempt = self.attempt.saturating_add(1);
                outbox::record_failure(self.desk.conn(), Some(Failure::Transient(why)), now)?;
                Ok(RoundEnd::Retry { wait, why })
            }
            Next::Stop(problem) => {
                outbox::record_failure(self.desk.conn(), Some(Failure::Problem(&problem)), now)?;
                Ok(RoundEnd::Stopped(problem))
            }
            // decide_failure never says done; treat it as a retry to stay safe.
            _ => Ok(RoundEnd::Retry {
                wait: self.env.backoff.cap,
                why: Transient::BadResponse,
            }),
        }
    }
}
