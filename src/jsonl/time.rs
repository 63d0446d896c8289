//! The one time format of JSON Lines: moments as RFC 3339 in UTC with microseconds
//! (`"2026-11-30T18:11:33.308829Z"`), durations as milliseconds with microsecond precision
//! (`1.5`). Both are kept at microseconds, so what is written reads back equal.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A moment, to the microsecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Timestamp(SystemTime);

impl Timestamp {
    /// `t`, cut to the microsecond.
    pub(crate) fn new(t: SystemTime) -> Timestamp {
        let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
        Timestamp(UNIX_EPOCH + Duration::from_micros(since.as_micros() as u64))
    }

    /// Reads an RFC 3339 timestamp (fractions of a second optional).
    pub(crate) fn parse(text: &str) -> Result<Timestamp, humantime::TimestampError> {
        humantime::parse_rfc3339(text).map(Timestamp::new)
    }

    pub(crate) fn time(self) -> SystemTime {
        self.0
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        humantime::format_rfc3339_micros(self.0).fmt(f)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A duration, written in milliseconds, to the microsecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) struct Millis(Duration);

impl Millis {
    /// `d`, rounded to the microsecond.
    pub(crate) fn new(d: Duration) -> Millis {
        let micros = d.as_nanos().saturating_add(500) / 1000;
        Millis(Duration::from_micros(
            u64::try_from(micros).unwrap_or(u64::MAX),
        ))
    }
}

impl From<Duration> for Millis {
    fn from(d: Duration) -> Millis {
        Millis::new(d)
    }
}

impl Serialize for Millis {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0.as_micros() as f64 / 1000.0)
    }
}

impl<'de> Deserialize<'de> for Millis {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let ms = f64::deserialize(d)?;
        if !ms.is_finite() || ms < 0.0 {
            return Err(D::Error::custom(format!("{ms} is not a duration in ms")));
        }
        Ok(Millis(Duration::from_micros((ms * 1000.0).round() as u64)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc_with_microseconds() {
        let at =
            |micros: u64| Timestamp::new(UNIX_EPOCH + Duration::from_nanos(micros * 1000 + 999));
        assert_eq!(at(0).to_string(), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            at(1_795_000_000_123_456).to_string(),
            "2026-11-18T11:06:40.123456Z"
        );
        assert_eq!(
            at(951_782_400_000_000).to_string(),
            "2000-02-29T00:00:00.000000Z"
        );
        let t = at(1_795_000_000_123_456);
        assert_eq!(Timestamp::parse(&t.to_string()), Ok(t));
        assert!(Timestamp::parse("2026-11-30T18:12:00Z").is_ok());
    }

    #[test]
    fn milliseconds_keep_the_microsecond() {
        let ms = Millis::new(Duration::from_nanos(1_500_400));
        assert_eq!(serde_json::to_string(&ms).unwrap(), "1.5");
        let back: Millis = serde_json::from_str("1.5").unwrap();
        assert_eq!(back, ms);
        let odd = Millis::new(Duration::from_micros(123_456_789));
        let text = serde_json::to_string(&odd).unwrap();
        assert_eq!(text, "123456.789");
        assert_eq!(serde_json::from_str::<Millis>(&text).unwrap(), odd);
        assert!(serde_json::from_str::<Millis>("-1").is_err());
    }
}
