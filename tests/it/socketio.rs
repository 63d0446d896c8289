//! `--proto socketio` against the real servers users deploy (the `socket.io` Node server,
//! version 4 and, with `--eio 3`, version 2; python-socketio): the URL as the official client
//! takes it, the handshake, namespaces, auth accepted and refused, events both ways in pipe mode,
//! binary attachments, the keepalive, JSON Lines and recordings at the protocol's level.

use crate::proto_peers::{Proto, ProtoPeer};
use crate::support::*;

/// The lines of stdout.
fn lines(r: &Run) -> Vec<String> {
    r.out().lines().map(str::to_string).collect()
}

const MODERN: [Proto; 2] = [Proto::SocketIo, Proto::SocketIoPython];

#[test]
fn pipe_lines_are_emitted_and_each_event_prints_as_one_json_array() {
    for proto in MODERN {
        let Some(peer) = ProtoPeer::start(proto, &[]) else {
            return;
        };
        let input = b"[\"chat\",\"hi\",{\"n\":1}]\nhello there\n";
        let r = run(&["--proto", "socketio", "-n", "3", &peer.url("/")], input);
        assert_eq!(r.code, 0, "{}: {}", proto.name(), r.stderr);
        let out = lines(&r);
        assert!(
            out[0].starts_with(r#"["welcome",{"namespace":"/","id":""#),
            "{out:?}"
        );
        assert_eq!(
            out[1..],
            [r#"["chat","hi",{"n":1}]"#, r#"["message","hello there"]"#]
        );
        let chat = peer.wait_for("chat", |e| e["name"] == "chat");
        assert_eq!(chat["args"], serde_json::json!(["hi", {"n": 1}]));
        // The official client's farewell: a DISCONNECT before the Close.
        peer.wait_event("disconnect");
    }
}

#[test]
fn a_namespace_is_the_urls_path_and_its_auth_middleware_is_answered() {
    for proto in MODERN {
        let Some(peer) = ProtoPeer::start(proto, &[]) else {
            return;
        };
        let admin = peer.url("/admin?room=1");
        let auth = r#"{"token":"secret"}"#;
        let args = [
            "--proto",
            "socketio",
            "--connect-payload",
            auth,
            "-n",
            "2",
            &admin,
        ];
        let r = run(&args, b"[\"chat\",1]\n");
        assert_eq!(r.code, 0, "{}: {}", proto.name(), r.stderr);
        assert!(
            r.out().starts_with(r#"["welcome",{"namespace":"/admin""#),
            "{}",
            r.out()
        );
        assert!(r.out().ends_with("[\"chat\",1]\n"), "{}", r.out());
        let connect = peer.wait_for("connect to /admin", |e| {
            e["event"] == "connect" && e["namespace"] == "/admin"
        });
        assert_eq!(connect["auth"]["token"], "secret");

        let r = run(&["--proto", "socketio", &admin], b"[\"chat\",1]\n");
        assert_eq!(r.code, 16, "{}: {}", proto.name(), r.stderr);
        assert!(
            r.stderr
                .contains("the server refused namespace /admin: not authorized (CONNECT_ERROR)"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("--connect-payload"), "{}", r.stderr);
        assert!(r.out().is_empty(), "nothing printed: {}", r.out());
    }
}

#[test]
fn an_unknown_namespace_ends_the_run_with_the_servers_message() {
    for (proto, says) in [
        (Proto::SocketIo, "Invalid namespace"),
        (Proto::SocketIoPython, "Unable to connect"),
    ] {
        let Some(peer) = ProtoPeer::start(proto, &[]) else {
            return;
        };
        let r = run(&["--proto", "socketio", &peer.url("/nope")], b"hi\n");
        assert_eq!(r.code, 16, "{}: {}", proto.name(), r.stderr);
        assert!(
            r.stderr
                .contains(&format!("refused namespace /nope: {says}")),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("the URL's path is the namespace"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn binary_arguments_go_out_as_attachments_and_come_back_in_place() {
    for proto in MODERN {
        let Some(peer) = ProtoPeer::start(proto, &[]) else {
            return;
        };
        let input = b"[\"chat\",{\"_binary\":\"AQID\"},\"x\"]\n[\"blob\"]\n";
        let r = run(&["--proto", "socketio", "-n", "3", &peer.url("/")], input);
        assert_eq!(r.code, 0, "{}: {}", proto.name(), r.stderr);
        let out = lines(&r);
        assert_eq!(out[1], r#"["chat",{"_binary":"AQID"},"x"]"#, "{out:?}");
        assert_eq!(
            out[2],
            r#"["blob",{"_binary":"AAEC/v8="},{"name":"blob","data":{"_binary":"AAEC/v8="}}]"#
        );
        let chat = peer.wait_for("chat", |e| e["name"] == "chat");
        assert_eq!(chat["args"][0]["base64"], "AQID");
    }
}

#[test]
fn a_short_ping_interval_is_answered_for_as_long_as_the_session_lasts() {
    let Some(peer) = ProtoPeer::start(
        Proto::SocketIo,
        &["--ping-interval", "100", "--ping-timeout", "100"],
    ) else {
        return;
    };
    // Ten ticks a hundred milliseconds apart: ten ping intervals, any one of which unanswered
    // would have the server drop the client after 200 ms.
    let r = run(
        &["--proto", "socketio", "-v", "-n", "12", &peer.url("/")],
        b"[\"stream\",10,100]\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(lines(&r).last().map(String::as_str), Some(r#"["done",10]"#));
    let pongs = r.stderr.lines().filter(|l| *l == "> 3").count();
    assert!(pongs >= 3, "{pongs} pongs:\n{}", r.stderr);
    // A last ping may come while we close (answered or not).
    let pings = r.stderr.lines().filter(|l| *l == "< 2").count();
    assert!(
        pings - pongs <= 1,
        "{pings} pings, {pongs} pongs:\n{}",
        r.stderr
    );
    let gone = peer.wait_event("disconnect");
    assert_eq!(gone["reason"], "client namespace disconnect", "{gone}");
}

#[test]
fn socket_io_2_with_eio_3_connects_a_namespace_with_its_query() {
    let Some(peer) = ProtoPeer::start(Proto::SocketIo2, &[]) else {
        return;
    };
    let url = peer.url("/");
    let args = ["--proto", "socketio", "--eio", "3", "-n", "3", &url];
    let r = run(&args, b"[\"chat\",\"v2\"]\n[\"blob\"]\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = lines(&r);
    assert_eq!(out[1], r#"["chat","v2"]"#);
    assert!(
        out[2].starts_with(r#"["blob",{"_binary":"AAEC/v8="}"#),
        "{out:?}"
    );

    let admin = peer.url("/admin?token=secret");
    let r = run(
        &["--proto", "socketio", "--eio", "3", "-n", "1", &admin],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.out().starts_with(r#"["welcome",{"namespace":"/admin""#),
        "{}",
        r.out()
    );

    let r = run(
        &["--proto", "socketio", "--eio", "3", &peer.url("/admin")],
        b"",
    );
    assert_eq!(r.code, 16, "{}", r.stderr);
    assert!(r.stderr.contains("not authorized (ERROR)"), "{}", r.stderr);
}

#[test]
fn with_eio_3_wscope_pings_and_the_server_keeps_it() {
    let args = ["--ping-interval", "100", "--ping-timeout", "100"];
    let Some(peer) = ProtoPeer::start(Proto::SocketIo2, &args) else {
        return;
    };
    // Engine.IO 3 servers drop a client that has not pinged for pingInterval + pingTimeout.
    let url = peer.url("/");
    let r = run(
        &["--proto", "socketio", "--eio", "3", "-v", "-n", "10", &url],
        b"[\"stream\",8,100]\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(lines(&r).last().map(String::as_str), Some(r#"["done",8]"#));
    let pings = r.stderr.lines().filter(|l| *l == "> 2").count();
    assert!(pings >= 3, "{pings} pings:\n{}", r.stderr);
}

#[test]
fn init_messages_are_the_protocols_input_sent_once_it_is_ready() {
    let Some(peer) = ProtoPeer::start(Proto::SocketIo, &[]) else {
        return;
    };
    let url = peer.url("/");
    let r = run(
        &[
            "--proto",
            "socketio",
            "--init",
            "[\"chat\",\"init\"]",
            "-n",
            "3",
            &url,
        ],
        b"[\"chat\",\"stdin\"]\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        lines(&r)[1..],
        [r#"["chat","init"]"#, r#"["chat","stdin"]"#]
    );
}

#[test]
fn json_lines_carry_each_application_message_beside_the_raw_one() {
    let Some(peer) = ProtoPeer::start(Proto::SocketIo, &[]) else {
        return;
    };
    let r = run(
        &["--proto", "socketio", "--jsonl", "-n", "2", &peer.url("/")],
        b"[\"chat\",\"hi\"]\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let events: Vec<serde_json::Value> = r
        .out()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let open = events.iter().find(|e| e["type"] == "open").expect("open");
    assert_eq!(open["proto"]["name"], "socketio");
    let sent = events
        .iter()
        .find(|e| e["type"] == "message" && e["dir"] == "out" && e["app"].is_array())
        .expect("the emit");
    assert_eq!(sent["data"], r#"42["chat","hi"]"#);
    assert_eq!(sent["app"][0]["kind"], "emit");
    assert_eq!(sent["app"][0]["input"], r#"["chat","hi"]"#);
    let echo = events
        .iter()
        .find(|e| e["type"] == "message" && e["dir"] == "in" && e["app"][0]["event"] == "chat")
        .expect("the echo");
    assert_eq!(echo["app"][0]["data"], serde_json::json!(["chat", "hi"]));
    let connected = events
        .iter()
        .find(|e| e["notice"] == "proto" && e["about"] == "connected")
        .expect("connected");
    assert_eq!(connected["facts"]["namespace"], "/");
    let pong_or_connect = events
        .iter()
        .find(|e| e["type"] == "message" && e["dir"] == "out" && e["data"] == "40")
        .expect("CONNECT");
    assert!(
        pong_or_connect.get("app").is_none(),
        "the protocol's own message"
    );
}

#[test]
fn a_recording_replays_at_the_protocols_level() {
    let Some(peer) = ProtoPeer::start(Proto::SocketIo, &[]) else {
        return;
    };
    let file = temp_file("socketio-record.jsonl", b"");
    let path = file.to_str().expect("path");
    let r = run(
        &[
            "--proto",
            "socketio",
            "--record",
            path,
            "-n",
            "3",
            &peer.url("/"),
        ],
        b"[\"chat\",\"one\"]\n[\"chat\",\"two\"]\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A new handshake (new ids: the welcome differs), the same emits, the same echoes.
    let r = run(&["replay", path, "--no-timing", "-n", "3"], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(lines(&r)[1..], [r#"["chat","one"]"#, r#"["chat","two"]"#]);
    let chats = peer.events().iter().filter(|e| e["name"] == "chat").count();
    assert_eq!(chats, 4, "{:?}", peer.events());
}

#[test]
fn without_proto_a_socket_io_server_is_named_in_a_hint() {
    let Some(peer) = ProtoPeer::start(Proto::SocketIo, &[]) else {
        return;
    };
    let r = run(&[&peer.url("/socket.io/")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("Transport unknown"), "{}", r.stderr);
    assert!(r.stderr.contains("--proto socketio"), "{}", r.stderr);

    // Anywhere else, the server drops the upgrade without an answer.
    let r = run(&[&peer.url("/")], b"hi\n");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr.contains("a Socket.IO server closes like this"),
        "{}",
        r.stderr
    );

    let r = run(&["-n", "1", &peer.engine_io_url(4)], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.out().starts_with("0{\"sid\":"), "{}", r.out());
    assert!(
        r.stderr.contains("this server speaks socketio"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--proto socketio"), "{}", r.stderr);
}

#[test]
fn bad_input_lines_are_said_with_their_place_and_the_others_still_go() {
    let Some(peer) = ProtoPeer::start(Proto::SocketIo, &[]) else {
        return;
    };
    let input = b"[\"chat\",1]\n[\"chat\", oops]\n[\"connect\"]\n[\"chat\",2]\n";
    let r = run(&["--proto", "socketio", "-n", "3", &peer.url("/")], input);
    assert_eq!(r.code, 10, "{}", r.stderr);
    assert_eq!(lines(&r)[1..], ["[\"chat\",1]", "[\"chat\",2]"]);
    assert!(
        r.stderr
            .contains("stdin line 2: column 10: a line that starts with '[' is an event"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("stdin line 3: column 1: \"connect\" is reserved"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.matches("wscope: error").count(), 2, "{}", r.stderr);
}
