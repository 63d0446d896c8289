//! Ctrl-C in every phase of a run: connecting (TCP, TLS, the upgrade), the `--reconnect` wait,
//! the session and its closing handshake, against peers that never answer; in the REPL, the
//! terminal put back as it was. Each run ends with
//! exit status 130 and the `--record` file's last event saying so; a second Ctrl-C ends a run
//! that is still waiting at once. (The name lookup cannot be made to hang on loopback: it is
//! tested through the same mechanism in `interrupt`'s unit tests.)
//!
//! Every SIGINT is sent once wscope has shown that it is in the phase (a line on stderr with
//! `-v`, a server log entry, a socket in SYN-SENT), never after a fixed sleep. The time from the
//! signal to the exit is printed (`--no-capture` shows it) but not asserted.

use crate::peers::{Impl, Peer, on_every_impl};
use crate::pty::{expect, repl_command, repl_server, spawn, state_dir, wait_exit};
use crate::support::*;
use expectrl::{ControlCode, Expect};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;

/// Upper bound for any wait here: far above what any phase takes, far below the timeouts the
/// runs are given (so ending by a timeout cannot pass for ending by Ctrl-C).
const LIMIT: Duration = Duration::from_secs(10);

/// A wscope run with `-v --record`, its stderr read line by line as it comes.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    record: PathBuf,
}

impl Running {
    fn start(name: &str, args: &[&str]) -> Running {
        let record = temp_file(name, b"");
        let record_arg = record.display().to_string();
        let mut all = vec!["-v", "--record", &record_arg];
        all.extend_from_slice(args);
        let mut child = command(&all).stdout(Stdio::null()).spawn().expect("spawn");
        let (tx, lines) = mpsc::channel();
        let err = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
            record,
        }
    }

    /// Waits for a stderr line that satisfies `pred`.
    fn wait_line(&mut self, what: &str, pred: impl Fn(&str) -> bool) {
        let end = Instant::now() + LIMIT;
        while !self.seen.iter().any(|l| pred(l)) {
            let left = end.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => self.seen.push(l),
                Err(_) => panic!("wscope never showed {what}: {:#?}", self.seen),
            }
        }
    }

    /// Ctrl-C; then the exit status and how long after the signal it came.
    fn interrupt(&mut self, phase: &str) -> i32 {
        let t0 = Instant::now();
        sigint(&self.child);
        let code = wait_bounded(&mut self.child, LIMIT);
        eprintln!("Ctrl-C in {phase}: exit {code} after {:?}", t0.elapsed());
        code
    }

    /// Asserts that the run ended as Ctrl-C ends it: status 130, and the recording's last
    /// events the interruption (its error, then the run's end).
    fn assert_interrupted(&mut self, phase: &str) {
        let code = self.interrupt(phase);
        let rest: Vec<String> = self.lines.try_iter().collect();
        self.seen.extend(rest);
        assert_eq!(code, 130, "{phase}: {:#?}", self.seen);
        let text = std::fs::read_to_string(&self.record).expect("recording");
        let last: Vec<(String, Option<u64>)> = text
            .lines()
            .rev()
            .take(2)
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .map(|e| {
                (
                    e["type"].as_str().unwrap_or("").into(),
                    e["exit_code"].as_u64(),
                )
            })
            .collect();
        assert_eq!(
            last,
            [("end".into(), Some(130)), ("error".into(), Some(130))],
            "{phase}: the recording ends with {text:?}"
        );
    }
}

fn sigint(child: &Child) {
    // SAFETY: kill(2) on our own child, not yet reaped.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
}

/// A server that accepts TCP connections, logs them and reads whatever comes, never answering.
fn silent_server() -> Server {
    raw_server(|mut tcp, log| async move {
        push(&log, "accepted");
        let mut buf = [0u8; 4096];
        while let Ok(1..) = tcp.read(&mut buf).await {
            push(&log, "read");
        }
    })
}

/// A server that accepts the upgrade and then reads for ever: it never answers our Close.
fn deaf_server() -> Server {
    raw_server(|mut tcp, log| async move {
        raw_accept(&mut tcp).await;
        push(&log, "upgraded");
        if let Some(f) = read_until_close(&mut tcp).await {
            push(&log, format!("close:{:?}", f.close_code()));
        }
        let mut buf = [0u8; 4096];
        while let Ok(1..) = tcp.read(&mut buf).await {}
    })
}

