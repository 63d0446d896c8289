//! Commands as browsers and proxies write them when a WebSocket request is copied as cURL,
//! read end to end through [`super::from_command_line`] and [`super::from_args`].
//!
//! The layouts follow the generators: Chromium DevTools (URL first or `--url`, one option per
//! line joined by ` \` newline, `$'...'` with `\uXXXX` for values holding `!`, `'` or control
//! characters, `\[` for URL brackets, `--compressed` last in the versions that add it, HTTP/2
//! pseudo-headers written without their colon), Firefox DevTools (one line in older versions,
//! `$'...'` with `\041` and `\xHH`, `--globoff` for brackets) and mitmproxy (URL last). Header
//! orders are those the browsers send on a WebSocket handshake. Keys, cookies and hosts are
//! made up.

use super::{CurlImport, from_args, from_command_line};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn notes(i: &CurlImport) -> Vec<String> {
    i.notes.iter().map(|n| n.to_string()).collect()
}

fn read(command: &str) -> CurlImport {
    from_command_line(command, false).unwrap_or_else(|e| panic!("{e} ({:?})", e.hint))
}

const CHROME_UA: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                         Chrome/133.0.0.0 Safari/537.36";

/// Chromium on Linux, HTTP/1.1 handshake, a cookie with `!` and `'` (hence `$'...'`).
const CHROMIUM_HTTP1: &str = r#"curl 'wss://chat.example.com/socket.io/?EIO=4&transport=websocket' \
  -H 'Connection: Upgrade' \
  -H 'Pragma: no-cache' \
  -H 'Cache-Control: no-cache' \
  -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36' \
  -H 'Upgrade: websocket' \
  -H 'Origin: https://chat.example.com' \
  -H 'Sec-WebSocket-Version: 13' \
  -H 'Accept-Language: en-GB,en-US;q=0.9,en;q=0.8' \
  -H $'Cookie: io=Xq3vJ0a9KpLz; consent=yes\u0021; display=O\'Brien' \
  -H 'Sec-WebSocket-Key: 3m1Ckq0kWQ2xF9b8cZl4Ow==' \
  -H 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits' \
  --compressed"#;

#[test]
fn chromium_http1_handshake() {
    let i = read(CHROMIUM_HTTP1);
    assert_eq!(
        i.url,
        "wss://chat.example.com/socket.io/?EIO=4&transport=websocket"
    );
    assert_eq!(
        i.headers,
        pairs(&[
            ("Pragma", "no-cache"),
            ("Cache-Control", "no-cache"),
            ("Origin", "https://chat.example.com"),
            ("Accept-Language", "en-GB,en-US;q=0.9,en;q=0.8"),
        ])
    );
    assert_eq!(
        i.cookie.as_deref(),
        Some("io=Xq3vJ0a9KpLz; consent=yes!; display=O'Brien")
    );
    assert_eq!(i.user_agent.as_deref(), Some(CHROME_UA));
    assert_eq!(i.user, None);
    assert!(!i.insecure && !i.location);
    assert_eq!(
        notes(&i),
        [
            "kept headers Pragma, Cache-Control, User-Agent, Origin, Accept-Language, Cookie",
            "dropped Connection (wscope sends Connection: Upgrade)",
            "dropped Upgrade (wscope sends Upgrade: websocket)",
            "dropped Sec-WebSocket-Version (wscope sends 13)",
            "dropped Sec-WebSocket-Key (wscope generates its own)",
            "dropped Sec-WebSocket-Extensions (wscope negotiates the extensions it supports)",
            "ignored --compressed (it asks for a compressed HTTP body; WebSocket messages are \
             compressed by permessage-deflate, which wscope negotiates itself)",
        ]
    );
}

#[test]
fn chromium_extensions_kept_when_asked() {
    let i = from_command_line(CHROMIUM_HTTP1, true).expect("read");
    assert_eq!(
        i.headers.last(),
        Some(&(
            "Sec-WebSocket-Extensions".to_string(),
            "permessage-deflate; client_max_window_bits".to_string()
        ))
    );
    assert!(
        !notes(&i)
            .iter()
            .any(|n| n.starts_with("dropped Sec-WebSocket-Extensions"))
    );
    assert!(notes(&i)[0].ends_with("Cookie, Sec-WebSocket-Extensions"));
}

