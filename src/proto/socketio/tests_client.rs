//! The Socket.IO client's state machine, driven as the session drives it, with the packets the
//! real servers send (notes/protocols.md) and the time passed in.

use super::client::{Client, Settings};
use super::packet::{Limits, SocketIoVersion};
use crate::error::Kind;
use crate::proto::layer::{Files, Outgoing, Pending, Protocol, Readiness, Step, WsData, WsMessage};
use std::time::{Duration, Instant};

const OPEN4: &str =
    r#"0{"sid":"e1","upgrades":[],"pingInterval":1000,"pingTimeout":500,"maxPayload":100}"#;
const OPEN3: &str = r#"0{"sid":"e1","upgrades":[],"pingInterval":1000,"pingTimeout":500}"#;

fn client(version: SocketIoVersion, namespace: &str, auth: Option<&str>) -> (Client, Instant) {
    let t0 = Instant::now();
    let s = Settings {
        version,
        namespace: namespace.into(),
        auth: auth.map(str::to_string),
        query: Some("token=1".into()),
        limits: Limits::default(),
    };
    (Client::new(s, t0), t0)
}

fn texts(send: &[Outgoing]) -> Vec<String> {
    send.iter()
        .map(|o| match &o.message {
            WsMessage::Text(t) => t.clone(),
            WsMessage::Binary(b) => format!("bin:{b:?}"),
        })
        .collect()
}

fn recv(c: &mut Client, text: &str, at: Instant) -> Step {
    c.received(WsData::Text(text), at)
}

fn printed(step: &Step) -> Vec<&str> {
    step.deliver.iter().map(|a| a.text.as_str()).collect()
}

/// A v5 client connected to `namespace`.
fn connected(namespace: &str) -> (Client, Instant) {
    let (mut c, t0) = client(SocketIoVersion::V5, namespace, None);
    recv(&mut c, OPEN4, t0);
    let prefix = if namespace == "/" {
        String::new()
    } else {
        format!("{namespace},")
    };
    recv(&mut c, &format!("40{prefix}{{\"sid\":\"s1\"}}"), t0);
    assert_eq!(c.ready(), Readiness::Ready);
    (c, t0)
}

