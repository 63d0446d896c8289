//! `--proto stomp` against RabbitMQ's Web-STOMP (one broker for all these tests, see
//! `stomp_broker`): subscribe and send in pipe mode, the ack modes (what was not printed goes
//! back to the queue), heart-beats both ways, a refused login, a large body split over
//! messages, the hints without `--proto`, and the REPL in a terminal.

use crate::pty::{ctrl_d, expect, repl_command, spawn, state_dir};
use crate::stomp_broker::{broker, destination};
use crate::support::*;
use expectrl::Expect;

/// The lines of stdout.
fn lines(r: &Run) -> Vec<String> {
    r.out().lines().map(str::to_string).collect()
}

/// `wscope --proto stomp ARGS URL` with `stdin`.
fn stomp(url: &str, args: &[&str], stdin: &[u8]) -> Run {
    let mut all = vec!["--proto", "stomp"];
    all.extend_from_slice(args);
    all.push(url);
    run(&all, stdin)
}

#[test]
fn lines_are_sent_and_each_message_prints_its_body() {
    let Some(b) = broker() else { return };
    let q = destination("pipe");
    let args = ["--subscribe", &q, "--destination", &q, "-n", "3"];
    let r = stomp(&b.url(), &args, b"hello\n{\"a\": 1}\nx\0y\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(lines(&r), ["hello", "{\"a\": 1}", "\"x\\u0000y\""]);
    // RabbitMQ's answer to DISCONNECT (a Close "STOMP died", no RECEIPT) is expected: not said.
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    // JSON Lines: each MESSAGE with its headers; the CONNECT's passcode masked.
    let args = [
        "--subscribe",
        &q,
        "--destination",
        &q,
        "-n",
        "1",
        "--jsonl",
        "-u",
        "guest:guest",
    ];
    let r = stomp(&b.url(), &args, b"again\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = r.out();
    let message = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .find(|l| l["dir"] == "in" && l["app"][0]["kind"] == "message")
        .expect("a MESSAGE line");
    let app = &message["app"][0];
    assert_eq!(app["text"], "again");
    assert_eq!(app["destination"], q.as_str());
    assert_eq!(app["headers"]["redelivered"], "false");
    assert!(out.contains("passcode:****") && !out.contains("passcode:guest"));
}

#[test]
fn client_acks_take_what_was_printed_and_the_rest_stays_queued() {
    let Some(b) = broker() else { return };
    for mode in ["client", "client-individual"] {
        let q = destination("acks");
        let send = ["--destination", &q, "-e", "a", "-e", "b", "-e", "c"];
        assert_eq!(stomp(&b.url(), &send, b"").code, 0);
        // Two printed and acknowledged; the third, past -n, handed back (NACKed when it comes
        // with them, else left unacknowledged at DISCONNECT: the broker requeues it).
        let take = ["--subscribe", &q, "--ack", mode, "-n", "2", "-v"];
        let r = stomp(&b.url(), &take, b"");
        assert_eq!(
            (r.code, lines(&r)),
            (0, vec!["a".into(), "b".into()]),
            "{mode}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("> ACK\nid:"), "{mode}: {}", r.stderr);
        // Nothing acknowledged comes back (unacknowledged, a and b would come first), nothing
        // handed back is lost.
        let r = stomp(&b.url(), &["--subscribe", &q, "-n", "1"], b"");
        assert_eq!(
            (r.code, lines(&r)),
            (0, vec!["c".into()]),
            "{mode}: {}",
            r.stderr
        );
    }
}

#[test]
fn heart_beats_go_both_ways() {
    let Some(b) = broker() else { return };
    let q = destination("beats");
    let args = ["--subscribe", &q, "--heartbeat", "1", "-w", "4", "--jsonl"];
    let r = stomp(&b.url(), &args, b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let beats = |dir: &str| {
        r.out()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
            .filter(|l| l["type"] == "message" && l["dir"] == dir && l["data"] == "\n")
            .count()
    };
    assert!(beats("out") >= 1 && beats("in") >= 1, "{}", r.out());
    let connected = r.out();
    assert!(
        connected.contains("\"heart_beat_send_ms\":1000.0"),
        "{connected}"
    );
}

#[test]
fn a_refused_login_is_the_servers_error() {
    let Some(b) = broker() else { return };
    let r = stomp(
        &b.url(),
        &["-u", "guest:wrong", "--destination", "/queue/x"],
        b"hi\n",
    );
    assert_eq!(r.code, 16, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "wscope: error: the STOMP server sent ERROR: Bad CONNECT: Access refused for user 'guest'"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint: the server refused CONNECT"),
        "{}",
        r.stderr
    );
    let r = stomp(&b.url(), &["--stomp-host", "nowhere"], b"");
    assert_eq!(r.code, 16, "{}", r.stderr);
    assert!(
        r.stderr.contains("Virtual host 'nowhere' access denied"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_large_body_goes_in_pieces_and_comes_back_whole() {
    let Some(b) = broker() else { return };
    let q = destination("large");
    let body: String = (0..300_000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let args = [
        "--subscribe",
        &q,
        "--destination",
        &q,
        "--stomp-split",
        "64K",
        "--input",
        "whole",
        "-n",
        "1",
        "--jsonl",
    ];
    let r = stomp(&b.url(), &args, body.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<serde_json::Value> = r
        .out()
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let pieces: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["type"] == "message" && l["dir"] == "out" && l["len"].as_u64() > Some(1000))
        .collect();
    assert_eq!(pieces.len(), 5, "300 kB in pieces of 64 KiB");
    let got = lines
        .iter()
        .find(|l| l["dir"] == "in" && l["app"][0]["kind"] == "message")
        .expect("the MESSAGE");
    assert_eq!(got["app"][0]["text"].as_str(), Some(body.as_str()));
}

#[test]
fn without_proto_the_server_is_recognised() {
    let Some(b) = broker() else { return };
    let r = run(&["-s", "v12.stomp", "-w", "0", &b.url()], b"");
    assert!(
        r.stderr.contains(
            "this server speaks stomp: it selected a STOMP subprotocol (v1x.stomp); wscope speaks it with --proto stomp"
        ),
        "{}",
        r.stderr
    );
    let r = run(&["--input", "whole", &b.url()], b"FOO\n\n\0");
    assert!(
        r.stderr
            .contains("this server speaks stomp: its first message is a STOMP frame"),
        "{}",
        r.stderr
    );
    assert!(r.out().starts_with("ERROR\n"), "{}", r.out());
}

#[test]
fn the_repl_subscribes_sends_acknowledges_and_runs_transactions() {
    let Some(b) = broker() else { return };
    let q = destination("repl");
    let state = state_dir("stomp");
    let args = [
        "--proto",
        "stomp",
        "--ack",
        "client-individual",
        "--destination",
        &q,
        &b.url(),
    ];
    let mut s = spawn(repl_command(BIN, &args, &state));
    expect(&mut s, "STOMP 1.2: connected to RabbitMQ");
    let elsewhere = destination("repl-receipt");
    s.send_line(format!("/send -H receipt:r1 {elsewhere} x"))
        .expect("send");
    expect(&mut s, "RECEIPT r1: the server has the SEND to");
    s.send_line(format!("/subscribe {q}")).expect("send");
    expect(&mut s, "subscribed to");
    s.send_line(format!("/send {q} first body")).expect("send");
    let note = s.expect(ack_note()).expect("the ack id");
    let id = String::from_utf8_lossy(note.get(1).expect("id")).to_string();
    expect(&mut s, "< first body");
    s.send_line(format!("/ack {id}")).expect("send");
    s.send_line("/ack nothing-like-it").expect("send");
    expect(
        &mut s,
        "no received message waits for an acknowledgement by \"nothing-like-it\"",
    );
    s.send_line("/begin").expect("send");
    expect(&mut s, "transaction tx-1 begun");
    s.send_line("in the transaction").expect("send");
    s.send_line("/commit").expect("send");
    expect(&mut s, "transaction tx-1 committed");
    expect(&mut s, "< in the transaction");
    assert_eq!(ctrl_d(&mut s), 0);
}

/// The ack id a REPL note names: `waits for /ack ID (or /nack ID)`.
fn ack_note() -> expectrl::Regex<&'static str> {
    expectrl::Regex(r"waits for /ack (\S+) \(or /nack")
}
