//! Unit tests of the STOMP client's state machine, driven with the frames RabbitMQ sends and
//! made-up instants.

use super::client::{Client, Settings};
use super::decoder::Limits;
use super::encoder::AckMode;
use super::heartbeat::HeartBeat;
use crate::error::Kind;
use crate::event::{Fact, NoteLevel};
use crate::proto::layer::{Files, Pending, Protocol, Readiness, Step, WsData, WsMessage};
use std::time::{Duration, Instant};

const CONNECTED: &str = "CONNECTED\nserver:RabbitMQ/3.10.8\nsession:session-1\nheart-beat:1000,1000\nversion:1.2\n\n\0\n";

fn settings() -> Settings {
    Settings {
        host: "/".into(),
        connect_headers: Vec::new(),
        login: Some("guest".into()),
        passcode: Some("guest".into()),
        heart_beat: HeartBeat {
            send: 10_000,
            receive: 10_000,
        },
        subscribe: vec!["/queue/a".into()],
        destination: Some("/queue/a".into()),
        ack: AckMode::Auto,
        auto_ack: true,
        split: None,
        show_credentials: false,
        limits: Limits::default(),
    }
}

fn texts(step: &Step) -> Vec<String> {
    step.send
        .iter()
        .map(|o| match &o.message {
            WsMessage::Text(t) => t.clone(),
            WsMessage::Binary(b) => format!("<binary {}>", String::from_utf8_lossy(b)),
        })
        .collect()
}

fn notes(step: &Step) -> Vec<String> {
    step.notes.iter().map(|n| n.text.clone()).collect()
}

/// A client that is connected (and subscribed to /queue/a as 0), at `t0`.
fn connected(s: Settings) -> (Client, Instant) {
    let t0 = Instant::now();
    let mut c = Client::new(s, t0);
    c.open(Some("v12.stomp"), t0);
    let step = c.received(WsData::Text(CONNECTED), t0);
    assert!(step.end.is_none(), "{:?}", step.end);
    (c, t0)
}

fn message(sub: u64, n: u64, body: &str) -> String {
    format!(
        "MESSAGE\nsubscription:{sub}\ndestination:/queue/a\nmessage-id:m{n}\nredelivered:false\nack:a{n}\ncontent-length:{}\n\n{body}\0\n",
        body.len()
    )
}

#[test]
fn connect_connected_and_the_subscriptions() {
    let t0 = Instant::now();
    let mut c = Client::new(settings(), t0);
    let open = c.open(Some("v12.stomp"), t0);
    assert_eq!(
        texts(&open),
        [
            "CONNECT\naccept-version:1.0,1.1,1.2\nhost:/\nlogin:guest\npasscode:guest\nheart-beat:10000,10000\n\n\0"
        ]
    );
    assert_eq!(
        c.shown(&open.send[0].message).map(String::from_utf8),
        Some(Ok("CONNECT\naccept-version:1.0,1.1,1.2\nhost:/\nlogin:guest\npasscode:****\nheart-beat:10000,10000\n\n\0".into()))
    );
    assert_eq!(
        c.ready(),
        Readiness::Waiting("the server's CONNECTED frame")
    );
    assert!(c.input("early", t0).is_err());
    // CONNECTED in two pieces.
    let (a, b) = CONNECTED.split_at(12);
    assert!(c.received(WsData::Text(a), t0).is_empty());
    let step = c.received(WsData::Text(b), t0);
    assert_eq!(c.ready(), Readiness::Ready);
    assert_eq!(
        notes(&step),
        [
            "STOMP 1.2: connected to RabbitMQ/3.10.8 (session session-1); heart-beats: wscope sends every 10.0s, the server every 10.0s",
            "subscribed to /queue/a as 0 (ack: auto; /unsubscribe 0 ends it)"
        ]
    );
    assert_eq!(
        texts(&step),
        ["SUBSCRIBE\nid:0\ndestination:/queue/a\nack:auto\n\n\0"]
    );
    let app = step.send[0].app.as_ref().expect("the subscription shows");
    assert_eq!(
        (app.kind, app.text.as_str(), app.input.as_deref()),
        ("subscribe", "/queue/a", None)
    );
}

