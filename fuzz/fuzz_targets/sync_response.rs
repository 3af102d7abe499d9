//! The sync client's reading of an endpoint's push answer: any status, body
//! and Retry-After give a decision, never a panic; the decision never marks
//! more events delivered than the desk has, nor waits past the backoff cap
//! unless the endpoint asked for it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wso_core::sync::decision::{decide_push, Attempt, Next, PushState};
use wso_core::sync::BackoffPolicy;

fuzz_target!(|data: &[u8]| {
    if data.len() < 12 {
        return;
    }
    let status = u16::from_le_bytes([data[0], data[1]]) % 600;
    let acked = i64::from(data[2]);
    let last = acked + i64::from(data[3]);
    let batch_len = usize::from(data[4]);
    let attempt = u32::from(data[5] % 40);
    let jitter = f64::from(data[6]) / 255.0;
    let split = 12 + usize::from(data[7]).min(data.len() - 12);
    let retry_after = std::str::from_utf8(&data[12..split]).ok();
    let body = &data[split..];
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap();
    let state = PushState { acked_seq: acked, last_seq: last, batch_len, attempt };
    let d = decide_push(state, Attempt::Response { status, body, retry_after }, now, BackoffPolicy::default(), jitter);
    if let Some(ack) = d.ack_seq {
        assert!(ack <= last, "never more delivered than the desk has");
    }
    if let Next::Retry { wait, .. } = d.next {
        if retry_after.is_none() {
            assert!(wait <= std::time::Duration::from_secs(300));
        }
    }
});
