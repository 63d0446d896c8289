//! Durations and sizes as people read them in wscope's messages: `12.3 ms` for what was
//! measured, `3.0s` for limits the user set, `1 MiB (1048576 B)` for a size found.

use std::time::Duration;

/// A measured duration, in milliseconds with one decimal.
pub(crate) fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A limit, in seconds with one decimal (as the options take them).
pub(crate) fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

/// A size in bytes, with KiB or MiB beside it from 1 KiB on, rounded down so that a size
/// just short of a round one does not read as it: `4194303 B (3.9 MiB)`, `1048576 B (1 MiB)`.
pub(crate) fn bytes(n: u64) -> String {
    let (unit, div) = match n {
        0..1024 => return format!("{n} B"),
        1024..1_048_576 => ("KiB", 1024),
        _ => ("MiB", 1_048_576),
    };
    let shown = match n % div {
        0 => format!("{}", n / div),
        _ => format!("{:.1}", (n.saturating_mul(10) / div) as f64 / 10.0),
    };
    format!("{n} B ({shown} {unit})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_decimal() {
        assert_eq!(ms(Duration::from_micros(12_345)), "12.3 ms");
        assert_eq!(secs(Duration::from_millis(2500)), "2.5s");
        assert_eq!(bytes(125), "125 B");
        assert_eq!(bytes(1 << 20), "1048576 B (1 MiB)");
        assert_eq!(bytes(999_936), "999936 B (976.5 KiB)");
        assert_eq!(bytes((4 << 20) - 1), "4194303 B (3.9 MiB)");
    }
}
