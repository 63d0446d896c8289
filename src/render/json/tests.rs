//! Every event written as its JSON line reads back equal through the same types; timings are
//! written alike in both events that carry them; credentials are masked unless asked.

use super::*;
use crate::error::{Error, Kind};
use crate::event::{Connected, Reconnecting, Response, TimingSummary, Tunnel};
use crate::net::transport::Peer;
use crate::wire::deflate::Agreed;
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
        Event::Info("closing".into()),
        Event::Warning("careful".into()),
        Event::Failure(Error::new(Kind::Connect, "refused").with_hint("is it running?")),
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
    }
}
const KINDS: usize = 17;

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