#[test]
fn lines_are_sent_and_messages_delivered_whatever_the_cut() {
    let (mut c, t0) = connected(settings());
    let step = c.input("hello {\"a\":1}", t0).unwrap();
    assert_eq!(
        texts(&step),
        ["SEND\ndestination:/queue/a\n\nhello {\"a\":1}\0"]
    );
    let app = step.send[0].app.as_ref().unwrap();
    assert_eq!((app.kind, app.json), ("send", false));
    assert_eq!(app.input.as_deref(), Some("hello {\"a\":1}"));
    // Two frames in one message, the second cut over two more, a NUL in a body.
    let stream = format!("{}{}", message(0, 1, "one"), message(0, 2, "t\0wo"));
    let (x, y) = stream.split_at(stream.len() - 9);
    let (y1, y2) = y.split_at(4);
    let mut got = Vec::new();
    for piece in [x, y1, y2] {
        let step = c.received(WsData::Text(piece), t0);
        assert!(step.notes.is_empty(), "{:?}", notes(&step));
        got.extend(step.deliver);
    }
    let lines: Vec<&str> = got.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(lines, ["one", "\"t\\u0000wo\""]);
    let facts = &got[0].facts;
    assert!(facts.contains(&("message_id", Fact::Text("m1".into()))));
    assert!(facts.iter().any(|(k, v)| *k == "headers"
        && matches!(v, Fact::Json(j) if j.contains("\"redelivered\":\"false\""))));
    // No ack id is shown in auto mode.
    assert!(!facts.iter().any(|(k, _)| *k == "ack"));
}

#[test]
fn heart_beats_go_out_on_time_and_a_silent_server_ends_the_run() {
    let (mut c, t0) = connected(settings());
    let at = |ms| t0 + Duration::from_millis(ms);
    assert_eq!(c.deadline(), Some(at(10_000)));
    assert!(c.on_deadline(at(9_999)).is_empty());
    assert_eq!(texts(&c.on_deadline(at(10_000))), ["\n"]);
    // The server's heart-beat keeps it alive.
    assert!(c.received(WsData::Text("\n"), at(15_000)).is_empty());
    assert_eq!(c.deadline(), Some(at(20_000)));
    c.on_deadline(at(20_000));
    assert_eq!(c.deadline(), Some(at(30_000)));
    let step = c.on_deadline(at(35_000));
    let e = step.end.expect("the run ends");
    assert_eq!(e.kind, Kind::Timeout);
    assert_eq!(
        e.message,
        "the STOMP server's heart-beats stopped: nothing for 20.0s (it agreed to send one every 10.0s)"
    );
    assert_eq!(c.deadline(), None);
    // Heart-beats off.
    let mut s = settings();
    s.heart_beat = HeartBeat::default();
    let (c, _) = connected(s);
    assert_eq!(c.deadline(), None);
}

#[test]
fn an_error_ends_the_run_with_the_servers_words() {
    let t0 = Instant::now();
    let mut c = Client::new(settings(), t0);
    c.open(None, t0);
    let error = "ERROR\nmessage:Bad CONNECT\ncontent-type:text/plain\nversion:1.0,1.1,1.2\ncontent-length:32\n\nAccess refused for user 'guest'\n\0\n";
    let e = c.received(WsData::Text(error), t0).end.expect("ends");
    assert_eq!(e.kind, Kind::ProtoRefused);
    assert_eq!(
        e.message,
        "the STOMP server sent ERROR: Bad CONNECT: Access refused for user 'guest'"
    );
    assert!(e.hint.unwrap().contains("--stomp-host"));
    assert!(c.farewell(t0).is_empty());
    assert_eq!(c.farewell_pending(), None);
    // After CONNECTED: no hint about CONNECT; a body of several lines stays readable.
    let (mut c, t0) = connected(settings());
    let error = "ERROR\nmessage:Invalid header\n\nline one\nline two\n\0";
    let e = c.received(WsData::Text(error), t0).end.expect("ends");
    assert_eq!(
        e.message,
        "the STOMP server sent ERROR: Invalid header: line one\n  line two"
    );
    assert_eq!(e.hint, None);
}

#[test]
fn what_is_not_stomp_is_said_at_once() {
    for (first, says) in [
        ("hello", "its first message is not a STOMP frame"),
        (
            "{\"type\":\"ping\"}",
            "its first message is not a STOMP frame",
        ),
        ("MESSAGE\n\nx\0", "CONNECTED or ERROR"),
        ("o", "SockJS"),
    ] {
        let t0 = Instant::now();
        let mut c = Client::new(settings(), t0);
        c.open(None, t0);
        let e = c.received(WsData::Text(first), t0).end.expect(first);
        assert_eq!(e.kind, Kind::ProtoRefused);
        assert!(e.message.contains(says), "{first}: {}", e.message);
    }
    let t0 = Instant::now();
    let mut c = Client::new(settings(), t0);
    c.open(None, t0);
    let e = c.received(WsData::Text("o"), t0).end.unwrap();
    assert!(e.hint.unwrap().contains("/websocket"));
}

