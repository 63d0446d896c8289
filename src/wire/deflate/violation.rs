//! A rule the peer broke in a compressed stream, with the close code it calls for.
//!
//! Reads of [`super::Deflate`] fail with an `std::io::Error` of kind `InvalidData` wrapping a
//! [`Violation`] (tungstenite passes it up as `Error::Io`), so callers can recover the code and
//! the rule with [`Violation::from_io`].

use std::fmt;
use std::io;

/// A broken rule: `code` is the close code to answer with, `rule` names what happened and the
/// RFC section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub code: u16,
    pub rule: String,
}

impl Violation {
    /// 1002, protocol error (RFC 6455 §7.4.1).
    pub fn protocol(rule: impl Into<String>) -> Self {
        Violation {
            code: 1002,
            rule: rule.into(),
        }
    }

    /// 1007, payload data not consistent with the message (RFC 6455 §7.4.1).
    pub fn invalid_data(rule: impl Into<String>) -> Self {
        Violation {
            code: 1007,
            rule: rule.into(),
        }
    }

    /// 1009, message too big to process (RFC 6455 §7.4.1).
    pub fn too_big(rule: impl Into<String>) -> Self {
        Violation {
            code: 1009,
            rule: rule.into(),
        }
    }

    /// The violation inside an I/O error from a read, if that is what the error is.
    pub fn from_io(err: &io::Error) -> Option<&Violation> {
        err.get_ref().and_then(|e| e.downcast_ref::<Violation>())
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (close code {})", self.rule, self.code)
    }
}

impl std::error::Error for Violation {}

impl From<Violation> for io::Error {
    fn from(v: Violation) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survives_the_trip_through_io_error() {
        let err: io::Error = Violation::too_big("too big (RFC 6455 §7.4.1)").into();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        let v = Violation::from_io(&err).unwrap();
        assert_eq!(v.code, 1009);
        assert_eq!(
            err.to_string(),
            "too big (RFC 6455 §7.4.1) (close code 1009)"
        );
        assert!(Violation::from_io(&io::Error::other("x")).is_none());
    }
}
