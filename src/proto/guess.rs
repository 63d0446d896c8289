//! Recognising an application protocol wscope speaks when it was run without `--proto`, from
//! what the server sent first, so that a hint can name the option. (A refused upgrade is
//! judged in `wire::rejection`, which reads the answer.) Pure.

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
    if is_stomp_frame(data) {
        return Some(Guess {
            protocol: super::stomp::messages::NAME,
            evidence: "its first message is a STOMP frame (a command line such as ERROR, headers, a NUL)",
        });
    }
    None
}

/// Whether `data` starts like a frame a STOMP server sends: its command, an EOL, and a NUL
/// somewhere after.
fn is_stomp_frame(data: &[u8]) -> bool {
    use super::stomp::Command;
    let server = [
        Command::Connected,
        Command::Message,
        Command::Receipt,
        Command::Error,
    ];
    server.iter().any(|c| {
        data.strip_prefix(c.as_str().as_bytes())
            .is_some_and(|rest| rest.starts_with(b"\n") || rest.starts_with(b"\r\n"))
    }) && data.contains(&0)
}

/// The protocol a subprotocol the server selected names, if wscope speaks it.
pub fn subprotocol(name: &str) -> Option<Guess> {
    super::stomp::Version::from_subprotocol(name).map(|_| Guess {
        protocol: super::stomp::messages::NAME,
        evidence: "it selected a STOMP subprotocol (v1x.stomp)",
    })
}

/// Whether the server's first message is SockJS's open frame: the URL is a SockJS session's,
/// whose messages come wrapped in SockJS frames.
pub fn sockjs(data: &[u8]) -> bool {
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
}