#[test]
fn bad_frames_are_skipped_and_said_and_the_next_ones_still_count() {
    let (mut c, t0) = connected(settings());
    let stream = format!("MESSAGE\nno colon\n\nlost\0{}", message(0, 1, "kept"));
    let step = c.received(WsData::Text(&stream), t0);
    assert_eq!(step.deliver.len(), 1);
    assert_eq!(step.deliver[0].text, "kept");
    assert_eq!(step.notes[0].level, NoteLevel::Warning);
    assert!(
        step.notes[0].text.starts_with(
            "skipped what the server sent: it is not a valid STOMP frame (line 2 of the frame is not a header (name:value): \"no colon\")"
        ),
        "{}",
        step.notes[0].text
    );
    // A frame without its NUL, then the next frame in the next message.
    let step = c.received(WsData::Text("MESSAGE\nsubscription:0\n\nno nul"), t0);
    assert!(step.is_empty());
    let step = c.received(WsData::Text(&message(0, 2, "next")), t0);
    let lines: Vec<&str> = step.deliver.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(lines, ["no nul", "next"]);
    assert!(notes(&step)[0].contains("did not end with the NUL"));
    // A body over the limit.
    let mut s = settings();
    s.limits.max_body = 4;
    let (mut c, t0) = connected(s);
    let step = c.received(WsData::Text(&message(0, 3, "too long")), t0);
    assert!(step.deliver.is_empty());
    assert!(
        notes(&step)[0].contains("the limit is 4"),
        "{:?}",
        notes(&step)
    );
    let step = c.received(WsData::Text(&message(0, 4, "ok")), t0);
    assert_eq!(step.deliver[0].text, "ok");
}

#[test]
fn client_acks_in_pipe_mode_take_what_was_printed_and_give_back_the_rest() {
    let mut s = settings();
    s.ack = AckMode::Client;
    let (mut c, t0) = connected(s.clone());
    let three = format!(
        "{}{}{}",
        message(0, 1, "a"),
        message(0, 2, "b"),
        message(0, 3, "c")
    );
    let step = c.received(WsData::Text(&three), t0);
    assert_eq!(step.deliver.len(), 3);
    assert!(
        step.deliver[0]
            .facts
            .contains(&("ack", Fact::Text("a1".into())))
    );
    assert!(step.send.is_empty());
    // -n took two of them: the ACK of the second covers the first; the third goes back.
    let acks = c.delivered(2, t0);
    assert_eq!(texts(&acks), ["ACK\nid:a2\n\n\0", "NACK\nid:a3\n\n\0"]);
    s.ack = AckMode::ClientIndividual;
    let (mut c, t0) = connected(s);
    c.received(WsData::Text(&three), t0);
    assert_eq!(
        texts(&c.delivered(3, t0)),
        ["ACK\nid:a1\n\n\0", "ACK\nid:a2\n\n\0", "ACK\nid:a3\n\n\0"]
    );
    assert!(c.delivered(0, t0).is_empty());
}

