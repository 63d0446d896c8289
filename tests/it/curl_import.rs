//! The browser's request pasted as is: `wscope curl ...` (the words a shell split from a
//! command copied with "Copy as cURL") and `--from-curl 'curl ...'`, end to end, with the
//! handshake the server received asserted header by header. The samples are laid out as
//! Chromium's and Firefox's developer tools write them; keys and cookies are made up.

use crate::support::*;
use std::process::Command;

/// Chromium 133 on Linux, HTTP/1.1 handshake: one option per line, a cookie holding `!` and
/// `'` written as `$'...'`, `--compressed` last. `PORT` is replaced with the test server's.
const CHROMIUM: &str = r#"curl 'ws://127.0.0.1:PORT/socket.io/?EIO=4&transport=websocket' \
  -H 'Connection: Upgrade' \
  -H 'Pragma: no-cache' \
  -H 'Cache-Control: no-cache' \
  -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36' \
  -H 'Upgrade: websocket' \
  -H 'Origin: http://127.0.0.1:PORT' \
  -H 'Sec-WebSocket-Version: 13' \
  -H 'Accept-Language: en-GB,en-US;q=0.9,en;q=0.8' \
  -H $'Cookie: io=Xq3vJ0a9KpLz; consent=yes\u0021; display=O\'Brien' \
  -H 'Sec-WebSocket-Key: 3m1Ckq0kWQ2xF9b8cZl4Ow==' \
  -H 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits' \
  --compressed"#;

/// Firefox 146: an http:// page's socket, `--globoff`, Sec-Fetch-* and a `$'...'` cookie with
/// `\041` for `!`.
const FIREFOX: &str = r#"curl 'http://127.0.0.1:PORT/ws?sub[0]=ticker' \
  --globoff \
  -H 'User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:146.0) Gecko/20100101 Firefox/146.0' \
  -H 'Accept: */*' \
  -H 'Accept-Language: de,en-US;q=0.7,en;q=0.3' \
  -H 'Accept-Encoding: gzip, deflate, br, zstd' \
  -H 'Sec-WebSocket-Version: 13' \
  -H 'Origin: http://127.0.0.1:PORT' \
  -H 'Sec-WebSocket-Extensions: permessage-deflate' \
  -H 'Sec-WebSocket-Key: Qm9ndXNLZXlGb3JUZXN0cw==' \
  -H 'Connection: keep-alive, Upgrade' \
  -H $'Cookie: lang=de; greeting=hallo\041' \
  -H 'Sec-Fetch-Dest: empty' \
  -H 'Sec-Fetch-Mode: websocket' \
  -H 'Sec-Fetch-Site: same-origin' \
  -H 'Pragma: no-cache' \
  -H 'Cache-Control: no-cache' \
  -H 'Upgrade: websocket'"#;

