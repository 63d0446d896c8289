//! `--proto socketio` in the REPL, in a real pseudo-terminal, against the `socket.io` 4 server:
//! the protocol's commands in `/help` and on Tab, emits with an acknowledgement and its
//! latency, the server's request for one answered with `/ack` (a file as a binary argument),
//! mistakes said with nothing sent, and the keepalive that keeps an idle user connected.

use crate::proto_peers::{Proto, ProtoPeer};
use crate::pty::*;
use crate::support::*;
use expectrl::Expect;

#[test]
fn acks_both_ways_and_the_protocols_commands_in_the_repl() {
    let Some(peer) = ProtoPeer::start(Proto::SocketIo, &[]) else {
        return;
    };
    let state = state_dir("socketio");
    let file = temp_file("socketio-ack.bin", b"\x01\x02\xff");
    let url = peer.url("/");
    let mut s = spawn(repl_command(BIN, &["--proto", "socketio", &url], &state));
    expect(&mut s, "Socket.IO: connected to namespace / (socket id ");
    expect(&mut s, "< [\"welcome\"");
    s.send_line("/help").expect("send");
    expect(&mut s, "Socket.IO commands");
    expect(&mut s, "/emit");
    s.send("/em\t").expect("tab");
    s.send("--ack chat \"hi\" {\"n\": 1}\r").expect("send");
    expect(&mut s, "< [\"chat\",\"hi\",{\"n\":1}]");
    expect(&mut s, "* ack 0 answers \"chat\" after ");
    expect(&mut s, "< [\"ok\"]");
    let chat = peer.wait_for("chat", |e| e["name"] == "chat");
    assert_eq!(chat["ack"], true, "{chat}");

    s.send_line("/emit ask \"sure?\"").expect("send");
    expect(
        &mut s,
        "the server asks for an acknowledgement of \"question\": /ack 0",
    );
    s.send_line("/ack 7 \"no\"").expect("send");
    expect(&mut s, "the server did not ask for acknowledgement 7");
    s.send_line(format!("/ack 0 \"yes\" @{}", file.display()))
        .expect("send");
    let ack = peer.wait_event("ack");
    assert_eq!(ack["args"], serde_json::json!(["yes", {"base64": "AQL/"}]));
    expect(&mut s, "< [\"answer\",\"yes\",{\"_binary\":\"AQL/\"}]");

    s.send_line("[\"chat\", oops]").expect("send");
    expect(&mut s, "is not valid JSON");
    s.send_line("plain words").expect("send");
    expect(&mut s, "< [\"message\",\"plain words\"]");
    s.send_line("/last").expect("send");
    expect(&mut s, "\"plain words\"");
    assert_eq!(ctrl_d(&mut s), 0);
    let gone = peer.wait_event("disconnect");
    assert_eq!(gone["reason"], "client namespace disconnect", "{gone}");
}

#[test]
fn an_idle_repl_user_is_kept_connected_by_the_keepalive() {
    let args = ["--ping-interval", "100", "--ping-timeout", "100"];
    let Some(peer) = ProtoPeer::start(Proto::SocketIo, &args) else {
        return;
    };
    let state = state_dir("socketio-idle");
    let url = peer.url("/");
    let mut s = spawn(repl_command(BIN, &["--proto", "socketio", &url], &state));
    expect(&mut s, "Socket.IO: connected");
    // The server pings every 100 ms and drops a client that has not answered 100 ms later;
    // the ticks it sends 100 ms apart, long after the user last typed, still come.
    s.send_line("[\"stream\",8,100]").expect("send");
    expect(&mut s, "< [\"done\",8]");
    assert!(
        !peer.events().iter().any(|e| e["event"] == "disconnect"),
        "{:?}",
        peer.events()
    );
    assert_eq!(ctrl_d(&mut s), 0);
}
