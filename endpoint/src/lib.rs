//! The reference ICE endpoint: the sync contract (sync-protocol.md) served
//! with axum over its own SQLite file, for demos and for the desk's tests.
//! It verifies each desk's hash chain with `wso_core::events` (never a second
//! implementation), deduplicates by `(desk_id, seq)` and `event_id`, stores
//! in order and never past a gap, and serves ICE updates an operator queued.
//! Tokens are scoped to one desk of one facility, bodies and time are bounded,
//! and it serves HTTPS itself (rustls) or plain HTTP on loopback only.
//! With `--test-faults` it can also misbehave on purpose (see `faults`).

mod admin;
pub mod admission;
pub mod cli;
pub mod faults;
pub mod routes;
pub mod serve;
pub mod store;
pub mod updates;