/// Chromium over HTTP/2 (RFC 8441): lower-case names, `:authority` and `:protocol` written as
/// `authority` and `protocol`, client hints, a URL with `[]` escaped for curl's globbing.
const CHROMIUM_HTTP2: &str = r#"curl 'wss://stream.example.net/v2/feed?topics\[\]=prices&topics\[\]=news' \
  -H 'authority: stream.example.net' \
  -H 'protocol: websocket' \
  -H 'accept-language: en-US,en;q=0.9' \
  -H 'cache-control: no-cache' \
  -H $'cookie: _ga=GA1.1.1048576.1722000000; sid=s%3AkR2\u0021x.9fQ' \
  -H 'origin: https://app.example.net' \
  -H 'pragma: no-cache' \
  -H 'sec-ch-ua: "Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"' \
  -H 'sec-ch-ua-mobile: ?0' \
  -H 'sec-ch-ua-platform: "macOS"' \
  -H 'sec-websocket-extensions: permessage-deflate; client_max_window_bits' \
  -H 'sec-websocket-key: Jm5vdGFyZWFsa2V5IQ==' \
  -H 'sec-websocket-version: 13' \
  -H 'user-agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' \
  --compressed"#;

#[test]
fn chromium_http2_handshake_in_lower_case() {
    let i = read(CHROMIUM_HTTP2);
    assert_eq!(
        i.url,
        "wss://stream.example.net/v2/feed?topics[]=prices&topics[]=news"
    );
    assert_eq!(
        i.headers,
        pairs(&[
            ("accept-language", "en-US,en;q=0.9"),
            ("cache-control", "no-cache"),
            ("origin", "https://app.example.net"),
            ("pragma", "no-cache"),
            (
                "sec-ch-ua",
                r#""Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99""#
            ),
            ("sec-ch-ua-mobile", "?0"),
            ("sec-ch-ua-platform", r#""macOS""#),
        ])
    );
    assert_eq!(
        i.cookie.as_deref(),
        Some("_ga=GA1.1.1048576.1722000000; sid=s%3AkR2!x.9fQ")
    );
    assert_eq!(
        i.user_agent.as_deref(),
        Some(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like \
             Gecko) Chrome/124.0.0.0 Safari/537.36"
        )
    );
    assert_eq!(
        notes(&i),
        [
            "kept headers accept-language, cache-control, cookie, origin, pragma, sec-ch-ua, \
             sec-ch-ua-mobile, sec-ch-ua-platform, user-agent",
            "dropped authority (Chromium's copy of the HTTP/2 pseudo-header :authority)",
            "dropped protocol (Chromium's copy of the HTTP/2 pseudo-header :protocol)",
            "dropped sec-websocket-extensions (wscope negotiates the extensions it supports)",
            "dropped sec-websocket-key (wscope generates its own)",
            "dropped sec-websocket-version (wscope sends 13)",
            "ignored --compressed (it asks for a compressed HTTP body; WebSocket messages are \
             compressed by permessage-deflate, which wscope negotiates itself)",
        ]
    );
}

/// Recent Chromium: `--url` first, cookies as `-b`, no `--compressed`; a plain ws:// page
/// (DevTools adds `--insecure` for insecure pages).
const CHROMIUM_URL_OPTION: &str = r#"curl --url 'ws://localhost:8080/live' \
  -H 'Connection: Upgrade' \
  -H 'Pragma: no-cache' \
  -H 'Cache-Control: no-cache' \
  -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36' \
  -H 'Upgrade: websocket' \
  -H 'Origin: http://localhost:8081' \
  -H 'Sec-WebSocket-Version: 13' \
  -H 'Accept-Language: en-US,en;q=0.9' \
  -b 'csrftoken=Zm9vYmFy; sessionid=q1w2e3r4' \
  -H 'Sec-WebSocket-Key: p0ZJ8m3n2Kx7VbQyT1sA9g==' \
  -H 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits' \
  --insecure"#;

#[test]
fn chromium_url_option_and_cookie_option() {
    let i = read(CHROMIUM_URL_OPTION);
    assert_eq!(i.url, "ws://localhost:8080/live");
    assert_eq!(
        i.headers,
        pairs(&[
            ("Pragma", "no-cache"),
            ("Cache-Control", "no-cache"),
            ("Origin", "http://localhost:8081"),
            ("Accept-Language", "en-US,en;q=0.9"),
        ])
    );
    assert_eq!(
        i.cookie.as_deref(),
        Some("csrftoken=Zm9vYmFy; sessionid=q1w2e3r4")
    );
    assert_eq!(i.user_agent.as_deref(), Some(CHROME_UA));
    assert!(!i.insecure);
    assert_eq!(
        notes(&i),
        [
            "kept headers Pragma, Cache-Control, User-Agent, Origin, Accept-Language",
            "dropped Connection (wscope sends Connection: Upgrade)",
            "dropped Upgrade (wscope sends Upgrade: websocket)",
            "dropped Sec-WebSocket-Version (wscope sends 13)",
            "dropped Sec-WebSocket-Key (wscope generates its own)",
            "dropped Sec-WebSocket-Extensions (wscope negotiates the extensions it supports)",
            "kept cookies from -b",
            "ignored --insecure (ws:// has no TLS)",
        ]
    );
}

