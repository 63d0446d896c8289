//! `wscope probe` against the servers people deploy (tests/peers/: Python websockets, uvicorn
//! on websockets and on wsproto, aiohttp, Node ws): each probe finishes in well under 10 s,
//! reports every check, and finds what these libraries really do (checked by hand with raw
//! sockets): the FAILs and WARNs of each, and the largest message each accepts by default.

use crate::peers::{Impl, Peer, on_every_impl};
use crate::probe::{card, with_verdict};
use crate::support::run;
use std::time::Duration;

/// What each library breaks (FAIL), misses (WARN), and the message size it stops at.
fn expected(
    imp: Impl,
) -> (
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
) {
    const VIOLATIONS_DROPPED: &[&str] = &[
        "fragmented-control",
        "invalid-close-code",
        "invalid-utf8-close-reason",
        "invalid-utf8-text",
        "orphan-continuation",
        "oversized-control",
        "reserved-control-opcode",
        "reserved-opcode",
        "rsv-bits",
    ];
    match imp {
        // 400 without Sec-WebSocket-Version (RFC 6455 §4.4).
        Impl::Websockets => (
            &["version"],
            &[],
            "1048576 B (1 MiB); 1048577 B: Close 1009",
        ),
        Impl::UvicornWebsockets => (&["version"], &[], "accepts 8388608 B (8 MiB)"),
        // A 12-byte key accepted; a bad frame ends TCP without a Close.
        Impl::UvicornWsproto => (
            &["key-malformed"],
            VIOLATIONS_DROPPED,
            "accepts 8388608 B (8 MiB)",
        ),
        // Speaks draft 8, refuses 25 without the versions; takes unmasked frames; answers a
        // Close 4000 with 1000.
        Impl::Aiohttp => (
            &["unmasked", "version"],
            &["close-echo"],
            "4194303 B (3.9 MiB); 4194304 B: Close 1009",
        ),
        Impl::NodeWs => (&[], &[], "accepts 8388608 B (8 MiB)"),
    }
}

#[test]
fn the_report_card_of_each_third_party_server() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let r = run(&["probe", "--jsonl", &peer.url("/echo")], b"");
        let (checks, summary) = card(&r.out());
        let name = imp.name();
        assert_eq!(checks.len(), 27, "{name}: {}\n{}", r.out(), r.stderr);
        assert!(r.took < Duration::from_secs(10), "{name}: {:?}", r.took);
        let (fails, warns, size) = expected(imp);
        assert_eq!(with_verdict(&checks, "fail"), fails, "{name}: {}", r.out());
        assert_eq!(with_verdict(&checks, "warn"), warns, "{name}: {}", r.out());
        assert_eq!(with_verdict(&checks, "skip"), ["idle-timeout"], "{name}");
        assert_eq!(r.code, if fails.is_empty() { 0 } else { 14 }, "{name}");
        assert_eq!(summary["exit_code"].as_i64(), Some(i64::from(r.code)));
        let observed = |c: &str| checks[c]["observed"].as_str().unwrap_or("").to_string();
        assert!(
            observed("max-message").starts_with(size),
            "{name}: {}",
            observed("max-message")
        );
        assert!(
            observed("echo").starts_with("echoes text and binary unchanged"),
            "{name}"
        );
        for c in [
            "deflate",
            "deflate-message",
            "fragmented",
            "ping",
            "pong-unsolicited",
        ] {
            assert_eq!(checks[c]["verdict"], "pass", "{name}: {c}: {}", checks[c]);
        }
    });
}
