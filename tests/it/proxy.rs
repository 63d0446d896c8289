//! Proxies end to end: small HTTP CONNECT and SOCKS5 proxies on loopback, each logging what it
//! saw, between the real binary and a real echo server.

use crate::support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An HTTP CONNECT proxy; with `auth` it answers 407 unless Proxy-Authorization matches.
/// `refuse` makes it answer 403 to everything.
fn http_proxy(auth: Option<&'static str>, refuse: bool) -> Server {
    raw_server(move |mut tcp, log| async move {
        let head = read_head(&mut tcp).await;
        push(&log, head.clone());
        if refuse {
            let _ = tcp
                .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                .await;
            return;
        }
        if let Some(want) = auth {
            let ok = head
                .lines()
                .any(|l| l.eq_ignore_ascii_case(&format!("Proxy-Authorization: {want}")));
            if !ok {
                let _ = tcp
                    .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\n\r\n")
                    .await;
                return;
            }
        }
        let authority = head.split_whitespace().nth(1).unwrap_or("").to_string();
        let Ok(mut upstream) = TcpStream::connect(authority.as_str()).await else {
            let _ = tcp.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
            return;
        };
        let _ = tcp
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await;
        let _ = tokio::io::copy_bidirectional(&mut tcp, &mut upstream).await;
    })
}

/// A SOCKS5 proxy (no auth, or user/pass when `creds` is set); logs `auth:u:p` and
/// `connect:domain:host:port` or `connect:ip:addr:port`. `reply` overrides the reply code.
fn socks5_proxy(creds: Option<(&'static str, &'static str)>, reply: u8) -> Server {
    raw_server(move |mut tcp, log| async move {
        let mut head = [0u8; 2];
        if tcp.read_exact(&mut head).await.is_err() {
            return;
        }
        let mut methods = vec![0u8; head[1] as usize];
        let _ = tcp.read_exact(&mut methods).await;
        match creds {
            None => {
                let _ = tcp.write_all(&[5, 0]).await;
            }
            Some((u, p)) => {
                if !methods.contains(&2) {
                    let _ = tcp.write_all(&[5, 0xff]).await;
                    return;
                }
                let _ = tcp.write_all(&[5, 2]).await;
                let mut v = [0u8; 2];
                let _ = tcp.read_exact(&mut v).await;
                let mut user = vec![0u8; v[1] as usize];
                let _ = tcp.read_exact(&mut user).await;
                let mut n = [0u8; 1];
                let _ = tcp.read_exact(&mut n).await;
                let mut pass = vec![0u8; n[0] as usize];
                let _ = tcp.read_exact(&mut pass).await;
                let (user, pass) = (
                    String::from_utf8_lossy(&user).into_owned(),
                    String::from_utf8_lossy(&pass).into_owned(),
                );
                push(&log, format!("auth:{user}:{pass}"));
                let ok = user == u && pass == p;
                let _ = tcp.write_all(&[1, if ok { 0 } else { 1 }]).await;
                if !ok {
                    return;
                }
            }
        }
        let mut req = [0u8; 4];
        if tcp.read_exact(&mut req).await.is_err() {
            return;
        }
        let (kind, host) = match req[3] {
            1 => {
                let mut a = [0u8; 4];
                let _ = tcp.read_exact(&mut a).await;
                ("ip", std::net::Ipv4Addr::from(a).to_string())
            }
            3 => {
                let mut n = [0u8; 1];
                let _ = tcp.read_exact(&mut n).await;
                let mut d = vec![0u8; n[0] as usize];
                let _ = tcp.read_exact(&mut d).await;
                ("domain", String::from_utf8_lossy(&d).into_owned())
            }
            _ => {
                let mut a = [0u8; 16];
                let _ = tcp.read_exact(&mut a).await;
                ("ip", std::net::Ipv6Addr::from(a).to_string())
            }
        };
        let mut port = [0u8; 2];
        let _ = tcp.read_exact(&mut port).await;
        let port = u16::from_be_bytes(port);
        push(&log, format!("connect:{kind}:{host}:{port}"));
        if reply != 0 {
            let _ = tcp.write_all(&[5, reply, 0, 1, 0, 0, 0, 0, 0, 0]).await;
            return;
        }
        let addr = if host == "localhost" {
            "127.0.0.1".to_string()
        } else {
            host
        };
        let Ok(mut upstream) = TcpStream::connect((addr.as_str(), port)).await else {
            let _ = tcp.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]).await;
            return;
        };
        let _ = tcp.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).await;
        let _ = tokio::io::copy_bidirectional(&mut tcp, &mut upstream).await;
    })
}