/// Whether a socket in this network namespace is in SYN-SENT towards `port` on loopback.
fn syn_sent_to(port: u16) -> bool {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    table.lines().skip(1).any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        let remote_port = f
            .get(2)
            .and_then(|r| r.split(':').nth(1))
            .and_then(|p| u16::from_str_radix(p, 16).ok());
        f.get(3) == Some(&"02") && remote_port == Some(port)
    })
}

#[test]
fn ctrl_c_while_tcp_connects() {
    // A listener whose queue is full drops new SYNs: the connect hangs (until --connect-timeout).
    // SAFETY: plain socket calls on a descriptor this test owns.
    let (listener, port) = unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        assert!(fd >= 0, "socket");
        let mut addr: libc::sockaddr_in = std::mem::zeroed();
        addr.sin_family = libc::AF_INET as libc::sa_family_t;
        addr.sin_addr.s_addr = u32::from_be_bytes([127, 0, 0, 1]).to_be();
        let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        assert_eq!(libc::bind(fd, (&raw const addr).cast(), len), 0, "bind");
        assert_eq!(libc::listen(fd, 0), 0, "listen");
        let mut bound: libc::sockaddr_in = std::mem::zeroed();
        let mut blen = len;
        libc::getsockname(fd, (&raw mut bound).cast(), &mut blen);
        (fd, u16::from_be(bound.sin_port))
    };
    let _filler = std::net::TcpStream::connect(("127.0.0.1", port)).expect("fill the queue");
    let url = format!("ws://127.0.0.1:{port}/");
    let mut run = Running::start("tcp.jsonl", &["--connect-timeout", "60", &url]);
    let end = Instant::now() + LIMIT;
    while !syn_sent_to(port) {
        assert!(Instant::now() < end, "wscope never started to connect");
        std::thread::sleep(Duration::from_millis(10));
    }
    run.assert_interrupted("the TCP connect");
    // SAFETY: closing the descriptor made above.
    unsafe { libc::close(listener) };
}

#[test]
fn ctrl_c_while_the_tls_handshake_gets_no_answer() {
    let srv = silent_server();
    let url = format!("wss://{}/", srv.addr);
    let mut run = Running::start("tls.jsonl", &["--connect-timeout", "60", &url]);
    run.wait_line("the TCP connection", |l| l.starts_with("* Connected to"));
    srv.wait_for("the ClientHello", |l| l == "read");
    run.assert_interrupted("the TLS handshake");
}

#[test]
fn ctrl_c_while_the_upgrade_gets_no_answer() {
    let srv = silent_server();
    let mut run = Running::start(
        "upgrade.jsonl",
        &["--handshake-timeout", "60", &srv.url("/")],
    );
    run.wait_line("the request", |l| l.starts_with("> GET / HTTP/1.1"));
    run.assert_interrupted("the upgrade");
}

#[test]
fn ctrl_c_in_the_reconnect_wait() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    let url = format!("ws://127.0.0.1:{port}/");
    let mut run = Running::start("reconnect.jsonl", &["--reconnect", &url]);
    // The second wait is at least 0.75 s long: the signal comes during it.
    run.wait_line("the second wait", |l| {
        l.starts_with("* reconnecting in") && l.contains("(attempt 2)")
    });
    run.assert_interrupted("the reconnect wait");
}

#[test]
fn ctrl_c_ends_a_session_whose_peer_never_answers_the_close() {
    let srv = deaf_server();
    let mut run = Running::start("session.jsonl", &["--close-timeout", "60", &srv.url("/")]);
    run.wait_line("the open session", |l| l.contains("WebSocket open"));
    run.assert_interrupted("a session");
    srv.wait_for("our Close", |l| l == "close:Some(1000)");
}

#[test]
fn ctrl_c_ends_the_wait_for_the_peers_close() {
    let srv = deaf_server();
    // Input ends at once: wscope closes after the idle window and waits for the answer.
    let mut run = Running::start(
        "closing.jsonl",
        &["--idle", "0", "--close-timeout", "60", &srv.url("/")],
    );
    drop(run.child.stdin.take());
    srv.wait_for("our Close", |l| l == "close:Some(1000)");
    run.assert_interrupted("the closing handshake");
}

