//! The interactive REPL, driven in a real pseudo-terminal against in-process servers.

use crate::pty::*;
use crate::support::*;
use expectrl::{ControlCode, Expect};
use futures_util::{SinkExt, StreamExt};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

#[test]
fn slash_commands_send_the_right_frames() {
    let srv = repl_server();
    let state = state_dir("cmds");
    let file = temp_file("payload.bin", b"\x01\x02file bytes\xff");
    let mut s = spawn(repl_command(BIN, &[&srv.url("/")], &state));
    expect(&mut s, "WebSocket open");
    expect(&mut s, "> ");
    s.send_line("/ping abc").expect("send");
    expect(&mut s, "< pong \"abc\" rtt");
    s.send_line("/binary 0x00ff10").expect("send");
    srv.wait_for("binary", |l| l == "binary:00ff10");
    s.send_line(format!("/binary @{}", file.display()))
        .expect("send");
    srv.wait_for("file bytes", |l| {
        l == format!("binary:{}", hex(b"\x01\x02file bytes\xff"))
    });
    s.send_line("//etc/passwd").expect("send");
    srv.wait_for("literal slash text", |l| l == "text:/etc/passwd");
    s.send_line(format!("/ping {}", "x".repeat(126)))
        .expect("send");
    expect(&mut s, "at most 125 bytes");
    s.send_line("/close 4000 bye").expect("send");
    srv.wait_for("close 4000", |l| l == "close:4000:bye");
    srv.wait_for("ping", |l| l == "ping:abc");
    let code = wait_exit(&mut s);
    // The server echoed our 4000: a non-normal code from the peer.
    assert_eq!(code, 8);
    assert!(
        !srv.log().iter().any(|l| l.starts_with("ping:xxx")),
        "oversized ping never sent"
    );
}

#[test]
fn a_message_arriving_mid_typing_keeps_the_half_typed_line() {
    let later = Gate::default();
    let srv = repl_server_with(later.clone());
    let mut s = open_repl(&srv.url("/"), "halfline");
    s.send_line("push-later").expect("send");
    srv.wait_for("trigger", |l| l == "text:push-later");
    s.send("half-typ").expect("send");
    // The push comes once the half-typed line is on the screen.
    expect(&mut s, "half-typ");
    later.open();
    expect(&mut s, "< pushed while you type");
    s.send("ed line\r").expect("send");
    srv.wait_for("intact line", |l| l == "text:half-typed line");
    assert_eq!(ctrl_d(&mut s), 0);
    srv.wait_for("close 1000", |l| l.starts_with("close:1000"));
}

