//! Every event written as its JSON line reads back equal through the same types; timings are
//! written alike in both events that carry them; credentials are masked unless asked.

use super::*;
use crate::error::{Error, Kind};
use crate::event::notice::{CompressionStatus, Ending, Status, Traffic};
use crate::event::{
    AppMessage, Connected, Fact, FirstClose, Info, NoteLevel, ProtoNote, ProtoSession,
    Reconnecting, Response, TimingSummary, Tunnel, Warning,
};
use crate::net::transport::Peer;
use crate::wire::deflate::Agreed;
use crate::wire::deflate::Totals;
use crate::wire::frame::FrameHeader;
use crate::wire::response::Negotiated;
use crate::wire::scanner::FrameRecord;
use std::time::{Duration, UNIX_EPOCH};

fn at(event: Event) -> Stamped {
    Stamped {
        at: UNIX_EPOCH + Duration::from_nanos(1_795_000_000_123_456_789),
        event,
    }
}

fn sample_timings() -> Timings {
    Timings {
        dns: Duration::from_micros(1500),
        proxy: None,
        tcp: Duration::from_millis(2),
        tls: Some(Duration::from_millis(3)),
        upgrade: Duration::from_millis(4),
    }
}

fn status() -> Status {
    let totals = Totals {
        messages: 2,
        compressed_messages: 1,
        wire_bytes: 10,
        message_bytes: 40,
    };
    Status {
        closing: false,
        uptime: Duration::from_millis(1500),
        received: Traffic {
            messages: 2,
            bytes: 40,
        },
        sent: Traffic {
            messages: 1,
            bytes: 5,
        },
        last_rtt: None,
        compression: Some(CompressionStatus {
            agreed: Agreed::default(),
            received: totals,
            sent: totals,
        }),
    }
}

const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic YWxpY2U6czNjcmV0\r\nCookie: session=abc123; theme=dark\r\n\r\n";
const CONNECT: &[u8] = b"CONNECT h:80 HTTP/1.1\r\nProxy-Authorization: Bearer t0k3n\r\n\r\n";

