//! `wscope --coproc CMD URL`: a program on the client's end. Its output lines are sent, the
//! messages received are its input lines, its exit closes the connection (1000, or 1011 when a
//! signal killed it), the connection's end closes its input, and the exit status reflects both.

use crate::peers::{Peer, on_every_impl};
use crate::serve_process::{alive, read_pid, wait_gone};
use crate::support::*;
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// A server that sends `1`, `2`, `3`, logs what comes back, and closes with 1000 after the
/// third answer.
fn asking_server() -> Server {
    ws_server(|mut ws, log| async move {
        for i in 1..=3 {
            if ws.send(Message::text(i.to_string())).await.is_err() {
                return;
            }
        }
        let mut answers = 0;
        while let Some(Ok(m)) = ws.next().await {
            match m {
                Message::Text(t) => {
                    push(&log, format!("text:{}", t.as_str()));
                    answers += 1;
                    if answers == 3 {
                        let _ = ws.close(None).await;
                    }
                }
                Message::Close(c) => {
                    push(&log, format!("close:{:?}", c.map(|c| u16::from(c.code))))
                }
                _ => {}
            }
        }
    })
}

/// A server that sends `messages`, then closes with `code`, and logs what it receives.
fn closing_server(messages: &'static [&'static [u8]], code: u16) -> Server {
    ws_server(move |mut ws, log| async move {
        for m in messages {
            let msg = match std::str::from_utf8(m) {
                Ok(t) => Message::text(t),
                Err(_) => Message::binary(m.to_vec()),
            };
            let _ = ws.feed(msg).await;
        }
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: "".into(),
        };
        let _ = ws.send(Message::Close(Some(frame))).await;
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Text(t) = m {
                push(&log, format!("text:{}", t.as_str()));
            }
        }
    })
}

#[test]
fn a_coprocess_answers_every_message_a_shell_loop_or_sed() {
    for program in [
        "while read -r l; do echo \"re: $l\"; done",
        "exec sed -u 's/^/re: /'",
    ] {
        let srv = asking_server();
        let r = run(&["--coproc", program, &srv.url("/")], b"");
        assert_eq!(r.code, 0, "{program}: {}", r.stderr);
        assert!(
            r.stdout.is_empty(),
            "messages go to the program, not stdout"
        );
        srv.wait_for("the close", |l| l.starts_with("close:"));
        let answers: Vec<String> = srv.texts();
        assert_eq!(
            answers,
            ["text:re: 1", "text:re: 2", "text:re: 3"],
            "{program}"
        );
    }
}

