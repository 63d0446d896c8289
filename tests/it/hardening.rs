//! Hostile input, broken peers and faults: each gets a clear message, a documented exit code,
//! and finishes within its bound.

use crate::support::*;
use std::io::Read;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[test]
fn command_line_mistakes_are_usage_errors_with_a_clear_message() {
    let junk = temp_file("notpem.txt", b"hello, not a certificate");
    let junk = junk.to_str().expect("path");
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (vec!["example.com/x"], 2, "has no scheme"),
        (vec!["localhost:9001"], 2, "has no scheme"),
        (vec!["http://h.test/"], 2, "try ws://h.test/"),
        (vec!["https://h.test/a"], 2, "try wss://h.test/a"),
        (vec!["ftp://h.test/"], 2, "unsupported scheme 'ftp'"),
        (vec!["ws://h.test:99999/"], 2, "invalid port"),
        (vec!["ws://h.test:0/"], 2, "invalid port"),
        (vec!["ws://:80/"], 2, "has no host"),
        (vec!["ws://::1:9001/"], 2, "IPv6 addresses need brackets"),
        (vec!["ws://h.test/#frag"], 2, "fragment"),
        (vec!["-H", "NoColon", "ws://h.test/"], 2, "has no colon"),
        (
            vec!["-H", "Bad Name: v", "ws://h.test/"],
            2,
            "not allowed in an HTTP header name",
        ),
        (
            vec!["-H", "X-A: a\u{1}b", "ws://h.test/"],
            2,
            "control character",
        ),
        (
            vec!["-s", "two words", "ws://h.test/"],
            2,
            "not a valid token",
        ),
        (vec!["-u", "nopassword", "ws://h.test/"], 2, "USER:PASSWORD"),
        (
            vec!["--connect-timeout", "soon", "ws://h.test/"],
            2,
            "not a number of seconds",
        ),
        (vec![], 2, "Usage"),
        (vec!["-v", "demo"], 2, "options go after the subcommand"),
        (
            vec!["-x", "serve"],
            2,
            "options go after the subcommand: wscope serve",
        ),
        (
            vec![
                "--cert",
                "/nonexistent/c.pem",
                "--key",
                "/nonexistent/k.pem",
                "wss://127.0.0.1:1/",
            ],
            4,
            "--cert /nonexistent/c.pem: cannot read",
        ),
        (
            vec!["--cert", junk, "--key", junk, "wss://127.0.0.1:1/"],
            4,
            "both must be PEM",
        ),
        (
            vec!["--cacert", junk, "wss://127.0.0.1:1/"],
            4,
            "no PEM certificate",
        ),
        (
            vec!["--cert", junk, "wss://127.0.0.1:1/"],
            2,
            "--cert needs --key",
        ),
    ];
    for (args, code, msg) in cases {
        let r = run(&args, b"");
        assert_eq!(r.code, code, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(msg),
            "{args:?}: expected {msg:?} in {}",
            r.stderr
        );
        assert!(r.took < PROMPTLY, "{args:?}: {:?}", r.took);
        assert!(!r.stderr.contains("panicked"), "{args:?}");
    }
}

#[test]
fn ipv6_literal_urls_connect_to_the_v6_loopback() {
    let bound = std::net::TcpListener::bind("[::1]:0").map_err(|e| format!("binding ::1: {e}"));
    let install = "enable IPv6 on the loopback (sysctl net.ipv6.conf.lo.disable_ipv6=0)";
    let Some(l) = crate::optional::require("an IPv6 loopback", bound, install) else {
        return;
    };
    let port = l.local_addr().expect("addr").port();
    drop(l);
    let r = run(&[&format!("ws://[::1]:{port}/x")], b"");
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("cannot connect to ::1"), "{}", r.stderr);
}

#[test]
fn fifty_mib_stdin_line_round_trips() {
    let srv = echo_server();
    let mut input = vec![b'z'; 50 << 20];
    input.push(b'\n');
    let r = run(&[&srv.url("/")], &input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout == input, "50 MiB line echoed byte for byte");
}

