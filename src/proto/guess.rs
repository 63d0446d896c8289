//! Recognising an application protocol wscope speaks when it was run without `--proto`, from
//! what the server sent first, so that a hint can name the option. Pure.

/// A protocol recognised: its `--proto` name and what gave it away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guess {
    pub protocol: &'static str,
    pub evidence: &'static str,
}

/// The protocol the server's first data message belongs to, if it evidently is one.
pub fn first_message(data: &[u8]) -> Option<Guess> {
    if data.starts_with(b"0{\"sid\":") {
        return Some(Guess {
            protocol: super::socketio::messages::NAME,
            evidence: "its first message is an Engine.IO open packet (0{\"sid\":…)",
        });
    }
    None
}

/// The protocol of a refused upgrade, from the path asked for and the answer's body.
pub fn rejection(path: &str, body: &[u8]) -> Option<Guess> {
    let body = String::from_utf8_lossy(body);
    let engine_io = ["Transport unknown", "Unsupported protocol version"]
        .iter()
        .any(|m| body.contains(m));
    (engine_io && path.contains("/socket.io/")).then_some(Guess {
        protocol: super::socketio::messages::NAME,
        evidence: "its /socket.io/ path answered as Engine.IO does to a plain WebSocket client",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_engine_io_open_packet_or_refusal_is_socket_io() {
        let open = br#"0{"sid":"x","upgrades":[],"pingInterval":25000,"pingTimeout":20000}"#;
        assert_eq!(first_message(open).map(|g| g.protocol), Some("socketio"));
        assert_eq!(first_message(b"0"), None);
        assert_eq!(first_message(b"{\"sid\":1}"), None);
        let body = br#"{"code":0,"message":"Transport unknown"}"#;
        assert!(rejection("/socket.io/", body).is_some());
        assert!(rejection("/socket.io/?EIO=9", b"Unsupported protocol version").is_some());
        assert!(rejection("/api", body).is_none());
        assert!(rejection("/socket.io/", b"Not Found").is_none());
    }
}
