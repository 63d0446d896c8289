//! Recognising an application protocol wscope speaks when it was run without `--proto`, from
//! what the server sent first or how it closed, so that a hint can name the option. (A refused
//! upgrade is judged in `wire::rejection`, which reads the answer.) Pure.

/// A protocol recognised: its `--proto` name and what gave it away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Guess {
    pub protocol: &'static str,
    pub evidence: &'static str,
}

/// The protocol the server's first data message belongs to, if it evidently is one.
pub(crate) fn first_message(data: &[u8]) -> Option<Guess> {
    if data.starts_with(b"0{\"sid\":") {
        return Some(Guess {
            protocol: super::socketio::messages::NAME,
            evidence: "its first message is an Engine.IO open packet (0{\"sid\":…)",
        });
    }
    if is_stomp_frame(data) {
        return Some(Guess {
            protocol: super::stomp::messages::NAME,
            evidence: "its first message is a STOMP frame (a command line such as ERROR, headers, a NUL)",
        });
    }
    graphql_message(data)
}

/// A GraphQL over WebSocket message only a GraphQL server sends first (not a bare `ping`,
/// which many JSON APIs have).
fn graphql_message(data: &[u8]) -> Option<Guess> {
    use super::graphql::{Dialect, ServerMessage, message};
    let text = std::str::from_utf8(data).ok()?;
    if !text.trim_start().starts_with('{') || !text.contains("\"type\"") {
        return None;
    }
    let decoded = [Dialect::TransportWs, Dialect::Legacy]
        .into_iter()
        .find_map(|d| message::decode(d, text).ok())?;
    let evidence = match decoded {
        ServerMessage::ConnectionAck { .. } => {
            "its first message is a GraphQL over WebSocket connection_ack"
        }
        ServerMessage::ConnectionError { .. } => {
            "its first message is a GraphQL over WebSocket connection_error"
        }
        ServerMessage::KeepAlive => "its first message is the legacy GraphQL keepalive (ka)",
        ServerMessage::Next { .. } => "its first message is a GraphQL over WebSocket result",
        _ => return None,
    };
    Some(Guess {
        protocol: super::graphql::words::NAME,
        evidence,
    })
}

/// The protocol of a server that closed with `code` after an offer of `offered`: a GraphQL
/// server closes with its own codes (4406 when it speaks neither subprotocol, 4400 and the
/// like when what it got was not its protocol), the legacy one with 1002.
pub(crate) fn closed(code: u16, offered: &[String]) -> Option<Guess> {
    use super::graphql::Dialect;
    let graphql_offered = offered
        .iter()
        .any(|s| Dialect::from_subprotocol(s).is_some());
    let servers_code = matches!(
        code,
        4400 | 4401 | 4403 | 4406 | 4408 | 4409 | 4429 | 4500 | 1002
    );
    (graphql_offered && servers_code).then_some(Guess {
        protocol: super::graphql::words::NAME,
        evidence: "it closed with a GraphQL over WebSocket close code after an offer of a GraphQL subprotocol",
    })
}

/// Whether `data` starts like a frame a STOMP server sends: its command, an EOL, and a NUL
/// somewhere after.
fn is_stomp_frame(data: &[u8]) -> bool {
    use super::stomp::Command;
    Command::ALL.iter().filter(|c| c.is_from_server()).any(|c| {
        data.strip_prefix(c.as_str().as_bytes())
            .is_some_and(|rest| rest.starts_with(b"\n") || rest.starts_with(b"\r\n"))
    }) && data.contains(&0)
}

/// The protocol a subprotocol the server selected names, if wscope speaks it.
pub(crate) fn subprotocol(name: &str) -> Option<Guess> {
    super::stomp::Version::from_subprotocol(name).map(|_| Guess {
        protocol: super::stomp::messages::NAME,
        evidence: "it selected a STOMP subprotocol (v1x.stomp)",
    })
}

/// Whether the server's first message is SockJS's open frame: the URL is a SockJS session's,
/// whose messages come wrapped in SockJS frames.
pub(crate) fn sockjs(data: &[u8]) -> bool {
    data == b"o"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_engine_io_open_packet_is_socket_io() {
        let open = br#"0{"sid":"x","upgrades":[],"pingInterval":25000,"pingTimeout":20000}"#;
        assert_eq!(first_message(open).map(|g| g.protocol), Some("socketio"));
        assert_eq!(first_message(b"0"), None);
        assert_eq!(first_message(b"{\"sid\":1}"), None);
    }

    #[test]
    fn stomp_by_its_frames_and_its_subprotocols() {
        let error = b"ERROR\nmessage:Invalid frame\n\nbad\0\n";
        assert_eq!(first_message(error).map(|g| g.protocol), Some("stomp"));
        assert_eq!(
            first_message(b"ERROR\r\n\n\0").map(|g| g.protocol),
            Some("stomp")
        );
        assert_eq!(first_message(b"ERROR: not allowed"), None);
        assert_eq!(first_message(b"MESSAGE\nno nul"), None);
        assert_eq!(subprotocol("v11.stomp").map(|g| g.protocol), Some("stomp"));
        assert_eq!(subprotocol("stomp"), None);
        assert!(sockjs(b"o") && !sockjs(b"o\n") && !sockjs(b"ok"));
    }

    #[test]
    fn graphql_messages_a_server_sends_first_are_graphql() {
        for first in [
            r#"{"type":"connection_ack"}"#,
            r#"{"type":"connection_ack","payload":null}"#,
            r#"{"type":"ka"}"#,
            r#"{"type":"connection_error","payload":{"message":"no"}}"#,
            r#"{"id":"1","type":"next","payload":{"data":{"a":1}}}"#,
        ] {
            let g = first_message(first.as_bytes()).map(|g| g.protocol);
            assert_eq!(g, Some("graphql"), "{first}");
        }
        for other in [
            r#"{"type":"ping"}"#,
            r#"{"type":"hello"}"#,
            "[1]",
            "connection_ack",
        ] {
            assert_eq!(first_message(other.as_bytes()), None, "{other}");
        }
    }

    #[test]
    fn a_graphql_close_code_after_a_graphql_offer_is_graphql() {
        let offer = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let gql = offer(&["graphql-ws"]);
        for code in [4400, 4401, 4406, 4408, 4500, 1002] {
            assert!(closed(code, &gql).is_some(), "{code}");
        }
        assert!(closed(4000, &gql).is_none());
        assert!(closed(1011, &gql).is_none());
        assert!(closed(4406, &offer(&["chat"])).is_none());
        assert!(closed(4406, &[]).is_none());
    }
}