/// A listening socket whose accept queue is full: further connects get no answer at all.
fn black_hole() -> (std::net::TcpListener, Vec<std::net::TcpStream>, u16) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    use std::os::fd::AsRawFd;
    // SAFETY: shrink the backlog of our own listening socket.
    unsafe {
        libc::listen(l.as_raw_fd(), 0);
    }
    let mut fill = Vec::new();
    for _ in 0..8 {
        if let Ok(s) = std::net::TcpStream::connect_timeout(
            &format!("127.0.0.1:{port}").parse().expect("addr"),
            Duration::from_millis(200),
        ) {
            fill.push(s);
        }
    }
    (l, fill, port)
}

#[test]
fn an_address_that_never_answers_is_bounded_by_the_connect_timeout() {
    let (_l, _fill, port) = black_hole();
    let r = run(
        &["--connect-timeout", "1", &format!("ws://127.0.0.1:{port}/")],
        b"",
    );
    // Unanswered, a connect waits out the kernel's SYN retries: minutes, not seconds.
    assert!(r.took < PROMPTLY, "bounded: {:?}", r.took);
    // Either the SYN was dropped (timeout) or the kernel answered late with a full queue.
    assert!(matches!(r.code, 9 | 5), "{}: {}", r.code, r.stderr);
    if r.code == 9 {
        assert!(r.stderr.contains("no answer within"), "{}", r.stderr);
        assert!(r.stderr.contains("--connect-timeout"), "{}", r.stderr);
    }
}

fn cert_with(params_fn: impl FnOnce(&mut rcgen::CertificateParams)) -> (String, String) {
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params_fn(&mut params);
    let cert = params.self_signed(&key).expect("cert");
    (cert.pem(), key.serialize_pem())
}

#[test]
fn wrong_host_name_and_expired_certificates_get_specific_messages() {
    let (cert, key) = cert_with(|p| {
        p.subject_alt_names = vec![rcgen::SanType::DnsName(
            "other.example".try_into().expect("name"),
        )];
    });
    let srv = tls_echo_server(&cert, &key);
    let ca = temp_file("wrong-host.pem", cert.as_bytes());
    let r = run(
        &[
            "--cacert",
            ca.to_str().expect("p"),
            &format!("wss://localhost:{}/", srv.addr.port()),
        ],
        b"",
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        r.stderr.contains("not valid for 'localhost'"),
        "{}",
        r.stderr
    );

    let (cert, key) = cert_with(|p| {
        p.not_before = rcgen::date_time_ymd(2000, 1, 1);
        p.not_after = rcgen::date_time_ymd(2001, 1, 1);
    });
    let srv = tls_echo_server(&cert, &key);
    let ca = temp_file("expired.pem", cert.as_bytes());
    let r = run(
        &[
            "--cacert",
            ca.to_str().expect("p"),
            &format!("wss://localhost:{}/", srv.addr.port()),
        ],
        b"",
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("expired"), "{}", r.stderr);
    assert!(r.stderr.contains("--insecure"), "{}", r.stderr);
}

#[test]
fn server_closing_mid_handshake() {
    let srv = raw_server(|mut tcp, _| async move {
        read_head(&mut tcp).await;
        let _ = tcp.write_all(b"HTTP/1.1 101 Switching Pro").await;
    });
    let r = run(&[&srv.url("/")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr.contains("in the middle of the response head"),
        "{}",
        r.stderr
    );
}

#[test]
fn server_that_never_answers_hits_the_handshake_timeout() {
    let srv = raw_server(|mut tcp, _| async move {
        read_head(&mut tcp).await;
        tokio::time::sleep(Duration::from_secs(20)).await;
    });
    let r = run(&["--handshake-timeout", "1", &srv.url("/")], b"");
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("handshake timed out: no answer from the server"),
        "{}",
        r.stderr
    );
    // The server holds the connection for 20 s.
    assert!(r.took < PROMPTLY, "{:?}", r.took);
}