/// The request the server logged: its request line and headers (names lower case).
fn handshake(srv: &Server) -> (String, Vec<(String, String)>) {
    let logged = srv.wait_for("the upgrade request", |l| l.starts_with("request: "));
    let mut lines = logged.lines();
    let first = lines
        .next()
        .unwrap_or_default()
        .trim_start_matches("request: ")
        .to_string();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    (first, headers)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Runs `wscope <pasted command>` through bash, as a user pasting after `wscope ` would.
fn pasted(command: &str, stdin: &[u8], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new("bash");
    cmd.arg("-c").arg(format!("exec '{BIN}' {command}"));
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .env_remove("WSCOPE_KEEP_EXTENSIONS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_cmd(cmd, stdin, RUN_LIMIT)
}

#[test]
fn a_chromium_copy_opens_the_same_websocket_with_its_cookies() {
    let srv = echo_server();
    let copy = CHROMIUM.replace("PORT", &srv.addr.port().to_string());
    let r = run(&["--from-curl", &copy], b"hello\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "hello\n");
    let (line, headers) = handshake(&srv);
    assert_eq!(line, "GET /socket.io/?EIO=4&transport=websocket");
    let origin = format!("http://127.0.0.1:{}", srv.addr.port());
    for (name, want) in [
        ("origin", origin.as_str()),
        ("cookie", "io=Xq3vJ0a9KpLz; consent=yes!; display=O'Brien"),
        (
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36",
        ),
        ("accept-language", "en-GB,en-US;q=0.9,en;q=0.8"),
        ("pragma", "no-cache"),
        ("cache-control", "no-cache"),
        ("connection", "Upgrade"),
        ("upgrade", "websocket"),
        ("sec-websocket-version", "13"),
        (
            "sec-websocket-extensions",
            "permessage-deflate; client_max_window_bits",
        ),
    ] {
        assert_eq!(header(&headers, name), Some(want), "{name} in {headers:#?}");
    }
    assert_ne!(
        header(&headers, "sec-websocket-key"),
        Some("3m1Ckq0kWQ2xF9b8cZl4Ow=="),
        "wscope's own key, not the browser's"
    );
    for said in [
        "* curl: kept headers Pragma, Cache-Control, User-Agent, Origin, Accept-Language, Cookie",
        "* curl: dropped Sec-WebSocket-Key (wscope generates its own)",
        "* curl: dropped Sec-WebSocket-Extensions (wscope negotiates the extensions it supports)",
        "* curl: ignored --compressed",
    ] {
        assert!(
            r.stderr.contains(said),
            "stderr lacks {said:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn a_firefox_copy_pasted_after_wscope_converts_http_and_keeps_the_fetch_headers() {
    let srv = echo_server();
    let copy = FIREFOX.replace("PORT", &srv.addr.port().to_string());
    let r = pasted(&copy, b"hi\n", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "hi\n");
    assert!(
        r.stderr.contains("* curl: converted http:// to ws://"),
        "{}",
        r.stderr
    );
    let (line, headers) = handshake(&srv);
    assert_eq!(line, "GET /ws?sub[0]=ticker");
    for (name, want) in [
        ("cookie", "lang=de; greeting=hallo!"),
        ("sec-fetch-mode", "websocket"),
        ("sec-fetch-site", "same-origin"),
        ("accept", "*/*"),
        ("accept-language", "de,en-US;q=0.7,en;q=0.3"),
        (
            "user-agent",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:146.0) Gecko/20100101 Firefox/146.0",
        ),
        ("connection", "Upgrade"),
    ] {
        assert_eq!(header(&headers, name), Some(want), "{name} in {headers:#?}");
    }
    assert_eq!(header(&headers, "accept-encoding"), None, "dropped");
    assert_ne!(
        header(&headers, "sec-websocket-key"),
        Some("Qm9ndXNLZXlGb3JUZXN0cw==")
    );
}

#[test]
fn the_copied_extensions_header_is_sent_when_asked() {
    let srv = echo_server();
    let copy = FIREFOX.replace("PORT", &srv.addr.port().to_string());
    let r = pasted(&copy, b"", &[("WSCOPE_KEEP_EXTENSIONS", "true")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, headers) = handshake(&srv);
    assert_eq!(
        header(&headers, "sec-websocket-extensions"),
        Some("permessage-deflate")
    );

    let srv = echo_server();
    let copy = CHROMIUM.replace("PORT", &srv.addr.port().to_string());
    let r = run(&["--keep-extensions", "--from-curl", &copy], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, headers) = handshake(&srv);
    assert_eq!(
        header(&headers, "sec-websocket-extensions"),
        Some("permessage-deflate; client_max_window_bits")
    );
}

#[test]
fn plain_cookie_option_and_wscope_options_beside_a_copy() {
    let srv = echo_server();
    let r = run(&["--cookie", "a=b;c=d", "-e", "x", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, headers) = handshake(&srv);
    assert_eq!(header(&headers, "cookie"), Some("a=b; c=d"));

    let srv = echo_server();
    let copy = CHROMIUM.replace("PORT", &srv.addr.port().to_string());
    let r = run(
        &[
            "-A",
            "mine/1",
            "--origin",
            "http://other",
            "--cookie",
            "extra=1",
            "--from-curl",
            &copy,
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, headers) = handshake(&srv);
    assert_eq!(header(&headers, "user-agent"), Some("mine/1"));
    assert_eq!(header(&headers, "origin"), Some("http://other"));
    assert_eq!(
        header(&headers, "cookie"),
        Some("io=Xq3vJ0a9KpLz; consent=yes!; display=O'Brien; extra=1")
    );
}

#[test]
fn what_cannot_be_read_is_a_usage_error() {
    let r = run(&["curl", "ws://h/", "--data", "x"], b"");
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(&["--from-curl", "curl ws://h/", "ws://h/"], b"");
    assert_eq!(r.code, 2, "URL and a copy: {}", r.stderr);
    let r = run(&["--cookie", "cookies.txt", "ws://h/"], b"");
    assert_eq!(r.code, 2, "{}", r.stderr);
}
