//! Recognising an application protocol wscope speaks when it was run without `--proto`, from
//! what the server sent first, so that a hint can name the option. (A refused upgrade is
//! judged in `wire::rejection`, which reads the answer.) Pure.

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
    None
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
}
