//! The emulator's one source of time. Tests (and the control plane) move it instead of
//! sleeping: ticket expiry, `expireOn`, `LastLogonDate` and reset-code expiry all read it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

/// System time plus an adjustable offset; clones share the offset. The offset is
/// kept in microseconds: fine enough that a clock set to a whole millisecond reads it,
/// not the millisecond before, and wide enough for the years the admin API allows.
#[derive(Clone, Default)]
pub struct Clock {
    offset_us: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::microseconds(self.offset_us.load(Ordering::Relaxed))
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        self.offset_us
            .fetch_add(microseconds(by), Ordering::Relaxed);
    }

    /// Back to real time.
    pub fn reset(&self) {
        self.offset_us.store(0, Ordering::Relaxed);
    }

    /// How far the clock is ahead of real time (behind when negative).
    pub fn offset_ms(&self) -> i64 {
        self.offset_us.load(Ordering::Relaxed) / 1000
    }

    /// Makes `now()` return `at` from this moment on (and keep running from there).
    pub fn set(&self, at: DateTime<Utc>) {
        let offset = at - Utc::now();
        let whole = microseconds(offset);
        // Rounded up, so that `now()` never reads before `at`.
        let up = i64::from(offset > Duration::microseconds(whole));
        self.offset_us.store(whole + up, Ordering::Relaxed);
    }
}

/// Whole microseconds, towards zero; the admin API keeps durations far inside `i64`.
fn microseconds(d: Duration) -> i64 {
    d.num_microseconds().unwrap_or(if d < Duration::zero() {
        i64::MIN
    } else {
        i64::MAX
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_and_set_move_now() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::days(31));
        assert!(clock.now() - before >= Duration::days(31));
        let target = DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        clock.set(target);
        assert!((clock.now() - target).num_seconds().abs() < 5);
    }

    /// Found by a review: a clock set to a whole millisecond read the one before it,
    /// as the offset was kept in whole milliseconds, rounded towards zero.
    #[test]
    fn a_clock_set_never_reads_before_its_time() {
        let clock = Clock::default();
        for text in ["2030-01-01T00:00:00Z", "1999-06-30T12:00:00.5Z"] {
            let target = DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc);
            for _ in 0..1000 {
                clock.set(target);
                assert!(clock.now() >= target, "{text}");
            }
        }
    }
}
