//! Fuzz the HTTP CONNECT tunnel's reading of the proxy's answer (net/proxy/http.rs): whatever
//! the proxy sends, in whatever pieces, nothing past the blank line that ends its answer is
//! consumed (those bytes belong to the tunnel), at most 64 KiB are read when it never ends,
//! and the tunnel opens exactly when the answer is a 2xx.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::time::{Duration, Instant};
use wscope::net::proxy::{Proxy, ProxyKind, http_connect};
use wscope::wire::response::{MAX_HEAD, head_end, parse_head};
use wscope::wire::target::Target;
use wscope_fuzz::{Script, block_on, control};

fuzz_target!(|data: &[u8]| {
    let Some((control, answer)) = control(data) else {
        return;
    };
    let proxy = Proxy {
        kind: ProxyKind::Http,
        host: "127.0.0.1".into(),
        port: 3128,
        credentials: (control & 1 != 0).then(|| ("user".into(), "secret".into())),
        source: "--proxy".into(),
    };
    let target = Target::parse("wss://example.test:8443/feed").expect("url");
    let mut proxy_side = Script::new(answer, 1 + usize::from(control >> 1));
    let deadline = Instant::now() + Duration::from_secs(60);
    let (exchange, result) = block_on(http_connect(&mut proxy_side, &proxy, &target, deadline));
    assert!(
        proxy_side
            .written
            .starts_with(b"CONNECT example.test:8443 HTTP/1.1\r\n")
    );
    match head_end(answer, 0) {
        Some(end) if end <= MAX_HEAD => {
            assert_eq!(proxy_side.read, end, "read the answer and nothing more");
            let exchange = exchange.expect("the exchange, for -v");
            assert_eq!(exchange.response, &answer[..end]);
            let tunnel = parse_head(&answer[..end]).is_ok_and(|h| (200..300).contains(&h.status));
            assert_eq!(result.is_ok(), tunnel, "{result:?}");
        }
        _ => {
            assert!(result.is_err());
            assert!(
                proxy_side.read <= MAX_HEAD + 1,
                "read {} bytes",
                proxy_side.read
            );
        }
    }
});