#[test]
fn in_the_repl_the_user_acknowledges_and_runs_transactions() {
    let mut s = settings();
    s.ack = AckMode::ClientIndividual;
    s.auto_ack = false;
    let (mut c, t0) = connected(s);
    let files = Files::default();
    let step = c.received(WsData::Text(&message(0, 1, "a")), t0);
    assert_eq!(
        notes(&step),
        ["the message from /queue/a waits for /ack a1 (or /nack a1)"]
    );
    c.received(WsData::Text(&message(0, 2, "b")), t0);
    assert!(c.delivered(2, t0).is_empty());
    let e = c.command("/ack", "zz", &files, t0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "no received message waits for an acknowledgement by \"zz\" (waiting: a1, a2): nothing sent"
    );
    let begin = c.command("/begin", "", &files, t0).unwrap();
    assert_eq!(texts(&begin), ["BEGIN\ntransaction:tx-1\n\n\0"]);
    let ack = c.command("/ack", "a1", &files, t0).unwrap();
    assert_eq!(texts(&ack), ["ACK\nid:a1\ntransaction:tx-1\n\n\0"]);
    assert_eq!(
        ack.send[0].app.as_ref().unwrap().input.as_deref(),
        Some("/ack a1")
    );
    let send = c
        .command("/send", "-H k:v /queue/b hi there", &files, t0)
        .unwrap();
    assert_eq!(
        texts(&send),
        ["SEND\ndestination:/queue/b\nk:v\ntransaction:tx-1\n\nhi there\0"]
    );
    let commit = c.command("/commit", "", &files, t0).unwrap();
    assert_eq!(texts(&commit), ["COMMIT\ntransaction:tx-1\n\n\0"]);
    assert!(c.command("/abort", "", &files, t0).is_err());
    let nack = c.command("/nack", "a2", &files, t0).unwrap();
    assert_eq!(texts(&nack), ["NACK\nid:a2\n\n\0"]);
    let sub = c.command("/subscribe", "/topic/t", &files, t0).unwrap();
    assert_eq!(
        texts(&sub),
        ["SUBSCRIBE\nid:1\ndestination:/topic/t\nack:client-individual\n\n\0"]
    );
    let unsub = c.command("/unsubscribe", "1", &files, t0).unwrap();
    assert_eq!(texts(&unsub), ["UNSUBSCRIBE\nid:1\n\n\0"]);
    assert!(c.command("/unsubscribe", "1", &files, t0).is_err());
    // A transaction left open is said at the farewell.
    c.command("/begin", "mine", &files, t0).unwrap();
    let bye = c.farewell(t0);
    assert!(notes(&bye)[0].starts_with("transaction mine was never committed"));
}

#[test]
fn receipts_are_matched_and_the_farewell_waits_for_its_own() {
    let (mut c, t0) = connected(settings());
    let files = Files::default();
    c.command("/send", "-H receipt:r1 /queue/a x", &files, t0)
        .unwrap();
    assert_eq!(c.pending(), Pending::Answers);
    let later = t0 + Duration::from_millis(3);
    let step = c.received(WsData::Text("RECEIPT\nreceipt-id:r1\n\n\0\n"), later);
    assert_eq!(
        notes(&step),
        ["RECEIPT r1: the server has the SEND to /queue/a (after 3.0 ms)"]
    );
    assert_eq!(c.pending(), Pending::Nothing);
    let step = c.received(WsData::Text("RECEIPT\nreceipt-id:r9\n\n\0"), later);
    assert_eq!(step.notes[0].level, NoteLevel::Warning);
    let bye = c.farewell(later);
    assert_eq!(texts(&bye), ["DISCONNECT\nreceipt:wscope-disconnect\n\n\0"]);
    assert_eq!(c.farewell_pending(), Some("the RECEIPT for DISCONNECT"));
    assert!(c.input("too late", later).is_err());
    c.received(
        WsData::Text("RECEIPT\nreceipt-id:wscope-disconnect\n\n\0"),
        later,
    );
    assert_eq!(c.farewell_pending(), None);
    assert!(c.farewell(later).is_empty());
}

#[test]
fn older_versions_ack_by_message_id_and_split_large_frames() {
    let mut s = settings();
    s.ack = AckMode::Client;
    s.auto_ack = false;
    s.split = Some(16);
    let t0 = Instant::now();
    let mut c = Client::new(s, t0);
    c.open(None, t0);
    let step = c.received(WsData::Text("CONNECTED\nversion:1.1\n\n\0"), t0);
    assert_eq!(
        texts(&step).concat(),
        "SUBSCRIBE\nid:0\ndestination:/queue/a\nack:client\n\n\0"
    );
    assert!(texts(&step).iter().all(|m| m.len() <= 16));
    assert!(step.send[0].app.is_some() && step.send[1].app.is_none());
    c.received(WsData::Text(&message(0, 7, "x")), t0);
    let files = Files::default();
    let ack = c.command("/ack", "m7", &files, t0).unwrap();
    assert_eq!(
        texts(&ack).concat(),
        "ACK\nmessage-id:m7\nsubscription:0\n\n\0"
    );
    // STOMP 1.0 has no NACK.
    let mut c = Client::new(settings(), t0);
    c.open(None, t0);
    c.received(WsData::Text("CONNECTED\n\n\0"), t0);
    assert!(
        c.command("/nack", "m1", &files, t0)
            .unwrap_err()
            .to_string()
            .contains("1.0 has no NACK")
    );
}
