//! A token bucket per API key, for CommBox's optional 429 (docs/vendors.md §3.5). It runs
//! on the emulator's clock, so tests move time instead of sleeping.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// `requests` per `seconds`; the bucket holds `requests` tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub requests: u32,
    pub seconds: u32,
}

impl Rate {
    /// `10/s`, `600/min`, `1000/h` (also `sec`, `m`, `hour`).
    pub fn parse(text: &str) -> Result<Rate, String> {
        let usage = || format!("{text:?}: expected a rate like 10/s, 600/min or 1000/h");
        let (count, unit) = text.trim().split_once('/').ok_or_else(usage)?;
        let requests: u32 = count.trim().parse().map_err(|_| usage())?;
        let seconds = match unit.trim() {
            "s" | "sec" => 1,
            "m" | "min" => 60,
            "h" | "hour" => 3600,
            _ => return Err(usage()),
        };
        if requests == 0 {
            return Err(usage());
        }
        Ok(Rate { requests, seconds })
    }

    fn per_second(self) -> f64 {
        f64::from(self.requests) / f64::from(self.seconds)
    }
}

struct Bucket {
    tokens: f64,
    at: DateTime<Utc>,
}

pub struct RateLimiter {
    rate: Rate,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub fn new(rate: Rate) -> RateLimiter {
        RateLimiter {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token from `key`'s bucket, or says how many whole seconds until the
    /// next one. Only authenticated keys get here, so the map stays small.
    pub fn take(&self, key: &str, now: DateTime<Utc>) -> Result<(), u64> {
        let capacity = f64::from(self.rate.requests);
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = (now - bucket.at).num_milliseconds().max(0) as f64 / 1000.0;
        bucket.tokens = (bucket.tokens + elapsed * self.rate.per_second()).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        let wait = (1.0 - bucket.tokens) / self.rate.per_second();
        Err((wait.ceil() as u64).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn rates_parse() {
        assert_eq!(
            Rate::parse("10/s"),
            Ok(Rate {
                requests: 10,
                seconds: 1
            })
        );
        assert_eq!(
            Rate::parse("600/min"),
            Ok(Rate {
                requests: 600,
                seconds: 60
            })
        );
        assert!(Rate::parse("0/s").is_err());
        assert!(Rate::parse("ten/s").is_err());
        assert!(Rate::parse("10").is_err());
    }

    #[test]
    fn bucket_empties_and_refills() {
        let limiter = RateLimiter::new(Rate {
            requests: 2,
            seconds: 60,
        });
        let t = Utc::now();
        assert_eq!(limiter.take("a", t), Ok(()));
        assert_eq!(limiter.take("a", t), Ok(()));
        assert_eq!(limiter.take("a", t), Err(30));
        assert_eq!(limiter.take("b", t), Ok(()), "buckets are per key");
        assert_eq!(limiter.take("a", t + Duration::seconds(30)), Ok(()));
    }
}
