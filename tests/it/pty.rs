//! The REPL in a real pseudo-terminal: spawning wscope in one, waiting for what it shows and
//! for its exit, and a server that reacts to a few trigger messages.

use crate::support::*;
use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession as Session;
use expectrl::{ControlCode, Expect};
use futures_util::{SinkExt, StreamExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// A server that logs what it receives and reacts to a few trigger messages.
pub fn repl_server() -> Server {
    let gate = Gate::default();
    gate.open();
    repl_server_with(gate)
}

/// [`repl_server`] whose answer to `push-later` waits for the test to open `later`.
pub fn repl_server_with(later: Gate) -> Server {
    ws_server(move |mut ws, log| {
        let later = later.clone();
        async move {
            while let Some(Ok(m)) = ws.next().await {
                match m {
                    Message::Text(t) => {
                        push(&log, format!("text:{}", t.as_str()));
                        match t.as_str() {
                            "push-later" => {
                                later.passed().await;
                                let _ = ws.send(Message::text("pushed while you type")).await;
                            }
                            "close-4002" => {
                                let _ = ws
                                    .send(Message::Close(Some(CloseFrame {
                                        code: CloseCode::from(4002),
                                        reason: "bye from server".into(),
                                    })))
                                    .await;
                            }
                            _ => {
                                let _ = ws.send(Message::Text(t)).await;
                            }
                        }
                    }
                    Message::Binary(b) => push(&log, format!("binary:{}", hex(&b))),
                    Message::Ping(p) => push(&log, format!("ping:{}", String::from_utf8_lossy(&p))),
                    Message::Close(c) => push(
                        &log,
                        match c {
                            Some(c) => format!("close:{}:{}", u16::from(c.code), c.reason.as_str()),
                            None => "close:none".into(),
                        },
                    ),
                    _ => {}
                }
            }
        }
    })
}

pub fn state_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wscope-repl-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("state dir");
    d
}

pub fn repl_command(program: &str, args: &[&str], state: &Path) -> Command {
    let mut c = Command::new(program);
    c.args(args)
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1")
        .env("XDG_STATE_HOME", state);
    c
}

pub fn spawn(cmd: Command) -> Session {
    let mut s = Session::spawn(cmd).expect("spawn in a pty");
    s.set_expect_timeout(Some(Duration::from_secs(10)));
    s
}

/// A REPL on `url` in a terminal of its own (history under a fresh state directory named
/// `name`), once the WebSocket is open.
pub fn open_repl(url: &str, name: &str) -> Session {
    let state = state_dir(name);
    let mut s = spawn(repl_command(BIN, &[url], &state));
    expect(&mut s, "WebSocket open");
    s
}

pub fn expect(s: &mut Session, what: &str) {
    if let Err(e) = s.expect(what) {
        panic!("did not see {what:?}: {e}");
    }
}

pub fn wait_exit(s: &mut Session) -> i32 {
    exit_within(s, Duration::from_secs(15)).expect("wscope did not exit")
}

/// The exit status, if wscope exits within `limit`; the terminal is drained meanwhile so the
/// child never blocks on output.
fn exit_within(s: &mut Session, limit: Duration) -> Option<i32> {
    let end = Instant::now() + limit;
    loop {
        let mut buf = [0u8; 4096];
        let _ = s.try_read(&mut buf);
        match s.get_process().status() {
            Ok(WaitStatus::Exited(_, code)) => return Some(code),
            Ok(WaitStatus::Signaled(_, sig, _)) => panic!("killed by {sig:?}"),
            _ => {}
        }
        if Instant::now() >= end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Presses Ctrl-D and returns the exit status. A ^D that arrives while the REPL is between two
/// lines (the line editor has given the terminal back to cooked mode for a moment) is turned
/// into a NUL by the terminal's line discipline and lost, as it would be for a person typing;
/// like that person, press it again if wscope is still there after a while.
pub fn ctrl_d(s: &mut Session) -> i32 {
    s.send(ControlCode::EndOfTransmission).expect("ctrl-d");
    if let Some(code) = exit_within(s, Duration::from_secs(3)) {
        return code;
    }
    s.send(ControlCode::EndOfTransmission).expect("ctrl-d");
    wait_exit(s)
}