/// Firefox, older single-line format: Cookie as a header, `keep-alive, Upgrade`.
const FIREFOX_ONE_LINE: &str = "curl 'wss://chat.example.com/ws' -H 'User-Agent: Mozilla/5.0 \
(X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' -H 'Accept: */*' -H \
'Accept-Language: en-US,en;q=0.5' -H 'Accept-Encoding: gzip, deflate, br, zstd' -H \
'Sec-WebSocket-Version: 13' -H 'Origin: https://chat.example.com' -H \
'Sec-WebSocket-Extensions: permessage-deflate' -H 'Sec-WebSocket-Key: 8sYp2qLm0Vn4Xc6Zb1Rt3w==' \
-H 'DNT: 1' -H 'Connection: keep-alive, Upgrade' -H 'Cookie: session=7f3a9c2e41b8; theme=dark' \
-H 'Sec-Fetch-Dest: empty' -H 'Sec-Fetch-Mode: websocket' -H 'Sec-Fetch-Site: same-origin' \
-H 'Pragma: no-cache' -H 'Cache-Control: no-cache' -H 'Upgrade: websocket'";

#[test]
fn firefox_single_line() {
    let i = read(FIREFOX_ONE_LINE);
    assert!(!FIREFOX_ONE_LINE.contains('\n'));
    assert_eq!(i.url, "wss://chat.example.com/ws");
    assert_eq!(
        i.headers,
        pairs(&[
            ("Accept", "*/*"),
            ("Accept-Language", "en-US,en;q=0.5"),
            ("Origin", "https://chat.example.com"),
            ("DNT", "1"),
            ("Sec-Fetch-Dest", "empty"),
            ("Sec-Fetch-Mode", "websocket"),
            ("Sec-Fetch-Site", "same-origin"),
            ("Pragma", "no-cache"),
            ("Cache-Control", "no-cache"),
        ])
    );
    assert_eq!(
        i.cookie.as_deref(),
        Some("session=7f3a9c2e41b8; theme=dark")
    );
    assert_eq!(
        i.user_agent.as_deref(),
        Some("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
    );
    assert_eq!(
        notes(&i),
        [
            "kept headers User-Agent, Accept, Accept-Language, Origin, DNT, Cookie, \
             Sec-Fetch-Dest, Sec-Fetch-Mode, Sec-Fetch-Site, Pragma, Cache-Control",
            "dropped Accept-Encoding (wscope shows a refused upgrade's body as it arrives, \
             without decompressing it)",
            "dropped Sec-WebSocket-Version (wscope sends 13)",
            "dropped Sec-WebSocket-Extensions (wscope negotiates the extensions it supports)",
            "dropped Sec-WebSocket-Key (wscope generates its own)",
            "dropped Connection (wscope sends Connection: Upgrade)",
            "dropped Upgrade (wscope sends Upgrade: websocket)",
        ]
    );
}

/// Firefox, current multi-line format: `--globoff` for a bracketed URL, `$'...'` with `\041`
/// for `!` and `\xHH`/`\uXXXX` for other characters.
const FIREFOX_MULTI_LINE: &str = r#"curl 'wss://feeds.example.org/ws?sub[0]=ticker' \
  --globoff \
  -H 'User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:146.0) Gecko/20100101 Firefox/146.0' \
  -H 'Accept: */*' \
  -H 'Accept-Language: de,en-US;q=0.7,en;q=0.3' \
  -H 'Accept-Encoding: gzip, deflate, br, zstd' \
  -H 'Sec-WebSocket-Version: 13' \
  -H 'Origin: https://feeds.example.org' \
  -H 'Sec-WebSocket-Extensions: permessage-deflate' \
  -H 'Sec-WebSocket-Key: Qm9ndXNLZXlGb3JUZXN0cw==' \
  -H 'Connection: keep-alive, Upgrade' \
  -H $'Cookie: lang=de; greeting=hallo\041; city=K\u00f6ln' \
  -H 'Sec-Fetch-Dest: empty' \
  -H 'Sec-Fetch-Mode: websocket' \
  -H 'Sec-Fetch-Site: same-origin' \
  -H 'Pragma: no-cache' \
  -H 'Cache-Control: no-cache' \
  -H 'Upgrade: websocket'"#;

#[test]
fn firefox_multi_line_with_globoff_and_ansi_c_cookie() {
    let i = read(FIREFOX_MULTI_LINE);
    assert_eq!(i.url, "wss://feeds.example.org/ws?sub[0]=ticker");
    assert_eq!(
        i.cookie.as_deref(),
        Some("lang=de; greeting=hallo!; city=Köln")
    );
    assert_eq!(
        i.headers,
        pairs(&[
            ("Accept", "*/*"),
            ("Accept-Language", "de,en-US;q=0.7,en;q=0.3"),
            ("Origin", "https://feeds.example.org"),
            ("Sec-Fetch-Dest", "empty"),
            ("Sec-Fetch-Mode", "websocket"),
            ("Sec-Fetch-Site", "same-origin"),
            ("Pragma", "no-cache"),
            ("Cache-Control", "no-cache"),
        ])
    );
    assert_eq!(notes(&i).len(), 7);
    assert_eq!(
        notes(&i)[0],
        "kept headers User-Agent, Accept, Accept-Language, Origin, Cookie, Sec-Fetch-Dest, \
         Sec-Fetch-Mode, Sec-Fetch-Site, Pragma, Cache-Control"
    );
}

/// mitmproxy's "Copy as cURL" of the same handshake: an https:// URL (last), `-X GET`, Host.
const MITMPROXY: &str = "curl -X GET -H 'host: chat.example.com' -H 'connection: Upgrade' \
-H 'upgrade: websocket' -H 'origin: https://chat.example.com' -H 'sec-websocket-version: 13' \
-H 'sec-websocket-key: bWl0bXByb3h5LWtleQ==' -H 'authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' \
'https://chat.example.com/ws'";

#[test]
fn proxy_copy_with_https_url() {
    let i = read(MITMPROXY);
    assert_eq!(i.url, "wss://chat.example.com/ws");
    assert_eq!(
        i.headers,
        pairs(&[
            ("origin", "https://chat.example.com"),
            ("authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"),
        ])
    );
    assert_eq!(
        notes(&i),
        [
            "converted https:// to wss://",
            "kept headers origin, authorization",
            "dropped host (wscope sends the same from the URL)",
            "dropped connection (wscope sends Connection: Upgrade)",
            "dropped upgrade (wscope sends Upgrade: websocket)",
            "dropped sec-websocket-version (wscope sends 13)",
            "dropped sec-websocket-key (wscope generates its own)",
            "ignored -X GET (the upgrade request is always a GET)",
        ]
    );
}

#[test]
fn argv_entry_point_reads_what_the_shell_split() {
    let argv = [
        "wss://chat.example.com/socket.io/?EIO=4&transport=websocket",
        "-H",
        "Connection: Upgrade",
        "-H",
        "Pragma: no-cache",
        "-H",
        "Cache-Control: no-cache",
        "-H",
        &format!("User-Agent: {CHROME_UA}"),
        "-H",
        "Upgrade: websocket",
        "-H",
        "Origin: https://chat.example.com",
        "-H",
        "Sec-WebSocket-Version: 13",
        "-H",
        "Accept-Language: en-GB,en-US;q=0.9,en;q=0.8",
        "-H",
        "Cookie: io=Xq3vJ0a9KpLz; consent=yes!; display=O'Brien",
        "-H",
        "Sec-WebSocket-Key: 3m1Ckq0kWQ2xF9b8cZl4Ow==",
        "-H",
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
        "--compressed",
    ];
    assert_eq!(from_args(&argv, false).expect("argv"), read(CHROMIUM_HTTP1));
}

#[test]
fn windows_cmd_copies_are_refused_with_the_way_out() {
    let chromium_cmd = "curl ^\"wss://chat.example.com/ws^\" ^\n  -H ^\"Origin: \
                        https://chat.example.com^\" ^\n  --compressed";
    let e = from_command_line(chromium_cmd, false).expect_err("cmd");
    assert!(e.message.contains("Windows cmd format"), "{}", e.message);
    assert_eq!(
        e.hint.as_deref(),
        Some("copy it as cURL (bash) instead of cURL (cmd)")
    );
    let firefox_cmd = "curl.exe ^\"wss://chat.example.com/ws^\" -H ^\"Accept: */*^\"";
    assert!(
        from_command_line(firefox_cmd, false)
            .expect_err("cmd")
            .message
            .contains("Windows cmd format")
    );
}

#[test]
fn copy_all_as_curl_is_refused() {
    let two = format!("{CHROMIUM_URL_OPTION} ;\n{CHROMIUM_HTTP1}");
    let e = from_command_line(&two, false).expect_err("two commands");
    assert!(
        e.message
            .starts_with("shell operator ';' at line 13, column 14:"),
        "{}",
        e.message
    );
}

#[test]
fn a_command_cut_short_names_the_open_quote() {
    let cut = &CHROMIUM_HTTP1[..CHROMIUM_HTTP1.find("Chrome/133").expect("sample")];
    let e = from_command_line(cut, false).expect_err("cut");
    assert_eq!(
        e.message,
        "unterminated single quote (opened at line 5, column 6)"
    );
}
