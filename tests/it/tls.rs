//! wss:// end to end against a TLS server whose certificate is generated at test time.

use crate::support::*;

#[test]
fn wss_trusted_with_cacert_refused_without_accepted_with_insecure() {
    let (cert, key) = self_signed();
    let srv = tls_echo_server(&cert, &key);
    let url = format!("wss://localhost:{}/secure", srv.addr.port());
    let ca = temp_file("ca.pem", cert.as_bytes());
    let ca = ca.to_str().expect("path");

    let r = run(&["--cacert", ca, &url], b"over tls\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "over tls\n");

    let r = run(&[&url], b"over tls\n");
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        r.stderr.contains("TLS handshake with localhost:"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--cacert"), "hint: {}", r.stderr);
    assert!(r.stdout.is_empty());

    let r = run(&["-k", &url], b"insecure\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "insecure\n");
    assert!(
        r.stderr.contains("NOT verified"),
        "warning every time: {}",
        r.stderr
    );
}

#[test]
fn wss_verbose_shows_tls_timing_and_the_plaintext_handshake() {
    let (cert, key) = self_signed();
    let srv = tls_echo_server(&cert, &key);
    let ca = temp_file("ca2.pem", cert.as_bytes());
    let url = format!("wss://127.0.0.1:{}/", srv.addr.port());
    let r = run(
        &["-v", "--cacert", ca.to_str().expect("path"), &url],
        b"x\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("* TLS established in "), "{}", r.stderr);
    assert!(
        r.stderr.contains("*   subject: CN=rcgen self signed cert"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("*   issuer: CN=rcgen self signed cert"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("*   valid: "), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("*   alt names: DNS:localhost, IP:127.0.0.1"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("> GET / HTTP/1.1"), "{}", r.stderr);
    assert!(
        r.stderr.contains("< HTTP/1.1 101 Switching Protocols"),
        "{}",
        r.stderr
    );
}

#[test]
fn jsonl_tls_event_names_protocol_cipher_and_certificate() {
    let (cert, key) = self_signed();
    let srv = tls_echo_server(&cert, &key);
    let ca = temp_file("ca3.pem", cert.as_bytes());
    let url = format!("wss://localhost:{}/", srv.addr.port());
    let r = run(
        &["--jsonl", "--cacert", ca.to_str().expect("path"), &url],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let tls: serde_json::Value = r
        .out()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .find(|e| e["type"] == "tls")
        .expect("tls event");
    assert!(
        tls["protocol"]
            .as_str()
            .is_some_and(|p| p.starts_with("TLS 1.")),
        "{tls}"
    );
    assert!(tls["cipher"].as_str().is_some(), "{tls}");
    assert_eq!(tls["verified"], true);
    assert!(
        tls["certificate"].as_array().is_some_and(|c| c.len() >= 3),
        "{tls}"
    );
}

#[test]
fn tls_against_a_plain_server_and_plain_against_tls_get_hints() {
    let srv = echo_server();
    let r = run(&[&format!("wss://127.0.0.1:{}/", srv.addr.port())], b"");
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("try ws://"), "{}", r.stderr);

    let (cert, key) = self_signed();
    let tls = tls_echo_server(&cert, &key);
    let r = run(
        &[
            "--handshake-timeout",
            "3",
            &format!("ws://127.0.0.1:{}/", tls.addr.port()),
        ],
        b"",
    );
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("wss://"), "{}", r.stderr);
}

#[test]
fn unreadable_or_non_pem_cacert_is_a_clear_error() {
    let r = run(
        &["--cacert", "/nonexistent/ca.pem", "wss://127.0.0.1:1/"],
        b"",
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("--cacert /nonexistent/ca.pem: cannot read"),
        "{}",
        r.stderr
    );
    let junk = temp_file("junk.pem", b"not a certificate");
    let r = run(
        &[
            "--cacert",
            junk.to_str().expect("path"),
            "wss://127.0.0.1:1/",
        ],
        b"",
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("no PEM certificate"), "{}", r.stderr);
}
