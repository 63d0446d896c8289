//! Scripting against the servers users run (Python websockets, uvicorn on websockets and on
//! wsproto, aiohttp, Node ws): end of input never loses a reply, `-n` is exact, `| head`
//! returns promptly, a subscription keeps streaming, and what the server says (close reasons,
//! a 403 with a body, a declined subprotocol) reaches the user.
//!
//! Against three of these servers a client that closes right behind its last message loses the
//! replies (they answer the Close at once and drop what their handler had not sent yet), so the
//! end-of-input cases run 20 times each, concurrently.

use crate::peers::{Peer, on_every_impl};
use crate::support::{PROMPTLY, RUN_LIMIT, Run, command, run, wait_bounded};
use std::io::BufRead;
use std::time::{Duration, Instant};

/// Runs wscope `n` times at once with the same arguments and input.
fn run_many(args: &[&str], stdin: &[u8], n: usize) -> Vec<Run> {
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n).map(|_| s.spawn(|| run(args, stdin))).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("run"))
            .collect()
    })
}

/// Asserts that every run printed exactly `want` and exited 0.
fn all_complete(runs: &[Run], want: &str, what: &str) {
    let bad: Vec<String> = runs
        .iter()
        .filter(|r| r.code != 0 || r.out() != want)
        .map(|r| format!("exit {} out {:?} err {:?}", r.code, r.out(), r.stderr))
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: {} of {} runs incomplete: {bad:#?}",
        bad.len(),
        runs.len()
    );
}

#[test]
fn end_of_input_never_loses_the_replies() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let url = peer.url("/echo");
        all_complete(
            &run_many(&[&url], b"hello\n", 20),
            "hello\n",
            &format!("{}: echo hello |", imp.name()),
        );
        all_complete(
            &run_many(&[&url], b"one\ntwo\nthree\n", 20),
            "one\ntwo\nthree\n",
            &format!("{}: three piped lines", imp.name()),
        );
        all_complete(
            &run_many(&["-e", "hello", &url], b"", 20),
            "hello\n",
            &format!("{}: -e hello", imp.name()),
        );
    });
}

#[test]
fn count_prints_exactly_n_from_a_stream_that_never_reads() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let r = run(&["-n", "3", &peer.url("/stream?interval_ms=10")], b"");
        assert_eq!(r.code, 0, "{}: {}", imp.name(), r.stderr);
        assert_eq!(r.out(), "msg 1\nmsg 2\nmsg 3\n", "{}", imp.name());
        // The stream never ends; the close timeout (3 s) bounds the wait for the answer.
        assert!(
            r.took < PROMPTLY,
            "{}: bounded by the close timeout: {:?}",
            imp.name(),
            r.took
        );
    });
}

/// Reads `n` lines from a running wscope, then closes its stdout as `| head -n` does; returns
/// how long wscope took to exit after that, and its status.
fn head(args: &[&str], stdin: &[u8], n: usize) -> (Duration, i32, Vec<String>) {
    let mut child = command(args).spawn().expect("spawn");
    {
        use std::io::Write;
        let mut sin = child.stdin.take().expect("stdin");
        sin.write_all(stdin).expect("stdin");
    }
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut lines = Vec::new();
    for _ in 0..n {
        let mut line = String::new();
        out.read_line(&mut line).expect("a line");
        lines.push(line);
    }
    let closed = Instant::now();
    drop(out);
    let code = wait_bounded(&mut child, RUN_LIMIT);
    (closed.elapsed(), code, lines)
}

#[test]
fn head_on_a_stream_returns_promptly() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        // A close timeout far longer than the bound: waiting for the peer would show.
        let url = peer.url("/stream?interval_ms=5");
        let (took, code, lines) = head(&["--close-timeout", "60", &url], b"", 3);
        assert_eq!(lines, ["msg 1\n", "msg 2\n", "msg 3\n"], "{}", imp.name());
        assert_eq!(code, 0, "{}", imp.name());
        assert!(
            took < PROMPTLY,
            "{}: exit took {took:?} after stdout closed",
            imp.name()
        );
    });
}

#[test]
fn a_subscription_keeps_streaming_after_the_end_of_input() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        // 50 ticks at 40 ms: two seconds, twice the idle window, all after stdin ended.
        let (_, code, lines) = head(
            &[&peer.url("/subscribe?interval_ms=40")],
            b"subscribe\n",
            50,
        );
        assert_eq!(code, 0, "{}", imp.name());
        assert_eq!(lines.first().map(String::as_str), Some("tick 1\n"));
        assert_eq!(lines.last().map(String::as_str), Some("tick 50\n"));
        assert_eq!(peer.wait_event("message")["text"], "subscribe");
    });
}

#[test]
fn close_codes_and_reasons_reach_the_user() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let r = run(
            &["-e", "hi", &peer.url("/echo-close?code=1000&reason=done")],
            b"",
        );
        assert_eq!((r.code, r.out().as_str()), (0, "hi\n"), "{}", r.stderr);
        assert!(
            r.stderr.contains("< close 1000 (normal closure) \"done\""),
            "{}: {}",
            imp.name(),
            r.stderr
        );
        let r = run(
            &["-e", "x", &peer.url("/close?code=4001&reason=go%20away")],
            b"",
        );
        assert_eq!(r.code, 8, "{}", r.stderr);
        assert!(
            r.stderr
                .contains("wscope: error: peer closed with 4001 (application-defined): go away"),
            "{}: {}",
            imp.name(),
            r.stderr
        );
    });
}

#[test]
fn a_403_shows_its_json_body_and_a_hint_from_the_evidence() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let r = run(&["-e", "x", &peer.url("/forbidden")], b"");
        assert_eq!(r.code, 5, "{}", r.stderr);
        assert!(
            r.stderr
                .contains(r#"{"error":"forbidden","detail":"origin not allowed"}"#),
            "{}: {}",
            imp.name(),
            r.stderr
        );
        let error = r
            .stderr
            .lines()
            .find(|l| l.starts_with("wscope: error:"))
            .expect("error line");
        assert!(
            error == "wscope: error: the server rejected the upgrade: 403 Forbidden"
                || error == "wscope: error: the server rejected the upgrade: 403",
            "{}: {error:?}",
            imp.name()
        );
        let hint = r
            .stderr
            .lines()
            .find(|l| l.starts_with("hint:"))
            .expect("hint");
        assert!(
            hint.contains("path /forbidden") && hint.contains("sent no Origin"),
            "{}: {hint}",
            imp.name()
        );
    });
}

#[test]
fn a_declined_subprotocol_is_warned_about() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let r = run(&["-s", "chat", "-e", "x", &peer.url("/subprotocol")], b"");
        assert_eq!((r.code, r.out().as_str()), (0, "x\n"), "{}", r.stderr);
        assert!(
            r.stderr
                .contains("the server selected none of the offered subprotocols (chat)"),
            "{}: {}",
            imp.name(),
            r.stderr
        );
    });
}
