//! What `wscope probe` checks: every check with its group (what `--only` and `--skip` select),
//! the RFC section it rests on and a title that says what a PASS means. The order here is the
//! order of the report card.

use std::fmt;

/// A group of checks, as `--only` and `--skip` name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Group {
    /// The upgrade: Accept, version, key, subprotocols, permessage-deflate
    Handshake,
    /// Data messages: echo detection, a fragmented message
    Messages,
    /// Ping and pong
    Control,
    /// The closing handshake
    Close,
    /// Frames the server must fail the connection on
    Violations,
    /// Largest message accepted, idle timeout
    Limits,
}

impl Group {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Group::Handshake => "handshake",
            Group::Messages => "messages",
            Group::Control => "control",
            Group::Close => "close",
            Group::Violations => "violations",
            Group::Limits => "limits",
        }
    }
}

/// Where a rule is written: an RFC and a section in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Section {
    pub rfc: u16,
    pub section: &'static str,
}

/// RFC 6455, The WebSocket Protocol.
const fn ws(section: &'static str) -> Section {
    Section { rfc: 6455, section }
}

/// RFC 7692, Compression Extensions for WebSocket.
const fn pmd(section: &'static str) -> Section {
    Section { rfc: 7692, section }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RFC {} {}", self.rfc, self.section)
    }
}

/// The longest title, for the report card's column.
pub(crate) const TITLE_WIDTH: usize = 36;

/// One check of the report card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Check {
    Upgrade,
    Version,
    KeyMissing,
    KeyMalformed,
    SubprotocolUnoffered,
    SubprotocolOffered,
    Deflate,
    DeflateMessage,
    Echo,
    Fragmented,
    PingPong,
    PongUnsolicited,
    PingRtt,
    CloseEcho,
    ClosePending,
    Unmasked,
    ReservedOpcode,
    ReservedControlOpcode,
    RsvBits,
    FragmentedControl,
    OversizedControl,
    OrphanContinuation,
    InvalidUtf8Text,
    InvalidUtf8CloseReason,
    InvalidCloseCode,
    MaxMessage,
    IdleTimeout,
}

/// What a check is: its name (for JSON Lines), group, section and title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Spec {
    pub check: Check,
    pub id: &'static str,
    pub group: Group,
    pub section: Section,
    pub title: &'static str,
}

const fn spec(
    check: Check,
    id: &'static str,
    group: Group,
    section: Section,
    title: &'static str,
) -> Spec {
    Spec {
        check,
        id,
        group,
        section,
        title,
    }
}

use Check as C;
use Group::*;

