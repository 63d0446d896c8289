//! Fuzz the SOCKS5 handshake's reading of the proxy's replies (net/proxy/socks.rs): whatever
//! the proxy answers, in whatever pieces, no panic; when the tunnel opens, exactly the replies
//! were consumed (the method choice, the authentication answer if asked, the CONNECT reply with
//! its bound address) and nothing of the tunnel behind them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::time::{Duration, Instant};
use wscope::net::proxy::{Proxy, ProxyKind, socks5_connect};
use wscope::wire::target::Target;
use wscope_fuzz::{Script, block_on, control};

/// How long the replies of a successful handshake are, read from the bytes the proxy sent.
fn replies_len(answer: &[u8], authenticated: bool) -> Option<usize> {
    let mut at = 2 + if authenticated { 2 } else { 0 };
    let head = answer.get(at..at + 4)?;
    at += 4;
    let address = match head[3] {
        0x01 => 4,
        0x04 => 16,
        0x03 => {
            let n = usize::from(*answer.get(at)?);
            at += 1;
            n
        }
        _ => 0,
    };
    Some(at + address + 2)
}

fuzz_target!(|data: &[u8]| {
    let Some((control, answer)) = control(data) else {
        return;
    };
    let credentials = (control & 1 != 0).then(|| ("user".into(), "secret".into()));
    let remote_dns = control & 2 != 0;
    let proxy = Proxy {
        kind: ProxyKind::Socks5 { remote_dns },
        host: "127.0.0.1".into(),
        port: 1080,
        credentials,
        source: "--proxy".into(),
    };
    // A name only with socks5h (the proxy resolves it): no lookup leaves the process.
    let url = if remote_dns {
        "ws://example.test:8080/"
    } else {
        "ws://[2001:db8::1]:8080/"
    };
    let target = Target::parse(url).expect("url");
    let mut proxy_side = Script::new(answer, 1 + usize::from(control >> 2));
    let deadline = Instant::now() + Duration::from_secs(60);
    let result = block_on(socks5_connect(&mut proxy_side, &proxy, &target, deadline));
    assert!(proxy_side.written.starts_with(&[0x05]));
    assert!(proxy_side.read <= answer.len());
    if result.is_ok() {
        let authenticated = answer.get(1) == Some(&0x02);
        assert_eq!(
            Some(proxy_side.read),
            replies_len(answer, authenticated),
            "the replies and nothing more"
        );
        assert_eq!(answer.first(), Some(&0x05));
    }
});
