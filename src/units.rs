//! Durations as people read them in wscope's messages: `12.3 ms` for what was measured, `3.0s`
//! for limits the user set.

use std::time::Duration;

/// A measured duration, in milliseconds with one decimal.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A limit, in seconds with one decimal (as the options take them).
pub fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_decimal() {
        assert_eq!(ms(Duration::from_micros(12_345)), "12.3 ms");
        assert_eq!(secs(Duration::from_millis(2500)), "2.5s");
    }
}
