//! The peer's protocol errors: for each error tungstenite reports while reading, the close code
//! RFC 6455 asks for, a diagnostic naming the rule, and how to recognise the offending frame
//! among the headers the tap followed. Pure.

use crate::wire::deflate::Violation as DeflateViolation;
use crate::wire::frame::FrameHeader;
use crate::wire::opcode::Opcode;
use tokio_tungstenite::tungstenite::Error as WsError;
use tokio_tungstenite::tungstenite::error::{CapacityError, ProtocolError};

/// Which incoming frame a rule violation is about.
pub(crate) type Culprit = fn(&FrameHeader) -> bool;

/// A rule the peer broke, and what we answer.
pub(crate) struct Violation {
    /// The close code to fail the connection with.
    pub code: u16,
    /// The rule, with its RFC section.
    pub rule: String,
    /// Recognises the frame that broke it.
    pub culprit: Culprit,
}

impl Violation {
    fn new(code: u16, rule: impl Into<String>, culprit: Culprit) -> Self {
        Violation {
            code,
            rule: rule.into(),
            culprit,
        }
    }
}

/// The violation behind a read error; `None` for errors that are not the peer breaking a rule
/// (the connection ended, an I/O failure).
pub(crate) fn classify(e: &WsError) -> Option<Violation> {
    match e {
        WsError::Utf8(_) => Some(Violation::new(
            1007,
            "invalid UTF-8 in a text message or close reason (RFC 6455 §8.1)",
            |h| {
                matches!(
                    h.opcode,
                    Opcode::Continuation | Opcode::Text | Opcode::Close
                )
            },
        )),
        WsError::Capacity(CapacityError::MessageTooLong { size, max_size }) => {
            Some(Violation::new(
                1009,
                format!(
                    "message of {size} bytes exceeds --max-message-size {max_size} (RFC 6455 §7.4.1)"
                ),
                |h| h.opcode.is_data(),
            ))
        }
        WsError::Capacity(c) => Some(Violation::new(1009, c.to_string(), |_| true)),
        WsError::Protocol(p) => protocol_rule(p),
        // permessage-deflate fails a read with the rule it found broken (RFC 7692).
        WsError::Io(io) => DeflateViolation::from_io(io).map(|v| {
            let culprit: Culprit = match v.code {
                1009 => |h| h.opcode.is_data(),
                _ => |h| h.rsv1,
            };
            Violation::new(v.code, v.rule.clone(), culprit)
        }),
        _ => None,
    }
}

fn reserved_opcode(h: &FrameHeader) -> bool {
    h.opcode.is_reserved()
}