/// Every check, in report order (and in the order of [`Check`]'s variants).
pub(crate) const CATALOGUE: [Spec; 27] = [
    spec(
        C::Upgrade,
        "upgrade",
        Handshake,
        ws("§4.2.2"),
        "101 with the right Accept",
    ),
    spec(
        C::Version,
        "version",
        Handshake,
        ws("§4.4"),
        "version 8 (or 25) refused, 13 named",
    ),
    spec(
        C::KeyMissing,
        "key-missing",
        Handshake,
        ws("§4.2.1"),
        "no key: refused with 400",
    ),
    spec(
        C::KeyMalformed,
        "key-malformed",
        Handshake,
        ws("§4.2.1"),
        "12-byte key: refused with 400",
    ),
    spec(
        C::SubprotocolUnoffered,
        "subprotocol-unoffered",
        Handshake,
        ws("§4.2.2"),
        "no subprotocol it was not offered",
    ),
    spec(
        C::SubprotocolOffered,
        "subprotocol-offered",
        Handshake,
        ws("§4.2.2"),
        "an unknown subprotocol offered",
    ),
    spec(
        C::Deflate,
        "deflate",
        Handshake,
        pmd("§7"),
        "permessage-deflate answer valid",
    ),
    spec(
        C::DeflateMessage,
        "deflate-message",
        Handshake,
        pmd("§6"),
        "a compressed message understood",
    ),
    spec(
        C::Echo,
        "echo",
        Messages,
        ws("§6"),
        "echo endpoint (text, binary)",
    ),
    spec(
        C::Fragmented,
        "fragmented",
        Messages,
        ws("§5.4"),
        "fragments with a ping between",
    ),
    spec(
        C::PingPong,
        "ping",
        Control,
        ws("§5.5.3"),
        "pong payload = ping (0, 1, 125 B)",
    ),
    spec(
        C::PongUnsolicited,
        "pong-unsolicited",
        Control,
        ws("§5.5.3"),
        "unsolicited pong ignored",
    ),
    spec(
        C::PingRtt,
        "ping-rtt",
        Control,
        ws("§5.5.2"),
        "round trip of 10 pings",
    ),
    spec(
        C::CloseEcho,
        "close-echo",
        Close,
        ws("§5.5.1"),
        "Close 4000 answered with 4000",
    ),
    spec(
        C::ClosePending,
        "close-pending",
        Close,
        ws("§7.1.2"),
        "reply to a message sent before Close",
    ),
    spec(
        C::Unmasked,
        "unmasked",
        Violations,
        ws("§5.1"),
        "unmasked frame: 1002",
    ),
    spec(
        C::ReservedOpcode,
        "reserved-opcode",
        Violations,
        ws("§5.2"),
        "data opcode 0x3: 1002",
    ),
    spec(
        C::ReservedControlOpcode,
        "reserved-control-opcode",
        Violations,
        ws("§5.2"),
        "control opcode 0xB: 1002",
    ),
    spec(
        C::RsvBits,
        "rsv-bits",
        Violations,
        ws("§5.2"),
        "RSV1 without an extension: 1002",
    ),
    spec(
        C::FragmentedControl,
        "fragmented-control",
        Violations,
        ws("§5.5"),
        "ping without FIN: 1002",
    ),
    spec(
        C::OversizedControl,
        "oversized-control",
        Violations,
        ws("§5.5"),
        "126-byte ping: 1002",
    ),
    spec(
        C::OrphanContinuation,
        "orphan-continuation",
        Violations,
        ws("§5.4"),
        "continuation without a start: 1002",
    ),
    spec(
        C::InvalidUtf8Text,
        "invalid-utf8-text",
        Violations,
        ws("§8.1"),
        "invalid UTF-8 text: 1007",
    ),
    spec(
        C::InvalidUtf8CloseReason,
        "invalid-utf8-close-reason",
        Violations,
        ws("§8.1"),
        "invalid UTF-8 close reason: 1007",
    ),
    spec(
        C::InvalidCloseCode,
        "invalid-close-code",
        Violations,
        ws("§7.4.1"),
        "Close 1005 on the wire: 1002",
    ),
    spec(
        C::MaxMessage,
        "max-message",
        Limits,
        ws("§10.4"),
        "largest message accepted",
    ),
    spec(
        C::IdleTimeout,
        "idle-timeout",
        Limits,
        ws("§7.1.1"),
        "idle connection closed after",
    ),
];

impl Check {
    pub(crate) fn spec(self) -> &'static Spec {
        // The table is in the order of the variants (a test holds it there).
        &CATALOGUE[self as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_once_with_a_unique_id_and_groups_in_order() {
        let ids: std::collections::HashSet<_> = CATALOGUE.iter().map(|s| s.id).collect();
        assert_eq!(ids.len(), CATALOGUE.len());
        let groups: Vec<Group> = CATALOGUE.iter().map(|s| s.group).collect();
        assert!(
            groups.is_sorted(),
            "checks of a group stay together: {groups:?}"
        );
        for s in &CATALOGUE {
            assert_eq!(s.check.spec(), s, "the table follows the variants");
            assert!(
                s.title.chars().count() <= TITLE_WIDTH,
                "{} has a title too long for its column",
                s.id
            );
            assert!(s.section.section.starts_with('§'));
        }
        assert_eq!(Check::Deflate.spec().section.to_string(), "RFC 7692 §7");
        assert_eq!(Check::IdleTimeout.spec().id, "idle-timeout");
    }
}
