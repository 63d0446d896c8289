//! --reconnect: a server that drops the first two connections abnormally and serves the third.

use crate::support::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::io::AsyncWriteExt;

fn flaky_server() -> Server {
    let conns = Arc::new(AtomicU32::new(0));
    raw_server(move |mut tcp, log| {
        let n = conns.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            raw_accept(&mut tcp).await;
            if n <= 2 {
                // Wait for the init message, take whatever else comes at once, then drop the
                // TCP connection without a Close frame.
                if let Some(f) = read_client_frame(&mut tcp).await {
                    push(&log, format!("{n}:{}", String::from_utf8_lossy(&f.payload)));
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                return;
            }
            while let Some(f) = read_client_frame(&mut tcp).await {
                if f.opcode() == 8 {
                    push(&log, format!("{n}:close"));
                    let _ = tcp.write_all(&frame(0x88, &[0x03, 0xe8])).await;
                    break;
                }
                push(&log, format!("{n}:{}", String::from_utf8_lossy(&f.payload)));
            }
        }
    })
}

#[test]
fn lines_survive_two_abnormal_drops_and_arrive_once_on_the_third_connection() {
    let srv = flaky_server();
    let lines: Vec<String> = (1..=50).map(|i| format!("line {i}")).collect();
    let input = lines.join("\n") + "\n";
    let r = run(
        &["--reconnect", "--init", "hello-init", &srv.url("/")],
        input.as_bytes(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let log = srv.log();
    assert!(log.contains(&"1:hello-init".to_string()), "{log:?}");
    assert!(log.contains(&"2:hello-init".to_string()), "{log:?}");
    let third: Vec<&str> = log.iter().filter_map(|l| l.strip_prefix("3:")).collect();
    assert_eq!(
        third[0], "hello-init",
        "init first on every connection: {third:?}"
    );
    let got: Vec<&str> = third[1..third.len() - 1].to_vec();
    let want: Vec<&str> = lines.iter().map(String::as_str).collect();
    assert_eq!(
        got, want,
        "every line exactly once, in order, on the third connection"
    );
    assert_eq!(third.last(), Some(&"close"));

    let delays: Vec<f64> = r
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("* reconnecting in "))
        .filter_map(|l| l.split(' ').next()?.parse().ok())
        .collect();
    assert_eq!(delays.len(), 2, "{}", r.stderr);
    assert!(delays[1] > delays[0], "increasing delays: {delays:?}");
    assert!(r.stderr.contains("(attempt 2)"), "{}", r.stderr);
}

#[test]
fn reconnect_gives_up_after_the_limit() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    let r = run(
        &[
            "--reconnect",
            "--reconnect-max",
            "2",
            "--jsonl",
            &format!("ws://127.0.0.1:{port}/"),
        ],
        b"",
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    let attempts = r
        .out()
        .lines()
        .filter(|l| l.contains("\"type\":\"reconnect\""))
        .count();
    assert_eq!(attempts, 2, "{}", r.out());
}
