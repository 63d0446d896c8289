//! Every kind of line written and read back through the same types, equal; and what a
//! reader says about lines it cannot read.

use super::*;
use std::time::{Duration, UNIX_EPOCH};

fn ms(micros: u64) -> Millis {
    Millis::new(Duration::from_micros(micros))
}

fn timings() -> Timings {
    Timings {
        dns_ms: ms(7),
        proxy_ms: None,
        tcp_ms: ms(161),
        tls_ms: Some(ms(2_500)),
        upgrade_ms: ms(520),
    }
}

fn traffic(messages: u64, bytes: u64) -> Traffic {
    Traffic { messages, bytes }
}

fn note(notice: Option<Notice>) -> Note {
    Note {
        notice,
        message: "said \"so\"\n".into(),
    }
}

fn deflate() -> Deflate {
    Deflate {
        server_no_context_takeover: true,
        client_no_context_takeover: false,
        server_max_window_bits: 15,
        client_max_window_bits: 9,
    }
}

/// One of every notice.
fn notices() -> Vec<Notice> {
    let traffic = traffic(3, 42);
    let compressed = Compressed {
        wire_bytes: 10,
        message_bytes: 40,
        compressed_messages: 1,
        messages: 2,
    };
    let status = |deflate| Status {
        state: State::Open,
        uptime_ms: ms(1_234_567),
        received: traffic,
        sent: traffic,
        last_rtt_ms: Some(ms(300)),
        deflate,
    };
    vec![
        Notice::Status(status(None)),
        Notice::Status(status(Some(Compression {
            agreed: deflate(),
            received: compressed,
            sent: compressed,
        }))),
        Notice::Filter { expr: None },
        Notice::FilterSet {
            expr: Some(".a".into()),
        },
        Notice::FrameDump { on: true },
        Notice::Pretty { on: false },
        Notice::FirstMessage { after_ms: ms(50) },
        Notice::AutoReply {
            rule: 1,
            response: "pong".into(),
        },
        Notice::NotPrinted {
            dropped: 2,
            count: 5,
        },
        Notice::Redirect {
            url: "wss://h/".into(),
        },
        Notice::Closing,
        Notice::NotCompressed,
        Notice::CloseUnanswered {
            limit_ms: ms(2_000_000),
            received: 4,
        },
        Notice::ReplyLimited {
            rule: 2,
            matches: "x".into(),
            per_second: 20,
        },
        Notice::DecodeFailed {
            error: "not gzip".into(),
        },
        Notice::FilterFailed {
            error: "cannot index".into(),
        },
        Notice::CoprocStopped {
            grace_ms: ms(1000),
            exit_status: None,
            signal: Some(15),
        },
        Notice::Insecure,
        Notice::SubprotocolsDeclined {
            offered: vec!["a".into(), "b".into()],
        },
        Notice::ExtensionsDeclined {
            offered: vec!["x-ext".into()],
        },
        Notice::WindowBits {
            bits: 15,
            agreed: 9,
        },
        Notice::ProtoGuess {
            protocol: "socketio".into(),
        },
        Notice::SockJs,
        Notice::Proto {
            protocol: "socketio".into(),
            about: "connected".into(),
            facts: [("namespace".to_string(), serde_json::Value::from("/"))]
                .into_iter()
                .collect(),
        },
    ]
}

/// Which notice it is; a new notice does not compile until it is listed here.
fn notice_index(n: &Notice) -> usize {
    match n {
        Notice::Status(_) => 0,
        Notice::Filter { .. } => 1,
        Notice::FilterSet { .. } => 2,
        Notice::FrameDump { .. } => 3,
        Notice::Pretty { .. } => 4,
        Notice::FirstMessage { .. } => 5,
        Notice::AutoReply { .. } => 6,
        Notice::NotPrinted { .. } => 7,
        Notice::Redirect { .. } => 8,
        Notice::Closing => 9,
        Notice::NotCompressed => 10,
        Notice::CloseUnanswered { .. } => 11,
        Notice::ReplyLimited { .. } => 12,
        Notice::DecodeFailed { .. } => 13,
        Notice::FilterFailed { .. } => 14,
        Notice::CoprocStopped { .. } => 15,
        Notice::Insecure => 16,
        Notice::SubprotocolsDeclined { .. } => 17,
        Notice::ExtensionsDeclined { .. } => 18,
        Notice::WindowBits { .. } => 19,
        Notice::ProtoGuess { .. } => 20,
        Notice::Proto { .. } => 21,
        Notice::SockJs => 22,
    }
}
const NOTICES: usize = 23;

