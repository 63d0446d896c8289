//! What ends a scripted session after its input has: the idle window (restarted by every
//! message, `--idle 0` at once), `--wait`, `-n` (exactly N; fewer is a documented status), and
//! a peer that never answers our Close after `-n` was satisfied.

use crate::support::*;
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// Sends `tick 1..=n` with `gap` before each, then waits for the client to close. Logs
/// `close after N` and `quiet Q ms` (from the last tick sent to the client's Close).
fn ticking_server(n: usize, gap: Duration) -> Server {
    ws_server(move |mut ws, log| async move {
        let pause = tokio::time::sleep(Duration::ZERO);
        tokio::pin!(pause);
        let mut sent = 0;
        let mut last = std::time::Instant::now();
        loop {
            tokio::select! {
                _ = &mut pause, if sent < n => {
                    sent += 1;
                    if ws.send(Message::text(format!("tick {sent}"))).await.is_err() {
                        return;
                    }
                    last = std::time::Instant::now();
                    pause.as_mut().reset(tokio::time::Instant::now() + gap);
                }
                m = ws.next() => match m {
                    Some(Ok(Message::Close(_))) => {
                        push(&log, format!("quiet {} ms", last.elapsed().as_millis()));
                        push(&log, format!("close after {sent}"));
                        // No tick after the peer's Close: a send then fails before the queued
                        // answer goes out, and the peer would see the TCP connection end
                        // without one. Reading on sends the answer, then the stream ends.
                        while let Some(Ok(_)) = ws.next().await {}
                        return;
                    }
                    Some(Ok(_)) => {}
                    _ => return,
                },
            }
        }
    })
}

