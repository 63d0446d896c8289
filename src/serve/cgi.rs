//! The environment a `serve --coproc` program gets: the upgrade request as CGI variables
//! (RFC 3875), named and filled as websocketd does, so its handlers run unchanged: the path,
//! the query, the peer's address, the server's name and port from `Host`, and every header as
//! `HTTP_NAME` (upper case, `-` as `_`, repeated headers joined with `, `).
//!
//! A `Proxy` header is not passed on: as `HTTP_PROXY` it would set the proxy of every HTTP
//! client the program runs ("httpoxy"). Pure.

use super::handshake::Request;
use crate::net::transport::Peer;
use percent_encoding::percent_decode_str;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

/// The variables for `request`, connection `id` (as `UNIQUE_ID`).
pub(super) fn environment(request: &Request, id: &str) -> Vec<(String, OsString)> {
    let (path, query) = match request.resource.split_once('?') {
        Some((p, q)) => (p, q),
        None => (request.resource.as_str(), ""),
    };
    let (remote_addr, remote_port) = match &request.peer {
        Peer::Tcp(addr) => (addr.ip().to_string(), addr.port().to_string()),
        Peer::Unix(_) => ("unix".to_string(), String::new()),
    };
    let (server_name, server_port) = host_and_port(request.get("Host").unwrap_or_default());
    let decoded = decoded_path(path);
    let mut env: Vec<(String, OsString)> = [
        (
            "SERVER_SOFTWARE",
            format!("wscope/{}", env!("CARGO_PKG_VERSION")),
        ),
        ("GATEWAY_INTERFACE", "CGI/1.1".into()),
        ("SERVER_PROTOCOL", format!("HTTP/1.{}", request.http_minor)),
        ("SERVER_NAME", server_name),
        ("SERVER_PORT", server_port),
        ("REQUEST_METHOD", "GET".into()),
        ("REQUEST_URI", request.resource.clone()),
        ("SCRIPT_NAME", "/".into()),
        ("QUERY_STRING", query.to_string()),
        ("REMOTE_ADDR", remote_addr.clone()),
        ("REMOTE_HOST", remote_addr),
        ("REMOTE_PORT", remote_port),
        ("UNIQUE_ID", id.to_string()),
        // Not known to a WebSocket server; set empty so none leaks in from wscope's own.
        ("AUTH_TYPE", String::new()),
        ("CONTENT_LENGTH", String::new()),
        ("CONTENT_TYPE", String::new()),
        ("REMOTE_IDENT", String::new()),
        ("REMOTE_USER", String::new()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), OsString::from(v)))
    .collect();
    env.push(("PATH_INFO".into(), decoded.clone()));
    env.push(("PATH_TRANSLATED".into(), decoded));
    for (name, value) in headers(request) {
        env.push((name, OsString::from(value)));
    }
    env
}

/// `HTTP_*` for each header name (in the order first seen), values of repeats joined.
fn headers(request: &Request) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, value) in &request.headers {
        let var = format!("HTTP_{}", name.to_ascii_uppercase().replace('-', "_"));
        if var == "HTTP_PROXY" {
            continue;
        }
        match out.iter_mut().find(|(n, _)| *n == var) {
            Some((_, joined)) => {
                joined.push_str(", ");
                joined.push_str(value);
            }
            None => out.push((var, value.clone())),
        }
    }
    out
}

/// The path with its percent-escapes decoded (as bytes: it need not be UTF-8); as sent when
/// it would decode to a NUL, which no environment variable can hold.
fn decoded_path(path: &str) -> OsString {
    let bytes: Vec<u8> = percent_decode_str(path).collect();
    if bytes.contains(&0) {
        return OsString::from(path);
    }
    OsString::from_vec(bytes)
}

/// The server's name and port as the client addressed it (`Host`), the port 80 when not given.
fn host_and_port(host: &str) -> (String, String) {
    if let Some(rest) = host.strip_prefix('[') {
        if let Some((addr, after)) = rest.split_once(']') {
            let port = after.strip_prefix(':').unwrap_or("80");
            return (addr.to_string(), port.to_string());
        }
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') => (name.to_string(), port.to_string()),
        _ => (host.to_string(), "80".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(resource: &str, headers: &[(&str, &str)], peer: Peer) -> Request {
        Request {
            resource: resource.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            peer,
            http_minor: 1,
        }
    }

    fn get<'a>(env: &'a [(String, OsString)], name: &str) -> Option<&'a str> {
        env.iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.to_str())
    }

    #[test]
    fn the_request_becomes_cgi_variables_as_websocketd_names_them() {
        let peer = Peer::Tcp("192.0.2.7:50312".parse().expect("addr"));
        let r = request(
            "/chat/r%C3%A9union?room=1&x=%20",
            &[
                ("Host", "example.org:9001"),
                ("Origin", "https://example.org"),
                ("X-Trace-Id", "a"),
                ("x-trace-id", "b"),
                ("Proxy", "http://evil.example/"),
            ],
            peer,
        );
        let env = environment(&r, "42");
        for (name, want) in [
            ("REQUEST_URI", "/chat/r%C3%A9union?room=1&x=%20"),
            ("PATH_INFO", "/chat/réunion"),
            ("SCRIPT_NAME", "/"),
            ("QUERY_STRING", "room=1&x=%20"),
            ("REMOTE_ADDR", "192.0.2.7"),
            ("REMOTE_HOST", "192.0.2.7"),
            ("REMOTE_PORT", "50312"),
            ("SERVER_NAME", "example.org"),
            ("SERVER_PORT", "9001"),
            ("SERVER_PROTOCOL", "HTTP/1.1"),
            ("REQUEST_METHOD", "GET"),
            ("GATEWAY_INTERFACE", "CGI/1.1"),
            ("UNIQUE_ID", "42"),
            ("HTTP_ORIGIN", "https://example.org"),
            ("HTTP_X_TRACE_ID", "a, b"),
            ("REMOTE_USER", ""),
        ] {
            assert_eq!(get(&env, name), Some(want), "{name}");
        }
        assert_eq!(get(&env, "HTTP_PROXY"), None, "httpoxy");
    }

    #[test]
    fn unix_peers_ipv6_hosts_and_odd_paths() {
        let r = request("/a%00b", &[("Host", "[::1]:8080")], Peer::Unix(None));
        let env = environment(&r, "1");
        assert_eq!(get(&env, "REMOTE_ADDR"), Some("unix"));
        assert_eq!(get(&env, "REMOTE_PORT"), Some(""));
        assert_eq!(get(&env, "SERVER_NAME"), Some("::1"));
        assert_eq!(get(&env, "SERVER_PORT"), Some("8080"));
        assert_eq!(
            get(&env, "PATH_INFO"),
            Some("/a%00b"),
            "no NUL in a variable"
        );
        assert_eq!(
            host_and_port("localhost"),
            ("localhost".into(), "80".into())
        );
    }
}