#[test]
fn the_end_of_the_coprocess_closes_with_1000_after_all_its_lines() {
    let srv = echo_server();
    let r = run(
        &[
            "--coproc",
            "printf 'a\\nb\\n'; echo 'to stderr' >&2",
            &srv.url("/"),
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("to stderr"),
        "its stderr is ours: {}",
        r.stderr
    );
    let log = srv.wait_for("the close", |l| l.starts_with("close:"));
    assert_eq!(log, "close:Some(1000)");
    let texts: Vec<String> = srv.texts();
    assert_eq!(texts, ["text:a", "text:b"]);
}

#[test]
fn a_killed_coprocess_closes_with_1011_and_exits_15() {
    let srv = echo_server();
    let r = run(
        &["--coproc", "echo hi; read a; kill -9 $$", &srv.url("/")],
        b"",
    );
    assert_eq!(r.code, 15, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the --coproc program was killed by signal 9 (SIGKILL)"),
        "{}",
        r.stderr
    );
    srv.wait_for("the close", |l| l == "close:Some(1011)");
}

#[test]
fn a_coprocess_that_fails_exits_15_and_says_its_status() {
    let srv = echo_server();
    let r = run(&["--coproc", "echo x; exit 3", &srv.url("/")], b"");
    assert_eq!(r.code, 15, "{}", r.stderr);
    assert!(r.stderr.contains("exited with status 3"), "{}", r.stderr);
    srv.wait_for("the close", |l| l == "close:Some(1000)");
}

#[test]
fn the_server_closing_first_closes_the_coprocess_input() {
    let seen = temp_file("coproc-seen", b"");
    let program = format!(
        "while read -r l; do echo \"got $l\" >> {0}; done; echo eof >> {0}",
        seen.display()
    );
    let srv = closing_server(&[b"bye"], 1000);
    let r = run(&["--coproc", &program, &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&seen).expect("seen"),
        "got bye\neof\n"
    );

    // The connection ended first, and not cleanly: its status wins.
    let srv = closing_server(&[], 4000);
    let r = run(&["--coproc", "exec cat", &srv.url("/")], b"");
    assert_eq!(r.code, 8, "{}", r.stderr);
}

#[test]
fn a_coprocess_that_ignores_its_input_closing_is_stopped() {
    let pid_file = temp_file("ignorer.pid", b"");
    let program = format!(
        "trap '' TERM; echo $$ > {}; exec sleep 60",
        pid_file.display()
    );
    let srv = closing_server(&[b"bye"], 1000);
    let r = run(
        &[
            "--coproc",
            &program,
            "--close-timeout",
            "0.3",
            &srv.url("/"),
        ],
        b"",
    );
    assert_eq!(
        r.code, 0,
        "stopped after a clean end is no failure: {}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("did not exit within 0.3s after its input closed"),
        "{}",
        r.stderr
    );
    assert!(r.took < Duration::from_secs(10), "bounded: {:?}", r.took);
    let pid = read_pid(&pid_file);
    assert!(!alive(pid), "the program (pid {pid}) outlived wscope");
}

#[test]
fn framing_options_apply_to_the_coprocess() {
    // A program that only reads (its stdout is a file): -0 and --binary-output hex frame what
    // it gets; it runs until its input closes.
    let file = temp_file("framed", b"");
    let program = format!("exec cat > {}", file.display());
    let srv = closing_server(&[b"\x00\x01\xff", b"a\nb"], 1000);
    let r = run(
        &[
            "--coproc",
            &program,
            "-0",
            "--binary-output",
            "hex",
            &srv.url("/"),
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(&file).expect("framed"), b"0001ff\0a\nb\0");

    // -b sends its lines as binary messages.
    let srv = echo_server();
    let r = run(&["--coproc", "echo xy", "-b", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    srv.wait_for("the binary message", |l| l == "binary:7879");
}

#[test]
fn ctrl_c_closes_the_connection_and_the_coprocess_input() {
    let pid_file = temp_file("ctrl-c.pid", b"");
    let program = format!("echo $$ > {}; exec cat", pid_file.display());
    let srv = echo_server();
    let mut child = command(&["--coproc", &program, &srv.url("/")])
        .spawn()
        .expect("spawn");
    let pid = read_pid(&pid_file);
    interrupt(child.id());
    let code = wait_bounded(&mut child, RUN_LIMIT);
    assert_eq!(code, 130);
    srv.wait_for("the close", |l| l == "close:Some(1000)");
    wait_gone(pid, "the program after Ctrl-C");
}

#[test]
fn coproc_does_not_combine_with_other_inputs() {
    let r = run(&["--coproc", "cat", "-e", "x", "ws://127.0.0.1:1/"], b"");
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn a_coprocess_talks_to_the_servers_people_run() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let program = "echo one; read -r a; echo \"back: $a\" >&2; \
                       echo two; read -r b; echo \"back: $b\" >&2";
        let r = run(&["--coproc", program, &peer.url("/echo")], b"");
        assert_eq!(r.code, 0, "{}: {}", imp.name(), r.stderr);
        assert!(
            r.stderr.contains("back: one\nback: two\n"),
            "{}: {}",
            imp.name(),
            r.stderr
        );
        assert_eq!(peer.wait_event("close")["code"], 1000, "{}", imp.name());
    });
}