#[test]
fn nothing_is_emitted_before_the_servers_connect_answer() {
    let (mut c, t0) = client(SocketIoVersion::V5, "/admin", Some(r#"{"token":"t"}"#));
    assert!(c.open(None, t0).send.is_empty());
    assert_eq!(
        c.ready(),
        Readiness::Waiting("the server's Engine.IO open packet")
    );
    let step = recv(&mut c, OPEN4, t0);
    assert_eq!(texts(&step.send), [r#"40/admin,{"token":"t"}"#]);
    assert_eq!(
        c.ready(),
        Readiness::Waiting("the server's answer to CONNECT")
    );
    assert!(c.input("hi", t0).is_err(), "input waits for the answer");
    // python-socketio emits from its connect handler before it answers CONNECT.
    let early = recv(&mut c, r#"42/admin,["welcome",{"id":"s1"}]"#, t0);
    assert_eq!(printed(&early), [r#"["welcome",{"id":"s1"}]"#]);
    let step = recv(&mut c, r#"40/admin,{"sid":"s1"}"#, t0);
    assert_eq!(step.notes[0].kind, "connected");
    assert!(step.notes[0].text.contains("/admin (socket id s1)"));
    let step = c.input(r#"["chat","hi"]"#, t0).unwrap();
    assert_eq!(texts(&step.send), [r#"42/admin,["chat","hi"]"#]);
    let app = step.send[0].app.as_ref().expect("the emit");
    assert_eq!(
        (app.kind, app.input.as_deref()),
        ("emit", Some(r#"["chat","hi"]"#))
    );
}

#[test]
fn plain_lines_are_the_message_event_and_bad_arrays_are_refused() {
    let (mut c, t0) = connected("/");
    let step = c.input("hello there", t0).unwrap();
    assert_eq!(texts(&step.send), [r#"42["message","hello there"]"#]);
    let e = c.input(r#"["chat", "x""#, t0).unwrap_err();
    assert!(e.to_string().contains("not valid JSON"), "{e}");
    let e = c.input(r#"["connect"]"#, t0).unwrap_err();
    assert!(e.to_string().contains("reserved"), "{e}");
    let big = format!(r#"["chat","{}"]"#, "x".repeat(100));
    let e = c.input(&big, t0).unwrap_err();
    assert!(e.to_string().contains("maxPayload"), "{e}");
}

#[test]
fn engine_io_4_pings_are_answered_and_their_silence_ends_the_run() {
    let (mut c, t0) = connected("/");
    let limit = Duration::from_millis(1500);
    assert_eq!(c.deadline(), Some(t0 + limit));
    let t1 = t0 + Duration::from_millis(900);
    let step = recv(&mut c, "2", t1);
    assert_eq!(texts(&step.send), ["3"]);
    assert_eq!(c.deadline(), Some(t1 + limit));
    assert!(c.on_deadline(t1 + limit / 2).is_empty(), "early: nothing");
    let end = c.on_deadline(t1 + limit).end.expect("pings stopped");
    assert_eq!(end.kind, Kind::Timeout);
    assert!(end.message.contains("stopped pinging"), "{}", end.message);
    assert_eq!(c.deadline(), None);
}

#[test]
fn engine_io_3_the_client_pings_and_waits_for_the_pong() {
    let (mut c, t0) = client(SocketIoVersion::V4, "/", None);
    let step = recv(&mut c, OPEN3, t0);
    assert!(step.send.is_empty(), "Socket.IO 2 connects / by itself");
    recv(&mut c, "40", t0);
    assert_eq!(c.ready(), Readiness::Ready);
    let due = t0 + Duration::from_secs(1);
    assert_eq!(c.deadline(), Some(due));
    assert_eq!(texts(&c.on_deadline(due).send), ["2"]);
    assert_eq!(c.deadline(), Some(due + Duration::from_millis(500)));
    recv(&mut c, "3", due + Duration::from_millis(10));
    assert_eq!(c.deadline(), Some(due + Duration::from_secs(1)));
    let t2 = due + Duration::from_secs(1);
    assert_eq!(texts(&c.on_deadline(t2).send), ["2"]);
    let end = c.on_deadline(t2 + Duration::from_millis(500)).end;
    assert_eq!(end.map(|e| e.kind), Some(Kind::Timeout));
}

#[test]
fn socket_io_2_connects_another_namespace_with_the_query() {
    let (mut c, t0) = client(SocketIoVersion::V4, "/admin", None);
    let step = recv(&mut c, OPEN3, t0);
    assert_eq!(texts(&step.send), ["40/admin?token=1,"]);
    // The default namespace's packets are not ours.
    let step = recv(&mut c, r#"42["welcome",{}]"#, t0);
    assert!(step.deliver.is_empty());
    recv(&mut c, "40/admin,", t0);
    assert_eq!(c.ready(), Readiness::Ready);
}

#[test]
fn acks_both_ways() {
    let (mut c, t0) = connected("/");
    let files = Files::default();
    let step = c
        .command("/emit", r#"--ack chat "hi""#, &files, t0)
        .unwrap();
    assert_eq!(texts(&step.send), [r#"420["chat","hi"]"#]);
    assert_eq!(c.pending(), Pending::Answers);
    let later = t0 + Duration::from_millis(3);
    let step = recv(&mut c, r#"430["ok"]"#, later);
    assert_eq!(printed(&step), [r#"["ok"]"#]);
    assert!(
        step.notes[0]
            .text
            .contains("ack 0 answers \"chat\" after 3.0 ms")
    );
    assert_eq!(c.pending(), Pending::Nothing);

    let step = recv(&mut c, r#"427["question","ready?"]"#, later);
    assert_eq!(step.notes[0].kind, "ack_asked");
    assert!(c.command("/ack", "8", &files, later).is_err(), "not asked");
    let mut files = Files::default();
    files.add("f.bin".into(), vec![1, 2]);
    let step = c
        .command("/ack", r#"7 "yes" @f.bin"#, &files, later)
        .unwrap();
    assert_eq!(
        texts(&step.send),
        [
            r#"461-7["yes",{"_placeholder":true,"num":0}]"#.to_string(),
            "bin:[1, 2]".into()
        ]
    );
    assert!(step.send[1].app.is_none(), "the first message carries it");
    let app = step.send[0].app.as_ref().expect("the ack");
    assert_eq!(
        app.input.as_deref(),
        Some(r#"/ack 7 "yes" {"_binary":"AQI="}"#)
    );
    assert!(
        c.command("/ack", "7", &files, later).is_err(),
        "answered once"
    );
}

#[test]
fn binary_attachments_are_put_in_place() {
    let (mut c, t0) = connected("/");
    assert!(recv(&mut c, r#"451-["blob",{"_placeholder":true,"num":0}]"#, t0).is_empty());
    let step = c.received(WsData::Binary(&[0, 1, 0xff]), t0);
    assert_eq!(printed(&step), [r#"["blob",{"_binary":"AAH/"}]"#]);
}

#[test]
fn refusals_and_disconnects_end_the_run_with_the_servers_message() {
    let (mut c, t0) = client(SocketIoVersion::V5, "/admin", None);
    recv(&mut c, OPEN4, t0);
    let end = recv(&mut c, r#"44/admin,{"message":"not authorized"}"#, t0)
        .end
        .unwrap();
    assert_eq!(end.kind, Kind::ProtoRefused);
    assert!(
        end.message
            .contains("refused namespace /admin: not authorized")
    );
    assert!(end.hint.unwrap().contains("--connect-payload"));
    assert!(
        c.farewell(t0).send.is_empty(),
        "never connected: no DISCONNECT"
    );

    let (mut c, t0) = connected("/");
    let end = recv(&mut c, "41", t0).end.unwrap();
    assert!(
        end.message
            .contains("disconnected the client from namespace /")
    );
    assert!(recv(&mut c, "1", t0).end.is_none(), "the run ends once");

    let (mut c, t0) = connected("/");
    assert_eq!(texts(&c.farewell(t0).send), ["41"]);
    assert!(c.farewell(t0).send.is_empty());
}

#[test]
fn what_is_not_socket_io_says_so() {
    let (mut c, t0) = client(SocketIoVersion::V5, "/", None);
    let end = recv(&mut c, "hello", t0).end.unwrap();
    assert_eq!(end.kind, Kind::ProtoRefused);
    assert!(
        end.message.contains("does not speak Socket.IO"),
        "{}",
        end.message
    );
    assert!(end.message.ends_with(": hello"), "{}", end.message);

    let (mut c, t0) = connected("/");
    let step = recv(&mut c, r#"42["chat","x""#, t0);
    assert!(step.end.is_none() && step.deliver.is_empty());
    assert_eq!(step.notes[0].kind, "malformed");
    assert!(step.notes[0].text.ends_with(r#": 42["chat","x""#));
    let step = c.received(WsData::Binary(&[1]), t0);
    assert_eq!(step.notes[0].kind, "malformed");
    let step = recv(&mut c, r#"42["chat","y"]"#, t0);
    assert_eq!(printed(&step), [r#"["chat","y"]"#], "the session goes on");
}

/// A received message of the shapes the client meets, or of none.
fn message() -> impl proptest::strategy::Strategy<Value = (bool, Vec<u8>)> {
    use proptest::prelude::*;
    let packet = prop_oneof![
        Just("2".to_string()),
        Just(OPEN4.to_string()),
        Just(r#"40{"sid":"s"}"#.to_string()),
        Just("41".to_string()),
        "4[0-6][0-9-]{0,3}(/[a-z]{1,3},)?[0-9]{0,3}\\[[\"a-z0-9,{}:_]{0,20}\\]?",
        ".{0,40}",
    ];
    prop_oneof![
        packet.prop_map(|t| (true, t.into_bytes())),
        proptest::collection::vec(any::<u8>(), 0..20).prop_map(|b| (false, b)),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Whatever arrives, in whatever order, with input and timers between, the client takes it
    /// without panicking, and its run ends at most once.
    #[test]
    fn any_sequence_of_messages_is_taken_calmly(
        msgs in proptest::collection::vec(message(), 0..30),
        v3 in proptest::prelude::any::<bool>(),
    ) {
        let version = if v3 { SocketIoVersion::V4 } else { SocketIoVersion::V5 };
        let (mut c, t0) = client(version, "/", None);
        c.open(None, t0);
        let mut ends = 0;
        for (i, (text, bytes)) in msgs.iter().enumerate() {
            let at = t0 + Duration::from_millis(i as u64);
            let step = match std::str::from_utf8(bytes) {
                Ok(t) if *text => c.received(WsData::Text(t), at),
                _ => c.received(WsData::Binary(bytes), at),
            };
            ends += usize::from(step.end.is_some());
            let _ = c.input(r#"["x"]"#, at);
            let _ = c.on_deadline(at);
        }
        proptest::prop_assert!(ends <= 1);
    }
}
