//! The URL the user gives, taken as the official client takes it: `ws(s)://host[:port]
//! [/NAMESPACE][?query]` (or `http(s)://`). The path is the namespace; the WebSocket goes to the
//! Engine.IO path (`/socket.io/`, or `--socketio-path`), with the user's query kept and
//! `EIO=4&transport=websocket` (`EIO=3` for Socket.IO 2 servers) added. Pure.

use super::engine::EngineVersion;
use url::Url;

/// The default Engine.IO path, as the official client and server have it.
pub(crate) const DEFAULT_PATH: &str = "/socket.io";

/// Where a Socket.IO client connects, and to which namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// The WebSocket URL of the Engine.IO endpoint.
    pub url: String,
    /// The namespace, from the URL's path (`/` when there is none).
    pub namespace: String,
    /// The user's query, as given (without `?`): Socket.IO 2 sends it with a namespace's
    /// CONNECT too.
    pub query: Option<String>,
}

/// The endpoint for `url` with `version`; `path` is `--socketio-path` (with or without its
/// slashes). The error says what is wrong with the URL.
pub(crate) fn endpoint(
    url: &str,
    version: EngineVersion,
    path: Option<&str>,
) -> Result<Endpoint, String> {
    let trimmed = url.trim();
    let (scheme, rest) = trimmed.split_once("://").ok_or_else(|| {
        format!("URL '{trimmed}' has no scheme (ws://, wss://, http:// or https://)")
    })?;
    let ws_scheme = match scheme.to_ascii_lowercase().as_str() {
        "ws" | "http" => "ws",
        "wss" | "https" => "wss",
        other => {
            return Err(format!(
                "URL '{trimmed}': a Socket.IO server is reached with ws://, wss://, http:// or https://, not {other}://"
            ));
        }
    };
    let mut parsed = Url::parse(&format!("{ws_scheme}://{rest}"))
        .map_err(|e| format!("URL '{trimmed}': {e}"))?;
    let namespace = match parsed.path() {
        "" | "/" => "/".to_string(),
        p => p.to_string(),
    };
    if namespace.contains(',') {
        return Err(format!(
            "the namespace {namespace} (the URL's path) cannot hold a comma"
        ));
    }
    let query = parsed.query().filter(|q| !q.is_empty()).map(str::to_string);
    parsed.set_path(&engine_path(path.unwrap_or(DEFAULT_PATH)));
    parsed.set_query(Some(&engine_query(query.as_deref(), version)));
    parsed.set_fragment(None);
    Ok(Endpoint {
        url: parsed.to_string(),
        namespace,
        query,
    })
}

/// `--socketio-path` with one slash in front and one at the end, as the client writes it.
fn engine_path(path: &str) -> String {
    let inner = path.trim().trim_matches('/');
    if inner.is_empty() {
        "/".to_string()
    } else {
        format!("/{inner}/")
    }
}

/// The user's query without the parameters Engine.IO owns, then those.
fn engine_query(user: Option<&str>, version: EngineVersion) -> String {
    let mut parts: Vec<&str> = user
        .unwrap_or_default()
        .split('&')
        .filter(|p| {
            let name = p.split('=').next().unwrap_or_default();
            !p.is_empty() && name != "EIO" && name != "transport"
        })
        .collect();
    let eio = format!("EIO={}", version.query_value());
    parts.push(&eio);
    parts.push("transport=websocket");
    parts.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(url: &str) -> Endpoint {
        endpoint(url, EngineVersion::V4, None).expect(url)
    }

    #[test]
    fn the_path_is_the_namespace_and_the_engine_path_is_added() {
        #[rustfmt::skip]
        let cases = [
            ("ws://h:3000", "ws://h:3000/socket.io/?EIO=4&transport=websocket", "/"),
            ("http://h:3000/", "ws://h:3000/socket.io/?EIO=4&transport=websocket", "/"),
            ("https://h/admin", "wss://h/socket.io/?EIO=4&transport=websocket", "/admin"),
            ("wss://h/admin?token=1&x=y", "wss://h/socket.io/?token=1&x=y&EIO=4&transport=websocket", "/admin"),
            ("ws://h/?EIO=3&transport=polling&a=1", "ws://h/socket.io/?a=1&EIO=4&transport=websocket", "/"),
            ("WS://u:p@h:1/n#frag", "ws://u:p@h:1/socket.io/?EIO=4&transport=websocket", "/n"),
        ];
        for (given, url, namespace) in cases {
            let e = at(given);
            assert_eq!(
                (e.url.as_str(), e.namespace.as_str()),
                (url, namespace),
                "{given}"
            );
        }
        assert_eq!(at("ws://h/admin?token=1").query.as_deref(), Some("token=1"));
        assert_eq!(at("ws://h/admin?").query, None);
    }

    #[test]
    fn engine_io_3_and_another_path() {
        let e = endpoint("ws://h/", EngineVersion::V3, Some("custom/io")).unwrap();
        assert_eq!(e.url, "ws://h/custom/io/?EIO=3&transport=websocket");
        let e = endpoint("ws://h/", EngineVersion::V4, Some("/")).unwrap();
        assert_eq!(e.url, "ws://h/?EIO=4&transport=websocket");
    }

    #[test]
    fn urls_it_cannot_take_say_why() {
        #[rustfmt::skip]
        let cases = [
            ("h:3000", "has no scheme"),
            ("ftp://h/", "not ftp://"),
            ("ws://", "empty host"),
            ("ws://h/a,b", "cannot hold a comma"),
        ];
        for (given, says) in cases {
            let e = endpoint(given, EngineVersion::V4, None).unwrap_err();
            assert!(e.contains(says), "{given}: {e}");
        }
    }
}
