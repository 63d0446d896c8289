//! The JSON-RPC client driven as the session drives it, with made-up instants and the
//! messages the real servers send (rpc-websockets, Ganache; see notes/protocols.md).

use super::client::{BUSY_AT, Client, Settings};
use crate::error::Kind;
use crate::event::{AppMessage, Fact, NoteLevel, ProtoNote};
use crate::proto::layer::{Files, Pending, Protocol, Readiness, Step, WsData, WsMessage};
use std::time::{Duration, Instant};

fn client(call_timeout: Option<Duration>) -> Client {
    Client::new(Settings {
        id_start: 1,
        call_timeout,
    })
}

/// The text of the one message a step sends.
fn sent(step: &Step) -> &str {
    assert_eq!(step.send.len(), 1, "{step:?}");
    match &step.send[0].message {
        WsMessage::Text(t) => t,
        WsMessage::Binary(_) => panic!("binary"),
    }
}

fn call(c: &mut Client, line: &str, at: Instant) -> String {
    sent(&c.input(line, at).expect(line)).to_string()
}

fn receive(c: &mut Client, text: &str, at: Instant) -> Step {
    c.received(WsData::Text(text), at)
}

fn texts(apps: &[AppMessage]) -> Vec<&str> {
    apps.iter().map(|a| a.text.as_str()).collect()
}

