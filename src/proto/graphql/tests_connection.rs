//! The GraphQL connection's state machine, driven as the session drives it, with the messages
//! the real servers send (notes/protocols.md) and the time passed in.

use super::connection::Connection;
use super::message::Dialect;
use super::settings::Settings;
use crate::error::Kind;
use crate::event::NoteLevel;
use crate::proto::layer::{Files, Outgoing, Pending, Protocol, Readiness, Step, WsData, WsMessage};
use std::time::{Duration, Instant};

fn settings(dialect: Option<Dialect>, payload: Option<&str>) -> Settings {
    Settings {
        dialect,
        payload: payload.map(str::to_string),
    }
}

fn texts(send: &[Outgoing]) -> Vec<String> {
    send.iter()
        .map(|o| match &o.message {
            WsMessage::Text(t) => t.clone(),
            WsMessage::Binary(b) => format!("bin:{b:?}"),
        })
        .collect()
}

fn recv(c: &mut Connection, text: &str, at: Instant) -> Step {
    c.received(WsData::Text(text), at)
}

fn printed(step: &Step) -> Vec<&str> {
    step.deliver.iter().map(|a| a.text.as_str()).collect()
}

fn said(step: &Step) -> Vec<(NoteLevel, &str)> {
    step.notes
        .iter()
        .map(|n| (n.level, n.text.as_str()))
        .collect()
}