fn proxy_url(scheme: &str, p: &Server, userinfo: &str) -> String {
    format!("{scheme}://{userinfo}{}", p.addr)
}

#[test]
fn http_connect_proxy_with_authentication() {
    let echo = echo_server();
    // base64("u:p@ss") — the password is percent-encoded in the proxy URL.
    let proxy = http_proxy(Some("Basic dTpwQHNz"), false);

    let r = run(
        &["--proxy", &proxy_url("http", &proxy, ""), &echo.url("/")],
        b"hi\n",
    );
    assert_eq!(r.code, 11, "{}", r.stderr);
    assert!(
        r.stderr.contains("requires authentication (407"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("--proxy http://user:pass@host:port"),
        "{}",
        r.stderr
    );

    let r = run(
        &[
            "-v",
            "--proxy",
            &proxy_url("http", &proxy, "u:p%40ss@"),
            &echo.url("/via"),
        ],
        b"through the proxy\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "through the proxy\n");
    let seen = proxy.log().last().cloned().unwrap_or_default();
    assert!(
        seen.starts_with(&format!("CONNECT {} HTTP/1.1\r\n", echo.addr)),
        "{seen}"
    );
    assert!(
        seen.contains("Proxy-Authorization: Basic dTpwQHNz\r\n"),
        "{seen}"
    );
    assert!(
        r.stderr
            .contains(&format!("> CONNECT {} HTTP/1.1", echo.addr)),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("> Proxy-Authorization: Basic ****"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("< HTTP/1.1 200 Connection established"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("dTpwQHNz"),
        "proxy credentials masked: {}",
        r.stderr
    );
    let req = echo.wait_for("upgrade through the tunnel", |l| {
        l.starts_with("request: GET /via")
    });
    assert!(
        !req.to_ascii_lowercase().contains("proxy-authorization"),
        "not leaked upstream: {req}"
    );
}

#[test]
fn a_refusing_http_proxy_gets_its_own_exit_code() {
    let echo = echo_server();
    let proxy = http_proxy(None, true);
    let r = run(
        &["--proxy", &proxy_url("http", &proxy, ""), &echo.url("/")],
        b"",
    );
    assert_eq!(r.code, 11, "{}", r.stderr);
    assert!(r.stderr.contains("refused the tunnel"), "{}", r.stderr);
    assert!(r.stderr.contains("403 Forbidden"), "{}", r.stderr);
}

#[test]
fn socks5_resolving_locally_and_through_the_proxy() {
    let echo = echo_server();
    let proxy = socks5_proxy(None, 0);
    let url = format!("ws://localhost:{}/s", echo.addr.port());
    let r = run(
        &["--proxy", &proxy_url("socks5h", &proxy, ""), &url],
        b"socks5h\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "socks5h\n");
    proxy.wait_for("domain sent to the proxy", |l| {
        l == format!("connect:domain:localhost:{}", echo.addr.port())
    });

    let r = run(
        &["--proxy", &proxy_url("socks5", &proxy, ""), &url],
        b"socks5\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "socks5\n");
    let l = proxy.wait_for("address resolved here", |l| l.starts_with("connect:ip:"));
    assert!(l.ends_with(&format!(":{}", echo.addr.port())), "{l}");
}

#[test]
fn socks5_authentication_and_errors() {
    let echo = echo_server();
    let proxy = socks5_proxy(Some(("alice", "pw")), 0);
    let r = run(
        &[
            "--proxy",
            &proxy_url("socks5", &proxy, "alice:pw@"),
            &echo.url("/"),
        ],
        b"authed\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "authed\n");
    proxy.wait_for("credentials", |l| l == "auth:alice:pw");

    let r = run(
        &["--proxy", &proxy_url("socks5", &proxy, ""), &echo.url("/")],
        b"",
    );
    assert_eq!(r.code, 11, "{}", r.stderr);
    assert!(r.stderr.contains("requires authentication"), "{}", r.stderr);

    let failing = socks5_proxy(None, 5);
    let r = run(
        &[
            "--proxy",
            &proxy_url("socks5", &failing, ""),
            &echo.url("/"),
        ],
        b"",
    );
    assert_eq!(r.code, 11, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("connection refused by the destination (SOCKS5 reply 0x05)"),
        "{}",
        r.stderr
    );
}

#[test]
fn environment_selects_the_proxy_and_no_proxy_bypasses_it() {
    let echo = echo_server();
    let proxy = http_proxy(None, false);
    let with_env = |vars: &[(&str, String)], extra: &[&str], input: &[u8]| {
        let mut args: Vec<&str> = extra.to_vec();
        let url = echo.url("/");
        args.push(&url);
        let mut c = command(&args);
        for (k, v) in vars {
            c.env(k, v);
        }
        run_cmd(c, input, RUN_LIMIT)
    };
    let p = proxy_url("http", &proxy, "");

    let r = with_env(&[("http_proxy", p.clone())], &[], b"env\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "env\n");
    assert_eq!(proxy.log().len(), 1, "went through $http_proxy");

    let r = with_env(&[("all_proxy", p.clone())], &[], b"all\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(proxy.log().len(), 2, "went through $all_proxy");

    let r = with_env(
        &[
            ("http_proxy", p.clone()),
            ("no_proxy", "localhost,127.0.0.1".into()),
        ],
        &[],
        b"direct\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "direct\n");
    let r = with_env(
        &[("http_proxy", p.clone())],
        &["--noproxy", "*"],
        b"direct\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // wss uses https_proxy, not http_proxy: for ws:// HTTPS_PROXY is not consulted.
    let r = with_env(&[("HTTPS_PROXY", p.clone())], &[], b"plain ws\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        proxy.log().len(),
        2,
        "no_proxy, --noproxy and HTTPS_PROXY (for ws) bypassed it"
    );

    let r = with_env(&[("http_proxy", "ftp://nope".into())], &[], b"");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("from $http_proxy"), "{}", r.stderr);
}

#[test]
fn proxy_credentials_are_masked_in_json_lines_and_recordings_unless_asked() {
    let echo = echo_server();
    let proxy = http_proxy(Some("Basic dTpwQHNz"), false);
    let via = proxy_url("http", &proxy, "u:p%40ss@");
    let session = |show: bool| {
        let path = temp_file(&format!("proxied-{show}.jsonl"), b"");
        let mut args = vec![
            "--jsonl",
            "--record",
            path.to_str().unwrap(),
            "--proxy",
            &via,
        ];
        if show {
            args.push("--show-credentials");
        }
        let url = echo.url("/");
        args.push(&url);
        let r = run(&args, b"hi\n");
        assert_eq!(r.code, 0, "{}", r.stderr);
        [r.out(), std::fs::read_to_string(&path).expect("recording")]
    };
    for text in session(false) {
        assert!(
            text.contains(r"Proxy-Authorization: Basic ****\r\n"),
            "{text}"
        );
        assert!(!text.contains("dTpwQHNz"), "{text}");
    }
    for text in session(true) {
        assert!(
            text.contains(r"Proxy-Authorization: Basic dTpwQHNz\r\n"),
            "{text}"
        );
    }
}
