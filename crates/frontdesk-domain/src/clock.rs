//! Time and id sources, passed into every write so tests are deterministic, and the hybrid
//! logical clock that stamps outbox records.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;

use chrono::{DateTime, TimeZone, Utc};
use uuid::Uuid;

/// Wall-clock milliseconds since the Unix epoch, UTC.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
}

/// New UUIDv7 values.
pub trait IdSource: Send + Sync {
    fn new_uuid(&self, now_ms: i64) -> Uuid;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        Utc::now().timestamp_millis()
    }
}

/// Random UUIDv7s (time-ordered prefix, random tail).
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomIds;

impl IdSource for RandomIds {
    fn new_uuid(&self, now_ms: i64) -> Uuid {
        let ts =
            uuid::Timestamp::from_unix(uuid::NoContext, (now_ms / 1000) as u64, ((now_ms % 1000) * 1_000_000) as u32);
        Uuid::new_v7(ts)
    }
}

/// A clock that only moves when told to: for tests.
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(start_ms: i64) -> Self {
        ManualClock(AtomicI64::new(start_ms))
    }
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
    pub fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// UUIDv7s built from the given time and a counter: the same sequence on every run.
#[derive(Debug, Default)]
pub struct SequentialIds(AtomicU64);

impl IdSource for SequentialIds {
    fn new_uuid(&self, now_ms: i64) -> Uuid {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        let mut bytes = [0u8; 16];
        bytes[0..6].copy_from_slice(&(now_ms as u64).to_be_bytes()[2..8]);
        bytes[8..16].copy_from_slice(&n.to_be_bytes());
        // version 7, RFC 4122 variant
        bytes[6] = 0x70;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Uuid::from_bytes(bytes)
    }
}

pub fn ms_to_datetime(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// Hybrid logical clock: 48 bits of wall-clock milliseconds and a 16-bit counter in one u64.
/// Never goes backwards, even if the wall clock does; its floor is persisted with each write
/// so a restart with a wrong clock cannot reissue old timestamps.
#[derive(Debug)]
pub struct Hlc {
    last: Mutex<u64>,
}

impl Hlc {
    pub fn new(floor: u64) -> Self {
        Hlc { last: Mutex::new(floor) }
    }

    pub fn now(&self, wall_ms: i64) -> u64 {
        let wall = (wall_ms.max(0) as u64) << 16;
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        *last = if wall > *last { wall } else { *last + 1 };
        *last
    }

    /// Move past a timestamp seen from another device.
    pub fn observe(&self, remote: u64) {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if remote > *last {
            *last = remote;
        }
    }

    pub fn last(&self) -> u64 {
        *self.last.lock().unwrap_or_else(|p| p.into_inner())
    }
}
