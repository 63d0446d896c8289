//! Memory and time stay bounded whatever the peer or the reader of our output does: a peer
//! that stops reading, a slow stdout under a flood, Ctrl-C with nobody reading, a peer that
//! never answers our Close.

use crate::support::*;
use futures_util::{SinkExt, StreamExt};
use std::io::Read;
use std::time::{Duration, Instant};

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

#[test]
fn a_peer_that_stops_reading_gets_backpressure_not_a_growing_queue() {
    let srv = raw_server(|mut tcp, log| async move {
        raw_accept(&mut tcp).await;
        push(&log, "upgraded");
        // Never read again; keep the connection open.
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let mut child = command(&["--close-timeout", "1", &srv.url("/")])
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let (out, err) = collect(&mut child);
    let feeder = std::thread::spawn(move || {
        let line = {
            let mut l = vec![b'q'; 1 << 20];
            l.push(b'\n');
            l
        };
        // Up to 512 MiB; blocks as soon as wscope stops reading stdin.
        for _ in 0..512 {
            if std::io::Write::write_all(&mut stdin, &line).is_err() {
                return;
            }
        }
    });
    srv.wait_for("upgrade", |l| l == "upgraded");
    // An observation window, not a wait for something: RSS sampled while the feeder pushes.
    let mut peak = 0;
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(100));
        peak = peak.max(rss_kib(child.id()));
    }
    assert!(
        peak > 0 && peak < 64 * 1024,
        "RSS stays bounded, peak {peak} KiB"
    );
    let t0 = Instant::now();
    interrupt(child.id());
    let code = wait_bounded(&mut child, RUN_LIMIT);
    let stderr = String::from_utf8_lossy(&err.join().expect("stderr")).into_owned();
    assert_eq!(code, 130, "{stderr}");
    // The peer holds on for 30 s: ending well before is the close timeout's doing.
    assert!(
        t0.elapsed() < PROMPTLY,
        "Ctrl-C is bounded by the close timeout: {:?}",
        t0.elapsed()
    );
    let _ = out.join();
    let _ = feeder.join();
}

#[test]
fn a_flood_into_a_slow_stdout_is_bounded_by_backpressure() {
    let srv = ws_server(|mut ws, _| async move {
        let chunk = vec![b'f'; 64 * 1024];
        for _ in 0..1024 {
            // 64 MiB in all
            if ws.feed(Message::binary(chunk.clone())).await.is_err() {
                return;
            }
        }
        let _ = ws.close(None).await;
        while let Some(Ok(_)) = ws.next().await {}
    });
    let mut child = command(&["-w", "60", &srv.url("/")])
        .spawn()
        .expect("spawn");
    drop(child.stdin.take());
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let pid = child.id();
    let mut total = 0usize;
    let mut peak = 0;
    let mut buf = vec![0u8; 256 * 1024];
    let mut reads = 0u64;
    loop {
        let n = out.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        total += n;
        reads += 1;
        if reads % 16 == 0 {
            peak = peak.max(rss_kib(pid));
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    let code = wait_bounded(&mut child, Duration::from_secs(30));
    let mut e = String::new();
    let _ = err.read_to_string(&mut e);
    assert_eq!(code, 0, "{e}");
    assert_eq!(
        total,
        (64 << 20) + 1024,
        "1024 messages, each ended by a newline"
    );
    assert!(peak < 48 * 1024, "RSS bounded under flood, peak {peak} KiB");
}

#[test]
fn ctrl_c_ends_the_session_even_when_nobody_reads_our_output() {
    let srv = ws_server(|ws, log| async move {
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
    let mut child = command(&["--close-timeout", "1", &srv.url("/")])
        .spawn()
        .expect("spawn");
    // stdin stays open and stdout is never read: the pipe fills and stays full.
    let _stdin = child.stdin.take();
    let _stdout = child.stdout.take();
    let mut err = child.stderr.take().expect("stderr");
    srv.wait_for("flood", |l| l == "flooding");
    // Nobody reads: once the pipe to our stdout is full, wscope is stuck writing to it.
    let stdout = _stdout.as_ref().expect("stdout");
    wait_full(stdout);
    let t0 = Instant::now();
    interrupt(child.id());
    let code = wait_bounded(&mut child, RUN_LIMIT);
    let mut e = String::new();
    let _ = err.read_to_string(&mut e);
    assert_eq!(code, 130, "{e}");
    // The server floods for as long as it is read: ending is the close timeout's doing.
    assert!(
        t0.elapsed() < PROMPTLY,
        "bounded by the close timeout, took {:?}",
        t0.elapsed()
    );
    srv.wait_for("our Close", |l| l == "close:Some(1000)");
}

#[test]
fn a_peer_that_never_answers_our_close_is_bounded_by_the_close_timeout() {
    let srv = raw_server(|mut tcp, log| async move {
        raw_accept(&mut tcp).await;
        if let Some(f) = read_until_close(&mut tcp).await {
            push(&log, format!("close:{:?}", f.close_code()));
        }
        tokio::time::sleep(Duration::from_secs(20)).await;
    });
    let r = run(&["--close-timeout", "1", &srv.url("/")], b"");
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert!(
        r.stderr.contains("did not answer our Close within 1.0s"),
        "{}",
        r.stderr
    );
    // The peer holds the connection for 20 s.
    assert!(r.took < PROMPTLY, "{:?}", r.took);
    srv.wait_for("our close", |l| l == "close:Some(1000)");
}

#[test]
fn a_message_larger_than_64_mib_goes_out_whole() {
    let srv = ws_server(|mut ws, log| async move {
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Binary(b) = &m {
                push(&log, format!("binary of {} bytes", b.len()));
            }
        }
    });
    let size = (64 << 20) + 1;
    let r = run(
        &["-b", "--input", "whole", "--no-deflate", &srv.url("/")],
        &vec![b'm'; size],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    srv.wait_for("the message", |l| l == format!("binary of {size} bytes"));
}