#[test]
fn megabytes_of_response_head_are_capped() {
    let srv = raw_server(|mut tcp, _| async move {
        read_head(&mut tcp).await;
        let _ = tcp.write_all(b"HTTP/1.1 101 Switching Protocols\r\n").await;
        let line = format!("X-Filler: {}\r\n", "f".repeat(1000));
        for _ in 0..4000 {
            if tcp.write_all(line.as_bytes()).await.is_err() {
                return;
            }
        }
    });
    let r = run(&[&srv.url("/")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("larger than 64 KiB"), "{}", r.stderr);
}

#[test]
fn slow_server_sending_one_byte_at_a_time_still_works() {
    let srv = raw_server(|mut tcp, _| async move {
        let head = read_head(&mut tcp).await;
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(
            request_key(&head).as_bytes(),
        );
        let resp = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
        );
        let mut all = resp.into_bytes();
        all.extend(frame(0x81, b"slow hello"));
        all.extend(frame(0x88, &[0x03, 0xe8]));
        for b in all {
            tcp.write_all(&[b]).await.expect("write");
            tcp.flush().await.expect("flush");
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
        let _ = read_until_close(&mut tcp).await;
    });
    let r = run(&["-w", "10", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "slow hello\n");
}

fn redirecting_server(status: u16, location: String) -> Server {
    raw_server(move |mut tcp, log| {
        let location = location.clone();
        async move {
            let head = read_head(&mut tcp).await;
            push(&log, head.lines().next().unwrap_or("").to_string());
            let resp = format!(
                "HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
            );
            let _ = tcp.write_all(resp.as_bytes()).await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
}

#[test]
fn redirects_are_reported_and_followed_only_with_location() {
    let target = echo_server();
    for status in [301u16, 302, 307, 308] {
        let srv = redirecting_server(status, format!("http://{}/moved?x=1", target.addr));
        let r = run(&[&srv.url("/old")], b"hi\n");
        assert_eq!(r.code, 5, "{status}: {}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("redirects to http://{}/moved?x=1", target.addr)),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("-L/--location"), "{}", r.stderr);

        let r = run(&["-L", &srv.url("/old")], b"hi\n");
        assert_eq!(r.code, 0, "{status}: {}", r.stderr);
        assert_eq!(r.out(), "hi\n");
    }
    let req = target.wait_for("redirected request", |l| l.starts_with("request:"));
    assert!(req.starts_with("request: GET /moved?x=1"), "{req}");

    // A relative Location and a loop that never ends.
    let looping = raw_server(|mut tcp, _| async move {
        read_head(&mut tcp).await;
        let _ = tcp
            .write_all(b"HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n")
            .await;
    });
    let r = run(&["-L", "--max-redirs", "3", &looping.url("/")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("more than 3 redirects"), "{}", r.stderr);
}

#[test]
fn tcp_reset_is_an_abnormal_closure() {
    let srv = raw_server(|mut tcp, _| async move {
        raw_accept(&mut tcp).await;
        tcp.write_all(&frame(0x81, b"before reset"))
            .await
            .expect("write");
        // A zero linger makes the close send RST at once; it does not block.
        #[allow(deprecated)]
        let _ = tcp.set_linger(Some(Duration::ZERO));
        drop(tcp);
    });
    let r = run(&["-w", "5", &srv.url("/")], b"");
    assert_eq!(r.code, 7, "{}", r.stderr);
    assert_eq!(r.out(), "before reset\n");
    assert!(r.stderr.contains("without a Close frame"), "{}", r.stderr);
}

#[test]
fn data_after_the_peer_close_is_ignored() {
    let mut bytes = frame(0x81, b"before");
    bytes.extend(frame(0x88, &[0x03, 0xe8]));
    bytes.extend(frame(0x81, b"after"));
    let srv = raw_server(move |mut tcp, _| {
        let bytes = bytes.clone();
        async move {
            raw_accept(&mut tcp).await;
            tcp.write_all(&bytes).await.expect("write");
            let _ = read_until_close(&mut tcp).await;
        }
    });
    let r = run(&["-w", "5", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "before\n");
}

#[test]
fn a_close_right_after_the_upgrade_wins_over_a_message_still_being_sent() {
    // The 101 and the server's Close 1002 in one write (as the legacy GraphQL server does when
    // it dislikes the subprotocol): the Close is in the bytes read with the answer, so it is
    // taken before the first -e message goes out; that send fails, and the peer's Close must
    // still decide the outcome, with what came before it printed.
    let srv = raw_server(|mut tcp, _| async move {
        let head = read_head(&mut tcp).await;
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(
            request_key(&head).as_bytes(),
        );
        let mut bytes = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
        )
        .into_bytes();
        bytes.extend(frame(0x81, b"said first"));
        bytes.extend(frame(0x88, &[0x03, 0xea]));
        tcp.write_all(&bytes).await.expect("write");
        let _ = read_until_close(&mut tcp).await;
    });
    for _ in 0..3 {
        let r = run(&["-e", "one", "-e", "two", &srv.url("/")], b"");
        assert_eq!(r.code, 8, "{}", r.stderr);
        assert!(r.stderr.contains("peer closed with 1002"), "{}", r.stderr);
        assert!(!r.stderr.contains("Sending after closing"), "{}", r.stderr);
        assert_eq!(r.out(), "said first\n");
    }
}

#[test]
fn a_closed_stderr_changes_nothing() {
    let srv = echo_server();
    let mut cmd = command(&["-v", "-x", &srv.url("/")]);
    cmd.stderr(Stdio::null());
    let mut child = cmd.stderr(Stdio::piped()).spawn().expect("spawn");
    drop(child.stderr.take());
    let mut stdin = child.stdin.take().expect("stdin");
    std::io::Write::write_all(&mut stdin, b"still works\n").expect("write");
    drop(stdin);
    let mut out = child.stdout.take().expect("stdout");
    let mut s = String::new();
    out.read_to_string(&mut s).expect("read");
    let code = wait_bounded(&mut child, Duration::from_secs(10));
    assert_eq!(code, 0);
    assert_eq!(s, "still works\n");
}

#[test]
fn credentials_in_headers_are_masked_unless_asked() {
    let srv = echo_server();
    let r = run(
        &[
            "-v",
            "-H",
            "Authorization: Bearer s3cr3t-token",
            "-H",
            "Proxy-Authorization: Basic eHg6eXk=",
            &srv.url("/"),
        ],
        b"",
    );
    assert_eq!(r.code, 0);
    assert!(
        !r.stderr.contains("s3cr3t-token") && !r.stderr.contains("eHg6eXk="),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("> Authorization: Bearer ****"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("> Proxy-Authorization: Basic ****"),
        "{}",
        r.stderr
    );
}

#[test]
fn server_text_cannot_drive_the_terminal_in_diagnostics() {
    let srv = raw_server(|mut tcp, _| async move {
        read_head(&mut tcp).await;
        let body = "\x1b]0;pwned\x07\x1b[2J";
        let resp = format!(
            "HTTP/1.1 403 Forbidden\x1b[31m\r\nX-Evil: \x1b[2Jvalue\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let _ = tcp.write_all(resp.as_bytes()).await;
        let mut b = [0u8; 1];
        let _ = tcp.read(&mut b).await;
    });
    let r = run(&[&srv.url("/")], b"");
    assert_eq!(r.code, 5);
    assert!(
        !r.stderr.contains('\x1b'),
        "raw escape reached stderr: {:?}",
        r.stderr
    );
    assert!(r.stderr.contains("\\x1b[2Jvalue"), "{}", r.stderr);
    assert!(r.stderr.contains("\\x1b]0;pwned\\x07"), "{}", r.stderr);
}

/// A label over 63 bytes fails inside the resolver: no DNS packet leaves the machine.
#[test]
fn dns_failure_and_idna_hosts_without_network_traffic() {
    let label = "a".repeat(64);
    let r = run(&[&format!("ws://{label}.test/")], b"");
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("cannot resolve host '{label}.test'")),
        "{}",
        r.stderr
    );
    assert!(r.took < PROMPTLY, "{:?}", r.took);

    // An internationalised name is IDNA-encoded before it is resolved.
    let r = run(&[&format!("ws://bücher.{label}.test/")], b"");
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot resolve host 'xn--bcher-kva."),
        "{}",
        r.stderr
    );
}
