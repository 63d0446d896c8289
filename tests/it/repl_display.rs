//! Messages a person can read, in a real terminal: JSON highlighted (and not with NO_COLOR),
//! `--pretty` and `/pretty`, `/filter` on a live stream, `/last`, `/json`, `--decode`.

use crate::pty::{ctrl_d, expect, open_repl, repl_command, spawn, state_dir, wait_exit};
use crate::support::*;
use expectrl::session::OsSession as Session;
use expectrl::{Expect, Regex};
use flate2::Compression;
use flate2::write::GzEncoder;
use futures_util::{SinkExt, StreamExt};
use std::io::Write;
use std::time::Duration;

/// Echoes text and logs it; `stream` starts a feed of ticks and trades (30 ms apart, bounded),
/// `long` sends a long JSON document, `gz` a gzip-compressed one in a binary message.
fn display_server() -> Server {
    ws_server(|ws, log| async move {
        let (mut tx, mut rx) = ws.split();
        let mut feed: Option<tokio::time::Interval> = None;
        let mut n = 0u32;
        loop {
            let tick = async {
                match feed.as_mut() {
                    Some(i) => i.tick().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                m = rx.next() => {
                    let Some(Ok(Message::Text(t))) = m else {
                        match m {
                            Some(Ok(_)) => continue,
                            _ => break,
                        }
                    };
                    push(&log, format!("text:{}", t.as_str()));
                    let reply = match t.as_str() {
                        "stream" => {
                            feed = Some(tokio::time::interval(Duration::from_millis(30)));
                            continue;
                        }
                        "long" => Message::text(long_document()),
                        "gz" => Message::binary(gzip(br#"{"z": [1, 2]}"#)),
                        _ => Message::Text(t),
                    };
                    let _ = tx.send(reply).await;
                }
                _ = tick => {
                    n += 1;
                    if n > 1000 {
                        feed = None;
                    }
                    let m = if n % 2 == 0 {
                        format!(r#"{{"type":"trade","n":{n},"px":{n}.5}}"#)
                    } else {
                        format!(r#"{{"type":"tick","n":{n}}}"#)
                    };
                    let _ = tx.send(Message::text(m)).await;
                }
            }
        }
    })
}

fn long_document() -> String {
    let fields: Vec<String> = (0..60).map(|i| format!("\"k{i}\": {i}")).collect();
    format!("{{ {} }}", fields.join(", "))
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A trade's price shown by the filter.
const PX: &str = r"< \d+\.5\r?\n";

/// The text before `what` appears (waiting for it).
fn before(s: &mut Session, what: impl expectrl::Needle) -> String {
    match s.expect(what) {
        Ok(c) => String::from_utf8_lossy(c.before()).into_owned(),
        Err(e) => panic!("did not see it: {e}"),
    }
}

#[test]
fn json_is_highlighted_on_a_terminal_and_plain_with_no_color() {
    let srv = display_server();
    let state = state_dir("highlight");
    let mut c = repl_command(BIN, &[&srv.url("/")], &state);
    c.env_remove("NO_COLOR");
    let mut s = spawn(c);
    expect(&mut s, "WebSocket open");
    s.send_line(r#"{"k": "v", "n": 1.50, "t": true}"#)
        .expect("send");
    expect(
        &mut s,
        "{\x1b[1;34m\"k\"\x1b[0m:\x1b[32m\"v\"\x1b[0m,\x1b[1;34m\"n\"\x1b[0m:\x1b[36m1.50\x1b[0m,\x1b[1;34m\"t\"\x1b[0m:\x1b[33mtrue\x1b[0m}",
    );
    s.send_line("/quit").expect("quit");
    assert_eq!(wait_exit(&mut s), 0);

    // NO_COLOR: the same document compact, without a single escape sequence in it.
    let mut s = spawn(repl_command(BIN, &[&srv.url("/")], &state));
    expect(&mut s, "WebSocket open");
    s.send_line(r#"{"k": "v", "n": 1.50, "t": true}"#)
        .expect("send");
    expect(&mut s, r#"< {"k":"v","n":1.50,"t":true}"#);
    s.send_line("/quit").expect("quit");
    assert_eq!(wait_exit(&mut s), 0);

    // stdout a terminal outside the REPL (-e): highlighted too.
    let mut c = repl_command(
        BIN,
        &["--idle", "0", "-e", r#"{"a": [1, null]}"#, &srv.url("/")],
        &state,
    );
    c.env_remove("NO_COLOR");
    let mut s = spawn(c);
    expect(
        &mut s,
        "{\x1b[1;34m\"a\"\x1b[0m:[\x1b[36m1\x1b[0m,\x1b[90mnull\x1b[0m]}",
    );
    assert_eq!(wait_exit(&mut s), 0);
}

#[test]
fn pretty_indents_in_the_repl_and_slash_pretty_turns_it_off() {
    let srv = display_server();
    let state = state_dir("pretty");
    let mut s = spawn(repl_command(
        BIN,
        &["--pretty", "--decode", "gzip", &srv.url("/")],
        &state,
    ));
    expect(&mut s, "WebSocket open");
    s.send_line(r#"{"a":[1,2],"b":{}}"#).expect("send");
    for line in [
        "< {",
        "  \"a\": [",
        "    1,",
        "    2",
        "  ],",
        "  \"b\": {}",
        "}",
    ] {
        expect(&mut s, line);
    }
    s.send_line("gz").expect("send");
    for line in ["< {", "  \"z\": [", "    1,", "    2", "  ]", "}"] {
        expect(&mut s, line);
    }
    s.send_line("/pretty off").expect("send");
    expect(&mut s, "received JSON shown compact");
    s.send_line(r#"{"a":[1,2],"b":{}}"#).expect("send");
    expect(&mut s, r#"< {"a":[1,2],"b":{}}"#);
    s.send_line("gz").expect("send");
    expect(&mut s, r#"< {"z":[1,2]}"#);
    assert_eq!(ctrl_d(&mut s), 0);
}

#[test]
fn a_filter_set_on_a_live_stream_changes_what_is_shown_and_keeps_the_line_being_typed() {
    let srv = display_server();
    let mut s = open_repl(&srv.url("/"), "filter");
    s.send_line("stream").expect("send");
    expect(&mut s, r#"< {"type":"tick","n":"#);
    s.send_line(r#"/filter select(.type == "trade") | .px"#)
        .expect("send");
    expect(&mut s, r#"* filter: select(.type == "trade") | .px"#);
    before(&mut s, Regex(PX));
    for _ in 0..3 {
        let shown = before(&mut s, Regex(PX));
        assert!(!shown.contains("tick"), "a tick got through: {shown:?}");
    }
    // A line half typed while results arrive is kept whole.
    s.send("half-typ").expect("type");
    before(&mut s, Regex(PX));
    before(&mut s, Regex(PX));
    s.send("ed line\r").expect("type");
    srv.wait_for("the intact line", |l| l == "text:half-typed line");
    s.send_line("/filter").expect("send");
    expect(&mut s, r#"filter: select(.type == "trade") | .px"#);
    s.send_line("/filter .a | |").expect("send");
    expect(&mut s, "/filter: error at column 6: expected term");
    before(&mut s, Regex(PX));
    s.send_line("/filter off").expect("send");
    expect(&mut s, "* filter off");
    expect(&mut s, r#"< {"type":"tick","n":"#);
    assert_eq!(ctrl_d(&mut s), 0);
}

#[test]
fn last_shows_a_long_message_again_whole_and_indented() {
    let srv = display_server();
    let mut s = open_repl(&srv.url("/"), "last");
    s.send_line("/last").expect("send");
    expect(&mut s, "* no message received yet");
    s.send_line("long").expect("send");
    expect(&mut s, r#""k59":59}"#);
    s.send_line("hello").expect("send");
    expect(&mut s, "< hello");
    s.send_line("/last 2").expect("send");
    expect(&mut s, "* #1 of 2 received, ");
    expect(&mut s, "< {");
    for i in 0..59 {
        expect(&mut s, &format!("  \"k{i}\": {i},"));
    }
    expect(&mut s, "  \"k59\": 59");
    expect(&mut s, "* #2 of 2 received, 5 bytes");
    expect(&mut s, "< hello");
    s.send_line("/last 5").expect("send");
    expect(&mut s, "* #1 of 2 received");
    assert_eq!(ctrl_d(&mut s), 0);
}

#[test]
fn json_command_refuses_bad_json_and_sends_good_json_compact() {
    let srv = display_server();
    let mut s = open_repl(&srv.url("/"), "json");
    s.send_line(r#"/json {"op": sub}"#).expect("send");
    expect(&mut s, "/json: error at column 8: expected a value");
    expect(&mut s, "nothing sent");
    s.send_line(r#"/json {"op": "sub", "n": [1, 2.50]}"#)
        .expect("send");
    srv.wait_for("compact JSON", |l| l == r#"text:{"op":"sub","n":[1,2.50]}"#);
    expect(&mut s, r#"< {"op":"sub","n":[1,2.50]}"#);
    assert_eq!(ctrl_d(&mut s), 0);
    let texts: Vec<String> = srv.texts();
    assert_eq!(texts, vec![r#"text:{"op":"sub","n":[1,2.50]}"#.to_string()]);
}