fn fact<'a>(facts: &'a [(&'static str, Fact)], name: &str) -> Option<&'a Fact> {
    facts.iter().find(|(n, _)| *n == name).map(|(_, f)| f)
}

fn only_note(step: &Step) -> &ProtoNote {
    assert_eq!(step.notes.len(), 1, "{step:?}");
    &step.notes[0]
}

#[test]
fn calls_get_ids_from_one_and_results_print_in_the_order_they_arrive() {
    let t0 = Instant::now();
    let mut c = client(None);
    assert_eq!(c.ready(), Readiness::Ready);
    assert!(c.open(None, t0).is_empty());
    assert_eq!(
        call(&mut c, "slow [300]", t0),
        r#"{"jsonrpc":"2.0","id":1,"method":"slow","params":[300]}"#
    );
    assert_eq!(
        call(&mut c, r#"sum {"a": 1, "b": 2}"#, t0),
        r#"{"jsonrpc":"2.0","id":2,"method":"sum","params":{"a": 1, "b": 2}}"#
    );
    assert_eq!(c.pending(), Pending::Answers);
    let t1 = t0 + Duration::from_millis(5);
    let step = receive(&mut c, r#"{"jsonrpc":"2.0","result":3,"id":2}"#, t1);
    assert_eq!(texts(&step.deliver), ["3"]);
    let facts = &step.deliver[0].facts;
    assert_eq!(fact(facts, "method"), Some(&Fact::Text("sum".into())));
    assert_eq!(fact(facts, "id"), Some(&Fact::Json("2".into())));
    assert_eq!(
        fact(facts, "rtt_ms"),
        Some(&Fact::Millis(Duration::from_millis(5)))
    );
    assert_eq!(only_note(&step).text, "sum (id 2) answered in 5.0 ms");
    assert_eq!(only_note(&step).level, NoteLevel::Info);
    // A result laid out over lines prints as one compact line.
    let step = receive(
        &mut c,
        "{\"jsonrpc\":\"2.0\",\n \"result\": {\"a\": [1, 2],\n \"b\": \"x y\"},\n \"id\": 1.0}",
        t1,
    );
    assert_eq!(texts(&step.deliver), [r#"{"a":[1,2],"b":"x y"}"#]);
    assert_eq!(c.pending(), Pending::Nothing);
    assert!(c.failed().is_none());

    let mut c = Client::new(Settings {
        id_start: 7,
        call_timeout: None,
    });
    assert!(call(&mut c, "eth_blockNumber", t0).contains(r#""id":7,"#));
    // An id the user wrote is kept, and the next free one skips it.
    assert!(call(&mut c, r#"{"method":"a","id":8}"#, t0).contains(r#""id":8,"#));
    assert!(call(&mut c, "b", t0).contains(r#""id":9,"#));
}

#[test]
fn an_error_response_is_said_on_stderr_and_fails_the_run() {
    let t0 = Instant::now();
    let mut c = client(None);
    call(&mut c, "fail [7]", t0);
    call(&mut c, "sum [1, 2]", t0);
    let step = receive(
        &mut c,
        r#"{"jsonrpc":"2.0","error":{"code":-32001,"message":"failed on purpose","data":{"params":[7]}},"id":1}"#,
        t0,
    );
    assert!(step.deliver.is_empty());
    let note = only_note(&step);
    assert_eq!(note.level, NoteLevel::Failed);
    assert_eq!(
        note.text,
        r#"fail: -32001 failed on purpose; data: {"params":[7]}"#
    );
    assert_eq!(
        fact(&note.facts, "code"),
        Some(&Fact::Json("-32001".into()))
    );
    // Ganache's errors have no data but a stack: the stack is not shown.
    call(&mut c, "nope", t0);
    let step = receive(
        &mut c,
        r#"{"id":3,"jsonrpc":"2.0","error":{"message":"The method nope does not exist/is not available","stack":"Error: ...\n at x","code":-32700}}"#,
        t0,
    );
    assert_eq!(
        only_note(&step).text,
        "nope: -32700 The method nope does not exist/is not available"
    );
    receive(&mut c, r#"{"jsonrpc":"2.0","result":3,"id":2}"#, t0);
    let e = c.failed().expect("failed");
    assert_eq!(e.kind, Kind::ProtoFailed);
    assert_eq!(
        e.message,
        "2 of 3 JSON-RPC calls failed: fail (id 1), nope (id 3)"
    );
}

#[test]
fn a_batch_goes_as_one_message_and_its_answers_are_matched_one_by_one() {
    let t0 = Instant::now();
    let mut c = client(None);
    let out = call(
        &mut c,
        r#"[{"method":"sum","params":[1,2]},{"method":"echo","params":["x"],"id":"e"},{"jsonrpc":"2.0","method":"log","params":[]}]"#,
        t0,
    );
    assert_eq!(
        out,
        r#"[{"jsonrpc":"2.0","id":1,"method":"sum","params":[1,2]},{"jsonrpc":"2.0","id":"e","method":"echo","params":["x"]},{"jsonrpc":"2.0","id":2,"method":"log","params":[]}]"#
    );
    let step = c.input(r#"[{"method":"a"}]"#, t0).unwrap();
    let app = step.send[0].app.as_ref().expect("carries what was sent");
    assert_eq!(
        (app.kind, app.input.as_deref()),
        ("batch", Some(r#"[{"method":"a"}]"#))
    );
    let step = receive(
        &mut c,
        r#"[{"jsonrpc":"2.0","result":["x"],"id":"e"},{"jsonrpc":"2.0","result":3,"id":1},{"jsonrpc":"2.0","result":null,"id":2}]"#,
        t0,
    );
    assert_eq!(texts(&step.deliver), [r#"["x"]"#, "3", "null"]);
    assert_eq!(step.notes.len(), 3);
    assert_eq!(c.pending(), Pending::Answers, "the one-call batch waits");
}

#[test]
fn what_the_server_sends_of_its_own_prints_whole() {
    let t0 = Instant::now();
    let mut c = client(None);
    let head = r#"{"jsonrpc":"2.0","method":"eth_subscription","params":{"result":{"number":"0x1"},"subscription":"0x1"}}"#;
    let step = receive(&mut c, head, t0);
    assert_eq!(texts(&step.deliver), [head]);
    assert_eq!(step.deliver[0].kind, "notification");
    assert!(step.notes.is_empty());
    let tick = r#"{"notification":"tick","params":{"n":3}}"#;
    let step = receive(&mut c, tick, t0);
    assert_eq!(texts(&step.deliver), [tick]);
    assert_eq!(
        fact(&step.deliver[0].facts, "notification"),
        Some(&Fact::Text("tick".into()))
    );
    let request = r#"{"jsonrpc":"2.0","id":"s1","method":"workspace/configuration","params":{}}"#;
    let step = receive(&mut c, request, t0);
    assert_eq!(step.deliver[0].kind, "request");
    assert!(c.failed().is_none());
}

#[test]
fn bad_answers_are_said_with_the_message_and_nothing_is_lost() {
    let t0 = Instant::now();
    let mut c = client(None);
    let unknown = r#"{"jsonrpc":"2.0","result":5,"id":99}"#;
    let step = receive(&mut c, unknown, t0);
    assert!(step.deliver.is_empty());
    let note = only_note(&step);
    assert_eq!(note.level, NoteLevel::Warning);
    assert_eq!(
        note.text,
        format!("an answer for id 99, which no call is waiting for: {unknown}")
    );
    let neither = r#"{"jsonrpc":"2.0","result":1}"#;
    let note = receive(&mut c, neither, t0).notes.remove(0);
    assert_eq!(
        note.text,
        format!(
            "a message from the server that is not JSON-RPC 2.0 (an answer without an id: it matches no call (a server must not answer a notification)): {neither}"
        )
    );
    let note = receive(&mut c, "not json\nat all", t0).notes.remove(0);
    assert!(note.text.ends_with(": not json at all"), "{}", note.text);
    let note = c.received(WsData::Binary(&[0xff, 0]), t0).notes.remove(0);
    assert_eq!(note.level, NoteLevel::Warning);
    assert!(c.failed().is_none(), "nothing the user asked for failed");
    // rpc-websockets answers a call it could not read with id null: a failed call.
    let note = receive(
        &mut c,
        r#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error","data":"SyntaxError"},"id":null}"#,
        t0,
    )
    .notes
    .remove(0);
    assert_eq!(note.level, NoteLevel::Failed);
    assert!(note.text.contains("-32700 Parse error"), "{}", note.text);
    // An invalid answer that carries a waiting call's id ends that call's wait.
    call(&mut c, "sum [1,2]", t0);
    let note = receive(&mut c, r#"{"result":3,"id":1}"#, t0)
        .notes
        .remove(0);
    assert_eq!(note.level, NoteLevel::Failed);
    assert!(
        note.text.starts_with(
            "sum (id 1): the answer is not valid JSON-RPC 2.0 (no \"jsonrpc\":\"2.0\" member)"
        ),
        "{}",
        note.text
    );
    assert_eq!(c.pending(), Pending::Nothing);
    let e = c.failed().unwrap().message;
    assert!(
        e == "1 of 1 JSON-RPC call failed: sum (id 1); 1 error answer had id null (a request the server could not read)",
        "{e}"
    );
}

#[test]
fn input_that_cannot_be_a_call_is_refused_and_nothing_is_sent() {
    let t0 = Instant::now();
    let mut c = client(None);
    for (line, says) in [
        ("sum [1,", "column 7: params is not valid JSON: EOF"),
        (
            "sum 1 2",
            "column 5: params must be a JSON array (by position) or object (by name), not a number",
        ),
        (r#"{"id":1}"#, "a request needs \"method\""),
        (
            r#"{"method":"m","id":null}"#,
            "a call with id null could not be told apart",
        ),
    ] {
        let e = c.input(line, t0).expect_err(line);
        assert!(e.to_string().starts_with(says), "{line}: {e}");
    }
    call(&mut c, r#"{"method":"m","id":"x"}"#, t0);
    let e = c.input(r#"{"method":"m","id":"x"}"#, t0).unwrap_err();
    assert!(e.to_string().contains("id \"x\" is already waiting"), "{e}");
    assert_eq!(c.pending(), Pending::Answers);
}

#[test]
fn calls_that_wait_too_long_fail_and_a_late_answer_is_said() {
    let t0 = Instant::now();
    let limit = Duration::from_secs(2);
    let mut c = client(Some(limit));
    assert_eq!(c.deadline(), None);
    call(&mut c, "slow [5000]", t0);
    call(&mut c, "sum [1,2]", t0 + Duration::from_secs(1));
    assert_eq!(c.deadline(), Some(t0 + limit));
    assert!(c.on_deadline(t0 + Duration::from_millis(1999)).is_empty());
    let step = c.on_deadline(t0 + limit);
    let note = only_note(&step);
    assert_eq!(note.level, NoteLevel::Failed);
    assert_eq!(
        note.text,
        "slow (id 1): no answer within 2.0s (--call-timeout)"
    );
    assert_eq!(c.deadline(), Some(t0 + Duration::from_secs(3)));
    let step = receive(
        &mut c,
        r#"{"jsonrpc":"2.0","result":5000,"id":1}"#,
        t0 + limit * 3,
    );
    assert!(step.deliver.is_empty());
    assert!(
        only_note(&step)
            .text
            .starts_with("an answer to slow (id 1) after --call-timeout gave up on it: "),
        "{step:?}"
    );
    assert!(
        c.failed()
            .unwrap()
            .message
            .starts_with("1 of 2 JSON-RPC calls failed")
    );
}

#[test]
fn heartbeat_calls_are_quiet_and_keep_no_one_waiting() {
    let t0 = Instant::now();
    let mut c = client(Some(Duration::from_secs(1)));
    let step = c.heartbeat("net_version", t0).unwrap();
    assert!(step.send[0].app.is_none(), "not the user's message");
    assert_eq!(
        sent(&step),
        r#"{"jsonrpc":"2.0","id":1,"method":"net_version"}"#
    );
    assert_eq!(c.pending(), Pending::Nothing);
    let step = receive(&mut c, r#"{"id":1,"jsonrpc":"2.0","result":"1337"}"#, t0);
    assert!(step.is_empty(), "{step:?}");
    c.heartbeat("net_version", t0).unwrap();
    let step = receive(
        &mut c,
        r#"{"id":2,"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"}}"#,
        t0,
    );
    assert_eq!(only_note(&step).level, NoteLevel::Warning);
    c.heartbeat("net_version", t0).unwrap();
    let step = c.on_deadline(t0 + Duration::from_secs(1));
    assert_eq!(only_note(&step).level, NoteLevel::Warning);
    assert!(c.failed().is_none());
}

#[test]
fn pending_lists_the_waiting_calls_and_notify_sends_no_id() {
    let t0 = Instant::now();
    let mut c = client(None);
    let files = Files::default();
    let step = c.command("/pending", "", &files, t0).unwrap();
    assert_eq!(only_note(&step).text, "no call is waiting for its answer");
    call(&mut c, "slow [900]", t0);
    call(&mut c, "eth_blockNumber", t0 + Duration::from_millis(500));
    let step = c
        .command("/pending", "", &files, t0 + Duration::from_secs(2))
        .unwrap();
    let note = only_note(&step);
    assert_eq!(note.level, NoteLevel::Answer);
    assert_eq!(
        note.text,
        "2 calls are waiting for their answers, oldest first:\n  id 1        slow                     2.0s ago\n  id 2        eth_blockNumber          1.5s ago"
    );
    let step = c.command("/notify", r#"log ["hi"]"#, &files, t0).unwrap();
    assert_eq!(
        sent(&step),
        r#"{"jsonrpc":"2.0","method":"log","params":["hi"]}"#
    );
    let app = step.send[0].app.as_ref().unwrap();
    assert_eq!(
        (app.kind, app.input.as_deref()),
        ("notification", Some(r#"/notify log ["hi"]"#))
    );
    let e = c.command("/notify", "log 5", &files, t0).unwrap_err();
    assert!(e.message.contains("params must be a JSON array"), "{e}");
    let e = c.failed().unwrap();
    assert_eq!(
        e.message,
        "2 calls got no answer: slow (id 1), eth_blockNumber (id 2)"
    );
}

#[test]
fn input_waits_while_as_many_calls_as_it_keeps_are_waiting() {
    let t0 = Instant::now();
    let mut c = client(None);
    for _ in 0..BUSY_AT {
        c.input("m", t0).unwrap();
    }
    assert_eq!(c.ready(), Readiness::Busy);
    receive(&mut c, r#"{"jsonrpc":"2.0","result":1,"id":1}"#, t0);
    assert_eq!(c.ready(), Readiness::Ready);
}
