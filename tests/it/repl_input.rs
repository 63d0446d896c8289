//! Messages over several lines in the REPL, in a real pseudo-terminal: a bracketed paste is one
//! message, an open JSON value continues under "... ", `/text @FILE` sends a file as one.

use crate::pty::*;
use crate::support::*;
use expectrl::{ControlCode, Expect};

#[test]
fn a_bracketed_paste_of_several_lines_is_one_message() {
    let srv = repl_server();
    let mut s = open_repl(&srv.url("/"), "paste");
    // Terminals send the line breaks of a paste as CR, as typed Enter keys would be.
    s.send("\x1b[200~first line\rsecond line\r\x1b[201~")
        .expect("paste");
    s.send("\r").expect("enter");
    srv.wait_for("one message", |l| l == "text:first line\nsecond line");
    s.send("\x1b[200~{\r  \"pasted\": [1,\r 2]\r}\r\x1b[201~\r")
        .expect("paste json");
    srv.wait_for("pasted JSON, compact", |l| l == r#"text:{"pasted":[1,2]}"#);
    s.send_line("after").expect("send");
    srv.wait_for("the next line alone", |l| l == "text:after");
    assert_eq!(ctrl_d(&mut s), 0);
    let texts: Vec<String> = srv.texts();
    assert_eq!(texts.len(), 3, "no line went alone: {texts:?}");
}

#[test]
fn an_open_json_value_continues_under_a_continuation_prompt() {
    let srv = repl_server();
    let mut s = open_repl(&srv.url("/"), "continuation");
    s.send_line("{").expect("send");
    expect(&mut s, "... ");
    s.send_line(r#"  "op": "subscribe","#).expect("send");
    expect(&mut s, "... ");
    s.send_line(r#"  "channels": ["a", "b"]"#).expect("send");
    expect(&mut s, "... ");
    s.send_line("}").expect("send");
    srv.wait_for("the value, compact", |l| {
        l == r#"text:{"op":"subscribe","channels":["a","b"]}"#
    });
    // Ctrl-C drops an open value; a syntax error sends nothing and says where.
    s.send_line("[1,").expect("send");
    expect(&mut s, "... ");
    s.send(ControlCode::EndOfText).expect("ctrl-c");
    expect(&mut s, "unfinished JSON dropped");
    s.send_line("{").expect("send");
    expect(&mut s, "... ");
    s.send_line("  nope").expect("send");
    expect(&mut s, "not valid JSON at line 2, column 3");
    s.send_line("{not json, sent as typed").expect("send");
    srv.wait_for("text as typed", |l| l == "text:{not json, sent as typed");
    assert_eq!(ctrl_d(&mut s), 0);
    let texts: Vec<String> = srv.texts();
    assert_eq!(texts.len(), 2, "nothing else sent: {texts:?}");
}

#[test]
fn text_at_file_sends_the_file_as_one_message() {
    let srv = repl_server();
    let state = state_dir("textfile");
    let file = temp_file("request.json", b"{\n  \"from\": \"a file\"\n}\n");
    let binary = temp_file("not-text.bin", b"\xff\xfe");
    let mut s = spawn(repl_command(BIN, &[&srv.url("/")], &state));
    expect(&mut s, "WebSocket open");
    s.send_line(format!("/text @{}", file.display()))
        .expect("send");
    srv.wait_for("the file, exactly", |l| {
        l == "text:{\n  \"from\": \"a file\"\n}\n"
    });
    s.send_line(format!("/text @{}", binary.display()))
        .expect("send");
    expect(&mut s, "is not UTF-8 text; nothing sent");
    s.send_line("/text @/nonexistent/file").expect("send");
    expect(&mut s, "cannot read /nonexistent/file");
    assert_eq!(ctrl_d(&mut s), 0);
    let texts: Vec<String> = srv.texts();
    assert_eq!(texts.len(), 1, "{texts:?}");
}