#[test]
fn history_survives_a_restart_and_is_private() {
    let srv = repl_server();
    let state = state_dir("history");
    let mut s = spawn(repl_command(BIN, &[&srv.url("/")], &state));
    expect(&mut s, "WebSocket open");
    s.send_line("remember me").expect("send");
    srv.wait_for("first", |l| l == "text:remember me");
    s.send_line(" secret with leading space").expect("send");
    srv.wait_for("secret", |l| l == "text: secret with leading space");
    assert_eq!(ctrl_d(&mut s), 0);

    let hist = state.join("wscope").join("history");
    let text = std::fs::read_to_string(&hist).expect("history file");
    assert!(text.contains("remember me"), "{text}");
    assert!(
        !text.contains("secret"),
        "space-prefixed lines are not saved: {text}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&hist).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let mut s = spawn(repl_command(BIN, &[&srv.url("/")], &state));
    expect(&mut s, "WebSocket open");
    expect(&mut s, "> ");
    s.send("\x1b[A").expect("up arrow");
    s.send("\r").expect("enter");
    let end = Instant::now() + Duration::from_secs(10);
    while srv
        .log()
        .iter()
        .filter(|l| *l == "text:remember me")
        .count()
        < 2
    {
        assert!(
            Instant::now() < end,
            "Up arrow did not recall the line: {:?}",
            srv.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(ctrl_d(&mut s), 0);
}

#[test]
fn no_history_flag_writes_nothing() {
    let srv = repl_server();
    let state = state_dir("nohistory");
    let mut s = spawn(repl_command(BIN, &["--no-history", &srv.url("/")], &state));
    expect(&mut s, "WebSocket open");
    s.send_line("not kept").expect("send");
    srv.wait_for("line", |l| l == "text:not kept");
    assert_eq!(ctrl_d(&mut s), 0);
    assert!(!state.join("wscope").join("history").exists());
}

#[test]
fn server_close_ends_the_session_and_restores_the_terminal() {
    let srv = repl_server();
    let state = state_dir("serverclose");
    let script = format!(
        "stty -g > '{d}/before'; '{bin}' '{url}'; echo \"exit=$?\"; stty -g > '{d}/after'",
        d = state.display(),
        bin = BIN,
        url = srv.url("/")
    );
    let mut s = spawn(repl_command("sh", &["-c", &script], &state));
    expect(&mut s, "WebSocket open");
    s.send_line("close-4002").expect("send");
    expect(
        &mut s,
        "< close 4002 (application-defined) \"bye from server\"",
    );
    expect(&mut s, "peer closed with 4002");
    expect(&mut s, "exit=8");
    assert_eq!(wait_exit(&mut s), 0);
    let before = std::fs::read_to_string(state.join("before")).expect("before");
    let after = std::fs::read_to_string(state.join("after")).expect("after");
    assert_eq!(before, after, "terminal mode restored");
}

#[test]
fn ctrl_c_clears_the_line_and_twice_exits_130() {
    let srv = repl_server();
    let mut s = open_repl(&srv.url("/"), "ctrlc");
    expect(&mut s, &format!("{}> ", srv.addr));
    s.send("discard me").expect("type");
    s.send(ControlCode::EndOfText).expect("ctrl-c");
    expect(&mut s, "press Ctrl-C again");
    s.send_line("kept").expect("send");
    srv.wait_for("kept", |l| l == "text:kept");
    expect(&mut s, "< kept");
    expect(&mut s, &format!("{}> ", srv.addr));
    assert!(!srv.log().iter().any(|l| l.contains("discard")));
    // Keys arrive one by one, as a person types them.
    s.send(ControlCode::EndOfText).expect("ctrl-c");
    expect(&mut s, "press Ctrl-C again");
    s.send(ControlCode::EndOfText).expect("ctrl-c");
    assert_eq!(wait_exit(&mut s), 130);
    srv.wait_for("close 1000", |l| l.starts_with("close:1000"));
}

#[test]
fn help_lists_every_command() {
    let srv = repl_server();
    let mut s = open_repl(&srv.url("/"), "help");
    s.send_line("/help").expect("send");
    for c in wscope::input::command::COMMANDS {
        expect(&mut s, c.name);
    }
    s.send_line("/quit").expect("quit");
    assert_eq!(wait_exit(&mut s), 0);
}

#[test]
fn resizing_the_terminal_mid_session_changes_nothing() {
    let srv = repl_server();
    let mut s = open_repl(&srv.url("/"), "resize");
    s.send("before res").expect("type");
    s.get_process_mut().set_window_size(40, 10).expect("resize");
    // SAFETY: signalling our own child (the pty layer sends SIGWINCH itself on most systems).
    unsafe {
        libc::kill(s.get_process().pid().as_raw(), libc::SIGWINCH);
    }
    s.send("ize\r").expect("type");
    srv.wait_for("line typed across a resize", |l| l == "text:before resize");
    s.get_process_mut()
        .set_window_size(200, 50)
        .expect("resize");
    s.send_line("after").expect("send");
    srv.wait_for("after", |l| l == "text:after");
    assert_eq!(ctrl_d(&mut s), 0);
}

#[test]
fn server_payloads_and_close_reasons_cannot_drive_the_terminal() {
    let srv = ws_server(|mut ws, _| async move {
        let _ = ws
            .send(Message::text("evil \x1b]0;title\x07\x1b[2J done"))
            .await;
        let _ = ws
            .send(Message::Close(Some(CloseFrame {
                code: CloseCode::from(4003),
                reason: "bye\x1b[31m".into(),
            })))
            .await;
        while let Some(Ok(_)) = ws.next().await {}
    });
    let state = state_dir("escape");
    let mut s = spawn(repl_command(BIN, &[&srv.url("/")], &state));
    expect(&mut s, "< evil \\x1b]0;title\\x07\\x1b[2J done");
    expect(&mut s, "\"bye\\x1b[31m\"");
    assert_eq!(wait_exit(&mut s), 8);
}

#[test]
fn protocol_tools_put_exactly_the_asked_frames_on_the_wire() {
    use tokio::io::AsyncWriteExt;
    let srv = raw_server(|mut tcp, log| async move {
        raw_accept(&mut tcp).await;
        while let Some(f) = read_client_frame(&mut tcp).await {
            push(
                &log,
                format!(
                    "{:02x}:{}:{}",
                    f.first,
                    f.mask.is_some(),
                    String::from_utf8_lossy(&f.payload)
                ),
            );
            if f.opcode() == 8 {
                let _ = tcp.write_all(&frame(0x88, &[0x03, 0xe8])).await;
                break;
            }
        }
    });
    let state = state_dir("tools");
    let mut s = spawn(repl_command(BIN, &["-x", &srv.url("/")], &state));
    expect(&mut s, "WebSocket open");
    s.send_line("/frag 3 hello").expect("send");
    srv.wait_for("last fragment", |l| l == "80:true:o");
    s.send_line("/fragping 2 hi").expect("send");
    srv.wait_for("last fragment", |l| l == "80:true:i");
    s.send_line("/frame 1 100 text hi").expect("send");
    srv.wait_for("rsv1 frame", |l| l == "c1:true:hi");
    s.send_line("/raw 0x8100").expect("send");
    srv.wait_for("raw frame", |l| l == "81:false:");
    expect(&mut s, "> frame CONT  fin=1 rsv=000");
    assert_eq!(ctrl_d(&mut s), 0);
    let log = srv.log();
    let frames: Vec<&str> = log.iter().map(String::as_str).collect();
    assert_eq!(
        frames,
        vec![
            "01:true:he",
            "00:true:ll",
            "80:true:o",
            "01:true:h",
            "89:true:between 1 and 2",
            "80:true:i",
            "c1:true:hi",
            "81:false:",
            "88:true:\u{3}\u{fffd}",
        ]
    );
}

#[test]
fn tab_completes_command_names() {
    let srv = repl_server();
    let state = state_dir("tab");
    let mut s = spawn(repl_command(BIN, &[&srv.url("/")], &state));
    expect(&mut s, "WebSocket open");
    expect(&mut s, &format!("{}> ", srv.addr));
    // "/sta" has one completion: "/status ".
    s.send("/sta\t").expect("tab");
    s.send("\r").expect("enter");
    expect(&mut s, "state open, up ");
    s.send_line("/quit").expect("quit");
    assert_eq!(wait_exit(&mut s), 0);
    assert!(
        !srv.log().iter().any(|l| l.contains("/sta")),
        "completed, not sent as text"
    );
}

#[test]
fn stdout_and_stderr_on_one_terminal_keep_the_order_of_events() {
    let srv = echo_server();
    let state = state_dir("order");
    let mut s = spawn(repl_command(
        BIN,
        &["-x", "--idle", "0", "-e", "hi", &srv.url("/")],
        &state,
    ));
    let seen = match s.expect(expectrl::Eof) {
        Ok(c) => String::from_utf8_lossy(c.as_bytes()).into_owned(),
        Err(e) => panic!("no end of output: {e}"),
    };
    let at = |what: &str| {
        seen.find(what)
            .unwrap_or_else(|| panic!("{what:?} not in:\n{seen}"))
    };
    // Our Close goes out at once (--idle 0); the echo and the server's Close come back after.
    let close_out = at("> frame CLOSE");
    let frame_in = at("< frame TEXT");
    let message = at("\nhi\r\n");
    let close_in = at("< frame CLOSE");
    assert!(
        close_out < frame_in && frame_in < message && message < close_in,
        "out of order:\n{seen}"
    );
    assert_eq!(wait_exit(&mut s), 0);
}