/// A message under `--proto` with the application messages it carried, in each shape.
fn app_message() -> Message<'static> {
    let facts = |pairs: &[(&str, serde_json::Value)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    let mut m = Message::new(Dir::In, Opcode::Text, br#"421["ask",{"_binary":"AQI="}]"#);
    m.app = Some(vec![
        App {
            protocol: "socketio".into(),
            kind: "event".into(),
            data: Some(Json::new(r#"["ask",{"_binary":"AQI="}]"#)),
            text: None,
            input: None,
            filtered: Some(Some(vec![Json::new("\"ask\"")])),
            filter_error: None,
            facts: facts(&[("event", "ask".into()), ("ack_id", 1.into())]),
        },
        App {
            protocol: "stomp".into(),
            kind: "message".into(),
            data: None,
            text: Some("a body\n".into()),
            input: Some("/send /queue/a a body".into()),
            filtered: Some(None),
            filter_error: Some("no".into()),
            facts: facts(&[("latency_ms", 1.5.into())]),
        },
    ]);
    m
}

/// Which type a body is; a new type does not compile until it is listed here.
fn body_index(b: &Body<'_>) -> usize {
    match b {
        Body::Connected(_) => 0,
        Body::Proxy(_) => 1,
        Body::Tls(_) => 2,
        Body::Request(_) => 3,
        Body::Response(_) => 4,
        Body::Open(_) => 5,
        Body::Message(_) => 6,
        Body::Ping(_) => 7,
        Body::Pong(_) => 8,
        Body::Close(_) => 9,
        Body::Frame(_) => 10,
        Body::Reconnect(_) => 11,
        Body::Timing(_) => 12,
        Body::Info(_) => 13,
        Body::Warning(_) => 14,
        Body::Error(_) => 15,
        Body::End(_) => 16,
        Body::Probe(_) => 17,
        Body::ProbeSummary(_) => 18,
    }
}
const BODIES: usize = 19;

/// A line of every type, and of every shape a type takes.
fn samples() -> Vec<Body<'static>> {
    let filtered = |filtered| {
        let mut m = Message::new(Dir::In, Opcode::Text, br#"{"px":1.50}"#);
        m.filtered = filtered;
        m
    };
    let mut decoded = Message::new(Dir::In, Opcode::Binary, &[0x1f, 0x8b, 0xff]);
    decoded.decoded = Some(Decoded {
        format: "gzip".into(),
        len: 8,
        data: r#"{"px":2}"#.into(),
        encoding: None,
    });
    decoded.decode_error = Some("cut".into());
    decoded.filter_error = Some("too many results".into());
    let mut bodies = vec![
        Body::Connected(Connected {
            url: "ws://u:***@h:1/p?q".into(),
            peer: "127.0.0.1:1".into(),
            dns_ms: ms(7),
            tcp_ms: ms(161),
        }),
        Body::Proxy(Proxy {
            proxy: "http://p:3128".into(),
            source: "--proxy".into(),
            request: Some("CONNECT h:1 HTTP/1.1\r\nProxy-Authorization: Basic ****\r\n\r\n".into()),
            response: Some("HTTP/1.1 200 OK\r\n\r\n".into()),
            proxy_ms: ms(1),
        }),
        Body::Proxy(Proxy {
            proxy: "socks5://p:1080".into(),
            source: "ALL_PROXY".into(),
            request: None,
            response: None,
            proxy_ms: ms(1),
        }),
        Body::Tls(Tls {
            protocol: Some("TLSv1.3".into()),
            cipher: Some("TLS_AES_128_GCM_SHA256".into()),
            tls_ms: ms(3_000),
            verified: false,
            certificate: vec!["subject: CN=localhost".into()],
        }),
        Body::Request(Request {
            head: "GET / HTTP/1.1\r\nAuthorization: Basic ****\r\n\r\n".into(),
        }),
        Body::Response(Response {
            head: "HTTP/1.1 403 Forbidden\r\n\r\n".into(),
            body: Some("no ✓".into()),
            body_truncated: Some(true),
            timings: timings(),
        }),
        Body::Response(Response {
            head: "HTTP/1.1 101 Switching Protocols\r\n\r\n".into(),
            body: None,
            body_truncated: None,
            timings: timings(),
        }),
        Body::Open(Open {
            subprotocol: Some("chat".into()),
            extensions: vec!["permessage-deflate".into()],
            deflate: Some(deflate()),
            proto: None,
        }),
        Body::Open(Open {
            subprotocol: None,
            extensions: Vec::new(),
            deflate: None,
            proto: Some(Proto {
                name: "socketio".into(),
                url: "ws://u:***@h/admin?x=1".into(),
            }),
        }),
        Body::Message(app_message()),
        Body::Message(Message::new(
            Dir::Out,
            Opcode::Text,
            "héllo\n\u{1}".as_bytes(),
        )),
        Body::Message(Message::new(Dir::In, Opcode::Binary, &[0, 1, 0xff])),
        Body::Message(filtered(Some(Some(vec![
            Json::new("1.50"),
            Json::new("{\"a\":[1,2]}"),
            Json::new("NaN"),
            Json::string("raw"),
        ])))),
        Body::Message(filtered(Some(None))),
        Body::Message(decoded),
        Body::Ping(Control::new(Dir::Out, b"keep", None)),
        Body::Pong(Control::new(Dir::In, &[0xff], Some(ms(250)))),
        Body::Close(Close {
            dir: Dir::In,
            code: Some(4000),
            reason: "bye".into(),
        }),
        Body::Close(Close {
            dir: Dir::Out,
            code: None,
            reason: "".into(),
        }),
        Body::Frame(Frame {
            dir: Dir::Out,
            fin: true,
            rsv1: true,
            rsv2: false,
            rsv3: false,
            opcode: 1,
            opcode_name: "TEXT".into(),
            masked: true,
            mask_key: Some("01020304".into()),
            len: 70000,
            len_encoding: "64-bit".into(),
            header: "c1ff".into(),
            payload: "AQI=".into(),
            payload_encoding: Encoding::Base64,
            message_len: Some(90000),
        }),
        Body::Reconnect(Reconnect {
            attempt: 2,
            max: None,
            delay_ms: ms(1_500_000),
            reason: "refused".into(),
        }),
        Body::Timing(Timing {
            timings: timings(),
            first_message_ms: None,
            total_ms: ms(9_999),
        }),
        Body::Info(note(None)),
        Body::Error(Error {
            exit_code: 130,
            notice: None,
            message: "interrupted".into(),
            hint: Some("try again".into()),
        }),
        Body::End(End {
            exit_code: 0,
            meaning: "clean close".into(),
            close: Some(Closed {
                by: Side::Wscope,
                code: Some(1000),
                reason: "done".into(),
            }),
            received: traffic(2, 10),
            sent: traffic(1, 5),
        }),
        Body::End(End {
            exit_code: 7,
            meaning: "abnormal closure".into(),
            close: None,
            received: traffic(0, 0),
            sent: traffic(0, 0),
        }),
        Body::End(End {
            exit_code: 8,
            meaning: "peer closed".into(),
            close: Some(Closed {
                by: Side::Peer,
                code: None,
                reason: String::new(),
            }),
            received: traffic(1, 1),
            sent: traffic(0, 0),
        }),
        Body::Probe(Probe {
            group: "control".into(),
            check: "ping".into(),
            title: "pong payload = ping".into(),
            section: "RFC 6455 §5.5.3".into(),
            verdict: Verdict::Warn,
            observed: "Close 1007 \"bad\"".into(),
            ms: ms(1_960),
        }),
        Body::ProbeSummary(ProbeSummary {
            url: "ws://h/".into(),
            checks: 3,
            pass: 2,
            fail: 0,
            warn: 0,
            info: 1,
            skip: 0,
            exit_code: 0,
            ms: ms(3_612),
        }),
    ];
    for n in notices() {
        bodies.push(Body::Info(note(Some(n.clone()))));
        bodies.push(Body::Warning(note(Some(n))));
    }
    bodies
}

#[test]
fn every_kind_of_line_reads_back_equal() {
    let at = Timestamp::new(UNIX_EPOCH + Duration::from_nanos(1_795_000_000_123_456_789));
    let bodies = samples();
    let mut kinds = [false; BODIES];
    let mut notices_seen = [false; NOTICES];
    for body in bodies {
        kinds[body_index(&body)] = true;
        if let Body::Info(Note {
            notice: Some(n), ..
        }) = &body
        {
            notices_seen[notice_index(n)] = true;
        }
        let line = Line { ts: at, body };
        let text = to_string(&line);
        assert!(!text.contains('\n'), "one line: {text}");
        let expected_start = format!(
            "{{\"v\":{VERSION},\"ts\":\"2026-11-18T11:06:40.123456Z\",\"type\":\"{}\"",
            line.body.kind()
        );
        assert!(text.starts_with(&expected_start), "{text}");
        assert_eq!(read(&text).as_ref(), Ok(&line), "{text}");
    }
    assert_eq!(kinds, [true; BODIES], "a sample of every type");
    assert_eq!(notices_seen, [true; NOTICES], "a sample of every notice");
}

#[test]
fn payloads_are_text_or_base64_and_filter_results_keep_their_spelling() {
    let line = |body| {
        to_string(&Line {
            ts: Timestamp::new(UNIX_EPOCH),
            body,
        })
    };
    let text = line(Body::Message(Message::new(Dir::In, Opcode::Text, b"hi")));
    assert!(
        text.ends_with(r#""type":"message","dir":"in","opcode":"text","len":2,"data":"hi"}"#),
        "{text}"
    );
    let binary = line(Body::Message(Message::new(Dir::In, Opcode::Binary, b"hi")));
    assert!(
        binary.ends_with(r#""data":"aGk=","encoding":"base64"}"#),
        "{binary}"
    );
    let ping = line(Body::Ping(Control::new(Dir::In, &[0xff], None)));
    assert!(
        ping.ends_with(r#""len":1,"data":"/w==","encoding":"base64"}"#),
        "{ping}"
    );
    let mut m = Message::new(Dir::In, Opcode::Text, b"{}");
    m.filtered = Some(Some(vec![Json::new("1.50"), Json::new("NaN")]));
    let filtered = line(Body::Message(m));
    assert!(
        filtered.ends_with(r#""filtered":[1.50,"NaN"]}"#),
        "{filtered}"
    );
}

#[test]
fn lines_that_cannot_be_read_say_why() {
    let cases = [
        ("not json", "not JSON"),
        ("42", "no \"type\": not a wscope event"),
        (r#"{"ts":"x"}"#, "no \"type\": not a wscope event"),
        (r#"{"type":"open"}"#, "no \"ts\" timestamp"),
        (
            r#"{"type":"open","ts":"yesterday"}"#,
            "timestamp \"yesterday\"",
        ),
        (
            r#"{"v":2,"type":"open","ts":"2026-11-30T18:12:00Z"}"#,
            "written in JSON Lines version 2",
        ),
        (
            r#"{"type":"later","ts":"2026-11-30T18:12:00Z"}"#,
            "an event of type \"later\"",
        ),
        (
            r#"{"type":"message","ts":"2026-11-30T18:12:00Z","dir":"up"}"#,
            "a message event: unknown variant `up`",
        ),
    ];
    for (line, want) in cases {
        let why = read(line).expect_err(line).to_string();
        assert!(why.starts_with(want), "{why:?} for {line}");
    }
}

#[test]
fn lines_written_before_the_version_read_as_version_1() {
    let old = r#"{"ts":"2026-11-30T18:11:33.810784Z","type":"message","dir":"in","opcode":"text","len":5,"data":"hello"}"#;
    let line = read(old).expect("an old line");
    assert_eq!(
        line.body,
        Body::Message(Message::new(Dir::In, Opcode::Text, b"hello"))
    );
}