/// An event of every kind (and of every shape a kind takes).
fn events() -> Vec<Event> {
    let header = FrameHeader::parse(&[0xc1, 0x85, 1, 2, 3, 4]).expect("a header");
    vec![
        Event::Connected(Connected {
            url: "ws://alice:s3cret@h:1/".into(),
            peer: Peer::Tcp("127.0.0.1:1".parse().expect("addr")),
            dns: Duration::from_micros(7),
            tcp: Duration::from_micros(161),
        }),
        Event::Tunnel(Tunnel {
            proxy: "http://p:3128".into(),
            source: "--proxy".into(),
            exchange: Some((CONNECT.to_vec(), b"HTTP/1.1 200 OK\r\n\r\n".to_vec())),
            took: Duration::from_millis(1),
        }),
        Event::TlsUp(TlsUp {
            took: Duration::from_millis(3),
            insecure: true,
            protocol: Some(("TLSv1.3".into(), "TLS_AES_256_GCM_SHA384".into())),
            certificate: vec!["subject: CN=localhost".into()],
        }),
        Event::Reconnect(Reconnecting {
            attempt: 1,
            max: Some(3),
            delay: Duration::from_millis(250),
            reason: "refused".into(),
        }),
        Event::Timing(TimingSummary {
            timings: sample_timings(),
            first_message: Some(Duration::from_millis(5)),
            total: Duration::from_millis(10),
        }),
        Event::Request {
            bytes: REQUEST.to_vec(),
        },
        Event::Response(Response {
            head: b"HTTP/1.1 403 Forbidden\r\n\r\n".to_vec(),
            body: Some(b"go away \xff".to_vec()),
            body_truncated: true,
            timings: sample_timings(),
        }),
        Event::Upgraded {
            negotiated: Negotiated {
                protocol: Some("chat".into()),
                extensions: vec!["permessage-deflate".into()],
                deflate: Some(Agreed::default()),
            },
            proto: None,
        },
        Event::Message {
            dir: Dir::Out,
            kind: DataKind::Text,
            data: "hé\n".as_bytes().to_vec(),
        },
        Event::Message {
            dir: Dir::In,
            kind: DataKind::Binary,
            data: vec![0, 0xff],
        },
        Event::Ping {
            dir: Dir::In,
            payload: vec![0xfe],
        },
        Event::Pong {
            dir: Dir::In,
            payload: b"wscope-keepalive-1".to_vec(),
            rtt: Some(Duration::from_micros(2500)),
        },
        Event::Close {
            dir: Dir::In,
            code: Some(1000),
            reason: "bye".into(),
            farewell: false,
        },
        Event::Frame(TappedFrame {
            dir: Dir::Out,
            at: UNIX_EPOCH,
            record: FrameRecord {
                header,
                payload: b"hello".to_vec(),
            },
            inflated: Some(9),
        }),
        Event::Plain("help\ntext".into()),
        Event::Info(Info::Status(status())),
        Event::Info(Info::Redirect {
            to: "wss://alice:s3cret@h/next".into(),
        }),
        Event::Info(Info::FilterIs { expr: None }),
        Event::Warning(Warning::CoprocStopped {
            grace: Duration::from_secs(1),
            ending: Ending::Signaled(9),
        }),
        Event::Warning(Warning::Closing),
        Event::Failure(Error::new(Kind::Connect, "refused").with_hint("is it running?")),
        Event::ProtoMessage {
            dir: Dir::Out,
            kind: DataKind::Text,
            data: br#"420["chat","hi"]"#.to_vec(),
            app: vec![AppMessage {
                protocol: "socketio",
                kind: "emit",
                text: r#"["chat","hi"]"#.into(),
                json: true,
                facts: vec![
                    ("event", Fact::Text("chat".into())),
                    ("ack_id", Fact::Number(0)),
                    ("latency_ms", Fact::Millis(Duration::from_micros(1500))),
                    ("more", Fact::Number(1)),
                    ("payload", Fact::Json(r#"{"a":1}"#.into())),
                ],
                input: Some(r#"/emit --ack "chat" "hi""#.into()),
            }],
        },
        Event::ProtoMessage {
            dir: Dir::In,
            kind: DataKind::Text,
            data: b"2".to_vec(),
            app: Vec::new(),
        },
        Event::Proto(ProtoNote {
            protocol: "socketio",
            kind: "connected",
            level: NoteLevel::Info,
            text: "connected".into(),
            facts: vec![("sid", Fact::Text("x".into()))],
        }),
        Event::Proto(ProtoNote {
            protocol: "socketio",
            kind: "malformed",
            level: NoteLevel::Warning,
            text: "bad".into(),
            facts: Vec::new(),
        }),
        Event::Proto(ProtoNote {
            protocol: "jsonrpc",
            kind: "error_response",
            level: NoteLevel::Failed,
            text: "sum: -32602 Invalid params".into(),
            facts: vec![("code", Fact::Json("-32602".into()))],
        }),
        Event::Upgraded {
            negotiated: Negotiated::default(),
            proto: Some(ProtoSession {
                name: "socketio",
                url: "ws://alice:s3cret@h/admin".into(),
            }),
        },
        Event::End(End {
            failure: None,
            first_close: Some(FirstClose {
                dir: Dir::In,
                code: Some(1001),
                reason: "going away".into(),
            }),
            received: Traffic {
                messages: 2,
                bytes: 7,
            },
            sent: Traffic::default(),
        }),
        Event::End(End {
            failure: Some(Kind::Abnormal),
            first_close: None,
            received: Traffic::default(),
            sent: Traffic::default(),
        }),
    ]
}

/// Which kind an event is; a new kind does not compile until it is listed here.
fn index(e: &Event) -> usize {
    match e {
        Event::Connected(_) => 0,
        Event::Tunnel(_) => 1,
        Event::TlsUp(_) => 2,
        Event::Reconnect(_) => 3,
        Event::Timing(_) => 4,
        Event::Request { .. } => 5,
        Event::Response(_) => 6,
        Event::Upgraded { .. } => 7,
        Event::Message { .. } => 8,
        Event::Ping { .. } => 9,
        Event::Pong { .. } => 10,
        Event::Close { .. } => 11,
        Event::Frame(_) => 12,
        Event::Plain(_) => 13,
        Event::Info(_) => 14,
        Event::Warning(_) => 15,
        Event::Failure(_) => 16,
        Event::ProtoMessage { .. } => 17,
        Event::Proto(_) => 18,
        Event::End(_) => 19,
    }
}
const KINDS: usize = 20;

#[test]
fn every_event_reads_back_as_the_line_it_was_written_as() {
    let mut seen = [false; KINDS];
    for event in events() {
        seen[index(&event)] = true;
        let ev = at(event);
        for show in [false, true] {
            let written = line(&ev, show);
            let text = jsonl::to_string(&written);
            assert_eq!(jsonl::read(&text).as_ref(), Ok(&written), "{text}");
        }
    }
    assert_eq!(seen, [true; KINDS], "an event of every kind");
}

#[test]
fn credentials_are_masked_unless_asked() {
    let written = |event, show| jsonl::to_string(&line(&at(event), show));
    let request = || Event::Request {
        bytes: REQUEST.to_vec(),
    };
    let masked = written(request(), false);
    assert!(
        masked.contains(r"Authorization: Basic ****\r\nCookie: session=****; theme=****\r\n"),
        "{masked}"
    );
    assert!(!masked.contains("YWxpY2U6czNjcmV0") && !masked.contains("abc123"));
    let shown = written(request(), true);
    assert!(shown.contains("YWxpY2U6czNjcmV0") && shown.contains("session=abc123"));

    let [connected, tunnel] = [0, 1].map(|i| events().swap_remove(i));
    let url = |e: &Event, show| written(e.clone(), show);
    assert!(url(&connected, false).contains(r#""url":"ws://alice:***@h:1/""#));
    assert!(url(&connected, true).contains(r#""url":"ws://alice:s3cret@h:1/""#));
    assert!(url(&tunnel, false).contains("Proxy-Authorization: Bearer ****"));
    assert!(url(&tunnel, true).contains("Proxy-Authorization: Bearer t0k3n"));
}

#[test]
fn timings_are_written_the_same_in_both_events() {
    let response = at(Event::Response(Response {
        head: b"HTTP/1.1 101 OK\r\n\r\n".to_vec(),
        body: None,
        body_truncated: false,
        timings: sample_timings(),
    }));
    let timing = at(Event::Timing(TimingSummary {
        timings: sample_timings(),
        first_message: None,
        total: Duration::from_millis(10),
    }));
    let (response, timing) = (line(&response, false), line(&timing, false));
    let (Body::Response(r), Body::Timing(t)) = (&response.body, &timing.body) else {
        panic!("a response and a timing line");
    };
    assert_eq!(r.timings, t.timings);
    let fields = r#""dns_ms":1.5,"proxy_ms":null,"tcp_ms":2.0,"tls_ms":3.0,"upgrade_ms":4.0"#;
    let response = jsonl::to_string(&response);
    assert!(
        response.contains(&format!("\"timings\":{{{fields}}}")),
        "{response}"
    );
    let timing = jsonl::to_string(&timing);
    assert!(
        timing.ends_with(&format!(
            "\"type\":\"timing\",{fields},\"first_message_ms\":null,\"total_ms\":10.0}}"
        )),
        "{timing}"
    );
}

#[test]
fn notices_carry_their_facts_beside_the_sentence() {
    let written = |event, show| jsonl::to_string(&line(&at(event), show));
    let status: serde_json::Value =
        serde_json::from_str(&written(Event::Info(Info::Status(status())), false)).expect("json");
    assert_eq!(status["type"], "info");
    assert_eq!(status["notice"], "status");
    assert_eq!(status["state"], "open");
    assert_eq!(status["uptime_ms"], 1500.0);
    assert_eq!(
        status["received"],
        serde_json::json!({"messages": 2, "bytes": 40})
    );
    assert_eq!(status["last_rtt_ms"], serde_json::Value::Null);
    assert_eq!(status["deflate"]["sent"]["wire_bytes"], 10);
    assert_eq!(status["deflate"]["client_max_window_bits"], 15);
    assert!(
        status["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("state open, up 1.5s\n"))
    );

    let redirect = |show| {
        let to = "wss://alice:s3cret@h/next".to_string();
        written(Event::Info(Info::Redirect { to }), show)
    };
    assert!(redirect(false).contains(r#""notice":"redirect","url":"wss://alice:***@h/next","message":"following the redirect to wss://alice:***@h/next""#), "{}", redirect(false));
    assert!(!redirect(false).contains("s3cret"));
    assert!(redirect(true).contains("wss://alice:s3cret@h/next"));

    let stopped = written(
        Event::Warning(Warning::CoprocStopped {
            grace: Duration::from_secs(1),
            ending: Ending::Exited(3),
        }),
        false,
    );
    assert!(stopped.contains(r#""type":"warning","notice":"coproc_stopped","grace_ms":1000.0,"exit_status":3,"signal":null,"message":"the --coproc program did not exit within 1.0s"#), "{stopped}");
}

#[test]
fn the_end_says_the_exit_status_as_the_table_words_it() {
    let end = |failure| {
        let e = End {
            failure,
            first_close: Some(FirstClose {
                dir: Dir::Out,
                code: Some(1000),
                reason: String::new(),
            }),
            received: Traffic::default(),
            sent: Traffic::default(),
        };
        let text = jsonl::to_string(&line(&at(Event::End(e)), false));
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        (
            v["exit_code"].as_u64(),
            v["meaning"].as_str().map(String::from),
            v["close"]["by"].clone(),
        )
    };
    let clean = end(None);
    assert_eq!(clean.0, Some(0));
    assert_eq!(clean.1.as_deref(), Some(crate::error::CLEAN.1));
    assert_eq!(clean.2, "wscope");
    let lost = end(Some(Kind::Timeout));
    assert_eq!(lost.0, Some(u64::from(Kind::Timeout.exit_code())));
    assert_eq!(lost.1.as_deref(), Some(Kind::Timeout.meaning()));
}