#[test]
fn a_second_ctrl_c_ends_the_run_at_once() {
    // The server floods and nobody reads wscope's stdout: after the first Ctrl-C, wscope
    // waits (up to --close-timeout) for its output to be taken. The second one ends that.
    let srv = ws_server(|ws, log| async move {
        use futures_util::{SinkExt, StreamExt};
        let (mut tx, mut rx) = ws.split();
        push(&log, "flooding");
        let flood = tokio::spawn(async move {
            let chunk = vec![b'f'; 64 * 1024];
            for _ in 0..4096 {
                if tx.send(Message::binary(chunk.clone())).await.is_err() {
                    return;
                }
            }
        });
        while let Some(Ok(m)) = rx.next().await {
            if let Message::Close(c) = m {
                push(&log, format!("close:{:?}", c.map(|c| u16::from(c.code))));
                break;
            }
        }
        flood.abort();
    });
    let mut child = command(&["--close-timeout", "60", &srv.url("/")])
        .spawn()
        .expect("spawn");
    let _stdin = child.stdin.take();
    let _stdout = child.stdout.take();
    let _stderr = child.stderr.take();
    srv.wait_for("the flood", |l| l == "flooding");
    sigint(&child);
    srv.wait_for("our Close", |l| l == "close:Some(1000)");
    let t0 = Instant::now();
    sigint(&child);
    let code = wait_bounded(&mut child, LIMIT);
    eprintln!("second Ctrl-C: exit {code} after {:?}", t0.elapsed());
    assert_eq!(code, 130);
}

#[test]
fn ctrl_c_ends_a_stream_on_every_third_party_peer() {
    on_every_impl(|imp: Impl| {
        let peer = Peer::start(imp, true);
        let record = format!("peer-{}.jsonl", imp.name());
        let mut run = Running::start(&record, &[&peer.url("/stream?interval_ms=50")]);
        run.wait_line("a message", |l| l.starts_with("* first message"));
        run.assert_interrupted(&format!("a stream from {}", imp.name()));
    });
}

/// The REPL's terminal, in a shell that says wscope's exit status and keeps the terminal's
/// settings from before and after it (`stty -g`); the shell itself lets Ctrl-C pass.
fn repl_in_shell(url: &str, name: &str) -> (expectrl::session::OsSession, PathBuf) {
    let state = state_dir(name);
    let script = format!(
        "trap 'true' INT; stty -g > '{d}/before'; '{bin}' '{url}'; echo \"exit=$?\"; stty -g > '{d}/after'",
        d = state.display(),
        bin = BIN,
    );
    (spawn(repl_command("sh", &["-c", &script], &state)), state)
}

fn assert_terminal_restored(state: &std::path::Path) {
    let before = std::fs::read_to_string(state.join("before")).expect("before");
    let after = std::fs::read_to_string(state.join("after")).expect("after");
    assert_eq!(before, after, "terminal mode restored");
}

#[test]
fn ctrl_c_at_the_terminal_while_the_repl_connects() {
    let srv = silent_server();
    let (mut s, state) = repl_in_shell(&srv.url("/"), "ctrlc-connect");
    srv.wait_for("the upgrade request", |l| l == "read");
    // Not yet in the line editor: the terminal turns the key into SIGINT.
    s.send(ControlCode::EndOfText).expect("ctrl-c");
    expect(&mut s, "exit=130");
    assert_eq!(wait_exit(&mut s), 0);
    assert_terminal_restored(&state);
}

#[test]
fn sigint_during_a_repl_session_closes_and_restores_the_terminal() {
    let srv = repl_server();
    let (mut s, state) = repl_in_shell(&srv.url("/"), "sigint-session");
    expect(&mut s, &format!("{}> ", srv.addr));
    let shell = s.get_process().pid().as_raw();
    let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
        .expect("the shell's children");
    let wscope: i32 = children.trim().parse().expect("one child: wscope");
    // The line editor takes a SIGINT as the key it stands for: twice in a row to quit.
    // SAFETY: kill(2) on wscope, which runs until the second signal ends it.
    unsafe { libc::kill(wscope, libc::SIGINT) };
    expect(&mut s, "press Ctrl-C again");
    // SAFETY: as above.
    unsafe { libc::kill(wscope, libc::SIGINT) };
    expect(&mut s, "exit=130");
    assert_eq!(wait_exit(&mut s), 0);
    srv.wait_for("close 1000", |l| l.starts_with("close:1000"));
    assert_terminal_restored(&state);
}