#[test]
fn the_idle_window_restarts_with_every_message() {
    // Gaps of 0.5 s are well inside a 2 s window, and the six ticks take longer than one
    // window: all six arrive, with stdin empty from the start.
    let srv = ticking_server(6, Duration::from_millis(500));
    let r = run(&["--idle", "2", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "tick 1\ntick 2\ntick 3\ntick 4\ntick 5\ntick 6\n");
    srv.wait_for("our close after the last tick", |l| l == "close after 6");
    // A lower bound, measured where load cannot shrink it: the server sent tick 6 before
    // wscope could receive it and start its quiet window.
    let quiet = quiet_ms(&srv);
    assert!(
        quiet >= 2000,
        "closed {quiet} ms after the last message, inside the quiet window"
    );
}

/// How long the ticking server waited for the client's Close after its last tick.
fn quiet_ms(srv: &Server) -> u64 {
    let line = srv.wait_for("the quiet time", |l| l.starts_with("quiet "));
    line.split_whitespace()
        .nth(1)
        .and_then(|ms| ms.parse().ok())
        .unwrap_or_else(|| panic!("{line}"))
}

#[test]
fn a_quiet_gap_longer_than_the_window_ends_the_session() {
    // The second tick would come 10 s after the first; the session is over long before.
    let srv = ticking_server(3, Duration::from_secs(10));
    let r = run(&["--idle", "0.4", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "tick 1\n", "the second tick came after the window");
    srv.wait_for("our close", |l| l == "close after 1");
}

#[test]
fn idle_zero_closes_as_soon_as_input_ends() {
    // A stream that is never quiet for long: with any idle window it would last its whole
    // 20 s (every tick restarts the window); --idle 0 closes as soon as the input ends.
    let srv = ticking_server(200, Duration::from_millis(100));
    let r = run(&["--idle", "0", &srv.url("/")], b"hello\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let closed = srv.wait_for("the close", |l| l.starts_with("close after "));
    assert_ne!(closed, "close after 200", "closed before the stream ended");
    assert!(r.took < PROMPTLY, "{:?}", r.took);

    let srv = ticking_server(1, Duration::ZERO);
    let r = run(&[&srv.url("/")], b"hello\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let quiet = quiet_ms(&srv);
    assert!(
        quiet >= 1000,
        "default idle window: closed after {quiet} ms"
    );
}

#[test]
fn wait_is_a_fixed_time_that_quiet_gaps_do_not_cut_short() {
    // A gap longer than the default idle window, well inside the wait.
    let srv = ticking_server(2, Duration::from_millis(1500));
    let r = run(&["-w", "3", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "tick 1\ntick 2\n");
}

#[test]
fn count_prints_exactly_n_from_a_stream_and_drops_the_rest() {
    let srv = ticking_server(1000, Duration::from_millis(2));
    let r = run(&["-n", "3", "-v", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "tick 1\ntick 2\ntick 3\n");
}

#[test]
fn count_waits_through_gaps_longer_than_the_idle_window() {
    let srv = ticking_server(2, Duration::from_millis(700));
    let r = run(&["-n", "2", "--idle", "0.2", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "tick 1\ntick 2\n");
}

#[test]
fn fewer_messages_than_asked_is_status_12_with_the_reason() {
    // The server sends two messages and closes cleanly.
    let srv = ws_server(|mut ws, _| async move {
        for m in ["one", "two"] {
            let _ = ws.send(Message::text(m)).await;
        }
        let _ = ws.close(None).await;
        while let Some(Ok(_)) = ws.next().await {}
    });
    let r = run(&["-n", "3", &srv.url("/")], b"");
    assert_eq!(r.code, 12, "{}", r.stderr);
    assert_eq!(r.out(), "one\ntwo\n");
    assert!(
        r.stderr
            .contains("received 2 of the 3 messages asked for (-n 3) before the server closed"),
        "{}",
        r.stderr
    );

    // --wait passes first.
    let srv = ticking_server(1, Duration::ZERO);
    let r = run(&["-n", "3", "-w", "0.5", &srv.url("/")], b"");
    assert_eq!(r.code, 12, "{}", r.stderr);
    assert_eq!(r.out(), "tick 1\n");
    assert!(r.stderr.contains("before --wait passed"), "{}", r.stderr);
}

#[test]
fn a_push_only_peer_that_never_answers_our_close_does_not_fail_a_satisfied_count() {
    // A raw server that streams and never reads: our Close is never answered.
    let srv = raw_server(|mut tcp, _| async move {
        raw_accept(&mut tcp).await;
        use tokio::io::AsyncWriteExt;
        for i in 1..=50 {
            if tcp
                .write_all(&frame(0x81, format!("push {i}").as_bytes()))
                .await
                .is_err()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Hold the connection open without reading (the test ends long before this).
        tokio::time::sleep(Duration::from_secs(20)).await;
        drop(tcp);
    });
    let r = run(&["-n", "3", "--close-timeout", "0.5", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "push 1\npush 2\npush 3\n");
    assert!(
        r.stderr.contains("did not answer our Close within 0.5s"),
        "{}",
        r.stderr
    );
    // The peer holds the connection for 20 s.
    assert!(r.took < PROMPTLY, "{:?}", r.took);
}

#[test]
fn messages_after_the_count_are_counted_with_verbose() {
    // Everything arrives in one burst: the extra messages come with the three asked for.
    let srv = ws_server(|mut ws, _| async move {
        for i in 1..=6 {
            let _ = ws.feed(Message::text(format!("m{i}"))).await;
        }
        let _ = ws.flush().await;
        while let Some(Ok(_)) = ws.next().await {}
    });
    let r = run(&["-n", "3", "-v", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "m1\nm2\nm3\n");
    assert!(
        r.stderr
            .contains("3 more messages arrived during the close handshake"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_clean_close_with_a_reason_is_shown_without_verbose() {
    let srv = ws_server(|mut ws, _| async move {
        let _ = ws
            .send(Message::Close(Some(CloseFrame {
                code: CloseCode::Normal,
                reason: "maintenance at noon".into(),
            })))
            .await;
        while let Some(Ok(_)) = ws.next().await {}
    });
    let r = run(&[&srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("< close 1000 (normal closure) \"maintenance at noon\""),
        "{}",
        r.stderr
    );
}

#[test]
fn a_closed_stdout_ends_promptly_even_when_the_peer_never_answers_our_close() {
    // A raw server that streams and never reads: our Close is never answered.
    let srv = raw_server(|mut tcp, log| async move {
        raw_accept(&mut tcp).await;
        use tokio::io::AsyncWriteExt;
        for i in 0..100_000 {
            let msg = format!("push {i}");
            if tcp.write_all(&frame(0x81, msg.as_bytes())).await.is_err() {
                push(&log, "the client went away");
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    // A close timeout far longer than the bound below: waiting it out would show.
    let mut child = command(&["--close-timeout", "60", &srv.url("/")])
        .spawn()
        .expect("spawn");
    drop(child.stdin.take());
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    for _ in 0..3 {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut out, &mut line).expect("a line");
        assert!(line.starts_with("push "), "{line}");
    }
    let closed = std::time::Instant::now();
    drop(out); // as `| head -3` does
    let code = wait_bounded(&mut child, RUN_LIMIT);
    assert_eq!(code, 0);
    assert!(
        closed.elapsed() < PROMPTLY,
        "the close timeout (60 s) did not hold up the pipeline: {:?}",
        closed.elapsed()
    );
    srv.wait_for("the end of the stream", |l| l == "the client went away");
}