/// A connection acknowledged by the server, speaking the dialect of `subprotocol`.
fn acknowledged(subprotocol: &str) -> (Connection, Instant) {
    let t0 = Instant::now();
    let mut c = Connection::new(settings(None, None));
    c.open(Some(subprotocol), t0);
    recv(&mut c, r#"{"type":"connection_ack"}"#, t0);
    assert_eq!(c.ready(), Readiness::Ready);
    (c, t0)
}

#[test]
fn connection_init_goes_out_at_once_and_input_waits_for_the_ack() {
    let t0 = Instant::now();
    let mut c = Connection::new(settings(None, Some(r#"{"token":"t"}"#)));
    assert_eq!(c.ready(), Readiness::Waiting("the server's connection_ack"));
    let step = c.open(Some("graphql-transport-ws"), t0);
    assert_eq!(
        texts(&step.send),
        [r#"{"type":"connection_init","payload":{"token":"t"}}"#]
    );
    assert!(step.send[0].app.is_none(), "our own message");
    assert!(c.input("{ hello }", t0).is_err(), "nothing before the ack");
    assert_eq!(c.pending(), Pending::Nothing);
    let step = recv(&mut c, r#"{"type":"connection_ack","payload":{"v":1}}"#, t0);
    assert_eq!(c.ready(), Readiness::Ready);
    assert_eq!(step.notes[0].kind, "connected");
    assert_eq!(c.pending(), Pending::Done, "nothing runs: close at once");
}

#[test]
fn an_operation_gets_its_id_its_results_print_and_complete_ends_it() {
    let (mut c, t0) = acknowledged("graphql-transport-ws");
    let step = c.input("subscription { count(to: 2) }", t0).expect("sent");
    assert_eq!(
        texts(&step.send),
        [r#"{"id":"1","type":"subscribe","payload":{"query":"subscription { count(to: 2) }"}}"#]
    );
    let app = step.send[0].app.as_ref().expect("the operation");
    assert_eq!(
        (app.kind, app.input.as_deref()),
        ("operation", Some("subscription { count(to: 2) }"))
    );
    assert_eq!(c.pending(), Pending::Answers);
    let r1 = recv(
        &mut c,
        r#"{"id":"1","type":"next","payload":{"data":{"count":1}}}"#,
        t0,
    );
    assert_eq!(printed(&r1), [r#"{"data":{"count":1}}"#]);
    let facts = &r1.deliver[0].facts;
    assert!(facts.iter().any(|(k, _)| *k == "id") && facts.iter().any(|(k, _)| *k == "operation"));
    let later = t0 + Duration::from_millis(5);
    let done = recv(&mut c, r#"{"id":"1","type":"complete"}"#, later);
    assert_eq!(
        said(&done),
        [(
            NoteLevel::Info,
            "operation 1 (subscription) complete: 1 result in 5.0 ms"
        )]
    );
    assert_eq!(c.pending(), Pending::Done);
    assert!(c.failed().is_none());
    let step = c.input(
        r#"{"query":"query Q($n: String!) { greet(name: $n) }","variables":{"n":"x"}}"#,
        t0,
    );
    assert_eq!(
        texts(&step.expect("sent").send),
        [
            r#"{"id":"2","type":"subscribe","payload":{"query":"query Q($n: String!) { greet(name: $n) }","variables":{"n":"x"}}}"#
        ]
    );
}

#[test]
fn the_legacy_dialect_starts_stops_and_takes_ka_silently() {
    let (mut c, t0) = acknowledged("graphql-ws");
    let step = c.input("{ hello }", t0).expect("sent");
    assert_eq!(
        texts(&step.send),
        [r#"{"id":"1","type":"start","payload":{"query":"{ hello }"}}"#]
    );
    assert!(recv(&mut c, r#"{"type":"ka"}"#, t0).is_empty());
    let r = recv(
        &mut c,
        r#"{"type":"data","id":"1","payload":{"data":{"hello":"world"}}}"#,
        t0,
    );
    assert_eq!(printed(&r), [r#"{"data":{"hello":"world"}}"#]);
    c.input("subscription { count(to: 9) }", t0).expect("sent");
    let stop = c
        .command("/stop", "2", &Files::default(), t0)
        .expect("stopped");
    assert_eq!(texts(&stop.send), [r#"{"id":"2","type":"stop"}"#]);
    // The server's last result after our stop is dropped, said with -v.
    let late = recv(
        &mut c,
        r#"{"type":"data","id":"2","payload":{"data":{"count":1}}}"#,
        t0,
    );
    assert!(late.deliver.is_empty());
    assert_eq!(late.notes[0].level, NoteLevel::Detail);
}

#[test]
fn pings_are_answered_with_their_payload() {
    let (mut c, t0) = acknowledged("graphql-transport-ws");
    let step = recv(&mut c, r#"{"type":"ping","payload":{"x":1}}"#, t0);
    assert_eq!(texts(&step.send), [r#"{"type":"pong","payload":{"x":1}}"#]);
    let step = recv(&mut c, r#"{"type":"ping"}"#, t0);
    assert_eq!(texts(&step.send), [r#"{"type":"pong"}"#]);
    assert!(recv(&mut c, r#"{"type":"pong"}"#, t0).is_empty());
}

#[test]
fn errors_are_said_and_make_the_status() {
    let (mut c, t0) = acknowledged("graphql-transport-ws");
    for doc in ["{ boom hello }", "{ nope }", "{ hello }"] {
        c.input(doc, t0).expect("sent");
    }
    let field = r#"{"id":"1","type":"next","payload":{"data":{"boom":null,"hello":"world"},"errors":[{"message":"boom","path":["boom"]}]}}"#;
    let r = recv(&mut c, field, t0);
    assert_eq!(r.deliver.len(), 1, "the result is printed with its errors");
    assert_eq!(
        said(&r),
        [(
            NoteLevel::Warning,
            "operation 1 (query): the result has errors: boom"
        )]
    );
    let bad = r#"{"id":"2","type":"error","payload":[{"message":"Cannot query field \"nope\" on type \"Query\"."}]}"#;
    let r = recv(&mut c, bad, t0);
    assert!(r.deliver.is_empty());
    assert_eq!(
        r.notes[0].text,
        r#"operation 2 (query) failed: Cannot query field "nope" on type "Query"."#
    );
    recv(&mut c, r#"{"id":"1","type":"complete"}"#, t0);
    recv(&mut c, r#"{"id":"3","type":"complete"}"#, t0);
    assert_eq!(c.pending(), Pending::Done, "an error ends its operation");
    let e = c.failed().expect("failed");
    assert_eq!(e.kind, Kind::ProtoFailed);
    assert_eq!(
        e.message,
        "2 of 3 GraphQL operations failed; the first: operation 1 (query): boom"
    );
}

#[test]
fn messages_for_ids_that_are_not_running_are_told_apart() {
    let (mut c, t0) = acknowledged("graphql-transport-ws");
    c.input("{ hello }", t0).expect("sent");
    recv(&mut c, r#"{"id":"1","type":"complete"}"#, t0);
    // A second complete for a finished operation: the server's slip.
    let r = recv(&mut c, r#"{"id":"1","type":"complete"}"#, t0);
    assert_eq!(r.notes[0].level, NoteLevel::Warning);
    assert_eq!(r.notes[0].kind, "late");
    // A result for an id wscope never gave: shown (the server's data), and said.
    let r = recv(
        &mut c,
        r#"{"id":"x7","type":"next","payload":{"data":{"n":1}}}"#,
        t0,
    );
    assert_eq!(printed(&r), [r#"{"data":{"n":1}}"#]);
    assert_eq!(r.notes[0].kind, "unknown_id");
    assert!(c.failed().is_none());
}

#[test]
fn the_server_refusing_or_not_speaking_graphql_ends_the_run() {
    let t0 = Instant::now();
    let mut c = Connection::new(settings(None, None));
    c.open(Some("graphql-ws"), t0);
    let r = recv(
        &mut c,
        r#"{"type":"connection_error","payload":{"message":"not authorized"}}"#,
        t0,
    );
    let e = r.end.expect("ends");
    assert_eq!(e.kind, Kind::ProtoRefused);
    assert!(
        e.message.contains("not authorized") && e.hint.expect("hint").contains("--connect-payload")
    );

    let mut c = Connection::new(settings(None, None));
    c.open(Some("graphql-transport-ws"), t0);
    let e = recv(&mut c, "hello there", t0).end.expect("ends");
    assert!(
        e.message
            .starts_with("the server does not speak graphql-transport-ws"),
        "{}",
        e.message
    );

    // Selected nothing and no dialect pinned: said with what it answered.
    let mut c = Connection::new(settings(None, None));
    let e = c.open(None, t0).end.expect("ends");
    assert_eq!(e.kind, Kind::ProtoRefused);
    assert!(
        e.message.contains("selected no subprotocol"),
        "{}",
        e.message
    );
    // Pinned: spoken anyway, with a warning.
    let mut c = Connection::new(settings(Some(Dialect::Legacy), None));
    let step = c.open(None, t0);
    assert!(step.end.is_none());
    assert_eq!(step.notes[0].level, NoteLevel::Warning);
    assert_eq!(texts(&step.send), [r#"{"type":"connection_init"}"#]);
}

#[test]
fn close_codes_are_named_with_hints() {
    let (c, _) = acknowledged("graphql-transport-ws");
    let e = c.closed(Some(4403), "Forbidden").expect("named");
    assert_eq!(e.kind, Kind::ProtoRefused);
    assert_eq!(
        e.message,
        "the GraphQL server closed with 4403 Forbidden (the server refused the connection)"
    );
    assert!(e.hint.expect("hint").contains("--connect-payload"));
    let e = c.closed(Some(4500), "boom inside").expect("named");
    assert!(e.message.ends_with(": boom inside"), "{}", e.message);
    assert!(c.closed(Some(1000), "").is_none());
    assert!(c.closed(None, "").is_none());
}

#[test]
fn ops_lists_the_running_and_stop_refuses_what_is_not() {
    let (mut c, t0) = acknowledged("graphql-transport-ws");
    let files = Files::default();
    let none = c.command("/ops", "", &files, t0).expect("listed");
    assert_eq!(none.notes[0].text, "no operation is running");
    c.input("subscription {\n  count(to: 9)\n}", t0)
        .expect("sent");
    recv(
        &mut c,
        r#"{"id":"1","type":"next","payload":{"data":{"count":1}}}"#,
        t0,
    );
    let list = c
        .command("/ops", "", &files, t0 + Duration::from_secs(2))
        .expect("listed");
    let text = &list.notes[0].text;
    assert_eq!(list.notes[0].level, NoteLevel::Answer);
    assert!(
        text.contains("   1  subscription        1      2.0s  subscription { count(to: 9) }"),
        "{text}"
    );
    let e = c.command("/stop", "5", &files, t0).unwrap_err();
    assert_eq!(
        e.message,
        "no operation 5 is running (running: 1): nothing sent"
    );
    assert!(c.command("/stop", "", &files, t0).is_err());
    // Our farewell stops what still runs.
    let bye = c.farewell(t0);
    assert_eq!(texts(&bye.send), [r#"{"id":"1","type":"complete"}"#]);
    assert!(c.farewell(t0).is_empty());
}

#[test]
fn the_offer_and_a_second_one_for_the_legacy_server() {
    let auto = settings(None, None);
    assert_eq!(auto.subprotocols(), ["graphql-transport-ws", "graphql-ws"]);
    assert_eq!(
        auto.offer_again(Some("graphql-transport-ws"), Some(1002)),
        Some(&["graphql-ws"][..])
    );
    assert_eq!(
        auto.offer_again(Some("graphql-transport-ws"), Some(4403)),
        None
    );
    assert_eq!(auto.offer_again(Some("graphql-ws"), Some(1002)), None);
    let pinned = settings(Some(Dialect::TransportWs), None);
    assert_eq!(pinned.subprotocols(), ["graphql-transport-ws"]);
    assert_eq!(
        pinned.offer_again(Some("graphql-transport-ws"), Some(1002)),
        None
    );
}