fn protocol_rule(p: &ProtocolError) -> Option<Violation> {
    let v = |rule: &str, culprit: Culprit| Some(Violation::new(1002, rule, culprit));
    match p {
        ProtocolError::NonZeroReservedBits => v(
            "RSV bit set without a negotiated extension (RFC 6455 §5.2)",
            |h| h.rsv1 || h.rsv2 || h.rsv3,
        ),
        ProtocolError::MaskedFrameFromServer => {
            v("masked frame from the server (RFC 6455 §5.1)", |h| {
                h.mask.is_some()
            })
        }
        ProtocolError::FragmentedControlFrame => {
            v("fragmented control frame (RFC 6455 §5.5)", |h| {
                h.is_control() && !h.fin
            })
        }
        ProtocolError::ControlFrameTooBig => v(
            "control frame payload over 125 bytes (RFC 6455 §5.5)",
            |h| h.is_control() && h.payload_len > 125,
        ),
        ProtocolError::UnknownControlFrameType(op)
        | ProtocolError::UnknownDataFrameType(op)
        | ProtocolError::InvalidOpcode(op) => Some(Violation::new(
            1002,
            format!("reserved opcode {op:#x} (RFC 6455 §5.2)"),
            reserved_opcode,
        )),
        ProtocolError::UnexpectedContinueFrame => v(
            "continuation frame without a message to continue (RFC 6455 §5.4)",
            |h| h.opcode == Opcode::Continuation,
        ),
        ProtocolError::ExpectedFragment(_) => v(
            "new data frame while a fragmented message was unfinished (RFC 6455 §5.4)",
            |h| matches!(h.opcode, Opcode::Text | Opcode::Binary),
        ),
        ProtocolError::InvalidCloseSequence => v(
            "close frame with a 1-byte payload (RFC 6455 §5.5.1)",
            |h| h.opcode == Opcode::Close,
        ),
        ProtocolError::ReceivedAfterClosing => v("data received after the Close frame", |_| true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::Data;

    fn header(bytes: &[u8]) -> FrameHeader {
        FrameHeader::parse(bytes).expect("header")
    }

    #[test]
    fn each_rule_gets_its_code_and_recognises_its_frame() {
        let protocol = |p| WsError::Protocol(p);
        let too_long = WsError::Capacity(CapacityError::MessageTooLong {
            size: 10,
            max_size: 5,
        });
        #[rustfmt::skip]
        let cases: Vec<(WsError, u16, &str, &[u8])> = vec![
            (protocol(ProtocolError::NonZeroReservedBits), 1002, "RSV bit", &[0xc1, 0x00]),
            (protocol(ProtocolError::MaskedFrameFromServer), 1002, "masked frame", &[0x81, 0x80, 1, 2, 3, 4]),
            (protocol(ProtocolError::FragmentedControlFrame), 1002, "fragmented control", &[0x09, 0x00]),
            (protocol(ProtocolError::ControlFrameTooBig), 1002, "over 125", &[0x89, 0x7e, 0x00, 0x7e]),
            (protocol(ProtocolError::InvalidOpcode(3)), 1002, "reserved opcode 0x3", &[0x83, 0x00]),
            (protocol(ProtocolError::UnexpectedContinueFrame), 1002, "continuation frame", &[0x80, 0x00]),
            (protocol(ProtocolError::ExpectedFragment(Data::Text)), 1002, "unfinished", &[0x81, 0x00]),
            (protocol(ProtocolError::InvalidCloseSequence), 1002, "1-byte payload", &[0x88, 0x01]),
            (too_long, 1009, "exceeds --max-message-size 5", &[0x82, 0x0a]),
        ];
        for (err, code, says, frame) in cases {
            let v = classify(&err).unwrap_or_else(|| panic!("{err} is a violation"));
            assert_eq!(v.code, code, "{err}");
            assert!(v.rule.contains(says), "{}: {}", err, v.rule);
            assert!((v.culprit)(&header(frame)), "{err}: culprit");
        }
    }

    #[test]
    fn compression_violations_keep_their_code_and_rule() {
        let broken = DeflateViolation::invalid_data("corrupt deflate data (RFC 7692 §6.2)");
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, broken);
        let v = classify(&WsError::Io(io)).expect("a violation");
        assert_eq!(v.code, 1007);
        assert!(v.rule.contains("corrupt deflate data"));
        assert!((v.culprit)(&header(&[0xc1, 0x00])));
        let big = DeflateViolation::too_big("inflated message over the limit");
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, big);
        assert_eq!(classify(&WsError::Io(io)).expect("a violation").code, 1009);
    }

    #[test]
    fn a_plain_frame_is_not_taken_for_the_culprit() {
        let plain = header(&[0x81, 0x02]);
        let rsv = classify(&WsError::Protocol(ProtocolError::NonZeroReservedBits)).expect("v");
        assert!(!(rsv.culprit)(&plain));
        let op = classify(&WsError::Protocol(ProtocolError::InvalidOpcode(11))).expect("v");
        assert!(!(op.culprit)(&plain));
    }

    #[test]
    fn the_end_of_the_connection_is_not_a_violation() {
        assert!(classify(&WsError::ConnectionClosed).is_none());
        assert!(classify(&WsError::AlreadyClosed).is_none());
        assert!(
            classify(&WsError::Protocol(
                ProtocolError::ResetWithoutClosingHandshake
            ))
            .is_none()
        );
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert!(classify(&WsError::Io(io)).is_none());
    }
}
