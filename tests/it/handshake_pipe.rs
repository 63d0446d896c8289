//! The upgrade end to end: what the request carries (options, credentials), `-v` showing it
//! verbatim, and how a rejected or invalid answer is diagnosed.

use crate::support::*;
use futures_util::StreamExt;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

#[test]
fn handshake_options_reach_the_server() {
    let srv = ws_server(|mut ws, _| async move { while let Some(Ok(_)) = ws.next().await {} });
    let r = run(
        &[
            "-H",
            "X-Trace-Id: abc 123",
            "-H",
            "X-Empty:",
            "-s",
            "chat.v2",
            "-s",
            "json",
            "--origin",
            "https://app.example",
            "-u",
            "alice:s3cret",
            &srv.url("/path?q=1&r=%20x"),
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let req = srv.wait_for("request", |l| l.starts_with("request:"));
    assert!(req.starts_with("request: GET /path?q=1&r=%20x\n"), "{req}");
    assert!(req.contains("x-trace-id: abc 123\n"), "{req}");
    assert!(req.contains("x-empty: \n"), "{req}");
    assert!(
        req.contains("sec-websocket-protocol: chat.v2, json\n"),
        "{req}"
    );
    assert!(req.contains("origin: https://app.example\n"), "{req}");
    // base64("alice:s3cret")
    assert!(
        req.contains("authorization: Basic YWxpY2U6czNjcmV0\n"),
        "{req}"
    );
    assert!(
        req.contains(&format!(
            "user-agent: wscope/{}\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{req}"
    );
}

#[test]
fn credentials_in_the_url_become_basic_auth_and_are_masked_when_shown() {
    let srv = echo_server();
    let url = format!("ws://bob:pa%3Ass@{}/", srv.addr);
    let r = run(&["-v", &url], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let req = srv.wait_for("request", |l| l.starts_with("request:"));
    assert!(req.contains("authorization: Basic Ym9iOnBhOnNz\n"), "{req}");
    assert!(
        r.stderr.contains("> Authorization: Basic ****"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("Ym9iOnBhOnNz"),
        "credentials leaked: {}",
        r.stderr
    );
    let r = run(&["-v", "--show-credentials", &url], b"");
    assert!(
        r.stderr.contains("> Authorization: Basic Ym9iOnBhOnNz"),
        "{}",
        r.stderr
    );
}

#[test]
fn verbose_shows_request_and_response_verbatim() {
    let srv = raw_server(|mut tcp, _| async move {
        let head = read_head(&mut tcp).await;
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(
            request_key(&head).as_bytes(),
        );
        let resp = format!(
            "HTTP/1.1 101 Switching Protocols\r\nX-Served-By: Raw-Test\r\nupgrade: WebSocket\r\nCONNECTION: upgrade\r\nSec-WebSocket-Accept: {accept}\r\nSet-Cookie: a=b\r\n\r\n"
        );
        tcp.write_all(resp.as_bytes()).await.expect("write");
        if read_until_close(&mut tcp).await.is_some() {
            let _ = tcp.write_all(&frame(0x88, &[0x03, 0xe8])).await;
        }
    });
    let r = run(&["-v", "-H", "X-Mixed-Case: Value", &srv.url("/v")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let e = &r.stderr;
    let expected_req = [
        "> GET /v HTTP/1.1",
        &format!("> Host: {}", srv.addr),
        "> Upgrade: websocket",
        "> Connection: Upgrade",
        "> Sec-WebSocket-Version: 13",
        "> X-Mixed-Case: Value",
    ];
    let mut pos = 0;
    for line in expected_req {
        let at = e[pos..]
            .find(line)
            .unwrap_or_else(|| panic!("missing or out of order: {line}\n{e}"));
        pos += at + line.len();
    }
    let expected_resp = [
        "< HTTP/1.1 101 Switching Protocols",
        "< X-Served-By: Raw-Test",
        "< upgrade: WebSocket",
        "< CONNECTION: upgrade",
        "< Sec-WebSocket-Accept: ",
        "< Set-Cookie: a=b",
    ];
    for line in expected_resp {
        let at = e[pos..]
            .find(line)
            .unwrap_or_else(|| panic!("missing or out of order: {line}\n{e}"));
        pos += at + line.len();
    }
    assert!(e.contains("dns "), "timings shown: {e}");
    assert!(e.contains("tcp "), "timings shown: {e}");
    assert!(e.contains("Upgrade answered in "), "timings shown: {e}");
    assert!(r.stdout.is_empty());
}

#[test]
fn rejected_handshake_shows_status_headers_and_body() {
    let srv = raw_server(|mut tcp, log| async move {
        read_head(&mut tcp).await;
        let body = "{\"error\":\"token expired\"}";
        let resp = format!(
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"api\"\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        tcp.write_all(resp.as_bytes()).await.expect("write");
        hold_until_hangup(&mut tcp, &log).await;
    });
    let r = run(&[&srv.url("/")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr.contains("< HTTP/1.1 401 Unauthorized"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("< WWW-Authenticate: Bearer realm=\"api\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("{\"error\":\"token expired\"}"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("wscope: error: the server rejected the upgrade: 401 Unauthorized"),
        "{}",
        r.stderr
    );
    // Body read per Content-Length, not until the close the server holds back for a minute.
    srv.wait_for("wscope hanging up first", |l| l == "client hung up");
    assert!(r.took < PROMPTLY, "{:?}", r.took);
}

#[test]
fn rejected_handshake_with_chunked_body() {
    let srv = raw_server(|mut tcp, log| async move {
        read_head(&mut tcp).await;
        tcp.write_all(b"HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n7\r\norigin \r\n9\r\nforbidden\r\n0\r\n\r\n")
            .await
            .expect("write");
        hold_until_hangup(&mut tcp, &log).await;
    });
    let r = run(&[&srv.url("/")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("origin forbidden"), "{}", r.stderr);
    // The last chunk ends the body, not the close the server holds back.
    srv.wait_for("wscope hanging up first", |l| l == "client hung up");
    assert!(r.took < PROMPTLY, "{:?}", r.took);
}

#[test]
fn wrong_accept_key_is_diagnosed() {
    let srv = raw_server(|mut tcp, _| async move {
        read_head(&mut tcp).await;
        tcp.write_all(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n")
            .await
            .expect("write");
        tokio::time::sleep(Duration::from_secs(2)).await;
    });
    let r = run(&[&srv.url("/")], b"hi\n");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr.contains("wrong Sec-WebSocket-Accept: expected '"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("received 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("< HTTP/1.1 101"),
        "the bad response is shown: {}",
        r.stderr
    );
}

#[test]
fn unoffered_subprotocol_is_diagnosed() {
    let srv = raw_server(|mut tcp, _| async move {
        let head = read_head(&mut tcp).await;
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(
            request_key(&head).as_bytes(),
        );
        let resp = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n"
        );
        tcp.write_all(resp.as_bytes()).await.expect("write");
        tokio::time::sleep(Duration::from_secs(2)).await;
    });
    let r = run(&["-s", "chat", &srv.url("/")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("subprotocol 'mqtt', which was not offered (offered: chat)"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_declined_subprotocol_is_warned_about() {
    // tokio-tungstenite's server selects no subprotocol unless told to.
    let srv = echo_server();
    let r = run(&["-s", "chat", "-s", "json", &srv.url("/")], b"x\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "x\n");
    assert!(
        r.stderr.contains(
            "wscope: warning: the server selected none of the offered subprotocols (chat, json)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_403_hint_says_what_the_request_had_and_lacked() {
    let srv = raw_server(|mut tcp, _| async move {
        read_head(&mut tcp).await;
        // No reason phrase, as some servers send it.
        let _ = tcp
            .write_all(b"HTTP/1.1 403 \r\nContent-Length: 0\r\n\r\n")
            .await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let r = run(&["--origin", "https://app.example", &srv.url("/feed")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    let err = r
        .stderr
        .lines()
        .find(|l| l.starts_with("wscope: error:"))
        .expect("error line");
    assert_eq!(err, "wscope: error: the server rejected the upgrade: 403");
    let hint = r
        .stderr
        .lines()
        .find(|l| l.starts_with("hint:"))
        .expect("hint line");
    for said in [
        "not always about credentials",
        "path /feed",
        "sent Origin https://app.example",
        "offered no subprotocol",
        "sent no credentials",
    ] {
        assert!(hint.contains(said), "{said} missing from {hint}");
    }
}
