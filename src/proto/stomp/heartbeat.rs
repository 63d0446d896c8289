//! Heart-beat negotiation. CONNECT says `heart-beat:cx,cy` (the client can send one every cx
//! ms, wants one every cy ms) and CONNECTED answers `heart-beat:sx,sy`; 0 means "cannot" or
//! "does not want". Client-to-server heart-beats go every MAX(cx, sy) ms unless either is 0;
//! server-to-client every MAX(sx, cy) ms unless either is 0. A heart-beat is an EOL.

use super::error::StompError;
use std::fmt;
use std::time::Duration;

/// What one side declares: how often it can send, how often it wants to receive (ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct HeartBeat {
    pub send: u64,
    pub receive: u64,
}

impl HeartBeat {
    /// Reads a `heart-beat` header (`10000,10000`; white space around the numbers allowed).
    pub(crate) fn parse(value: &str) -> Result<HeartBeat, StompError> {
        let bad = || StompError::BadHeartBeat(value.chars().take(40).collect());
        let (send, receive) = value.split_once(',').ok_or_else(bad)?;
        let number = |s: &str| s.trim().parse::<u64>().map_err(|_| bad());
        Ok(HeartBeat {
            send: number(send)?,
            receive: number(receive)?,
        })
    }
}

impl fmt::Display for HeartBeat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.send, self.receive)
    }
}

/// The agreed schedule: None where no heart-beats go that way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Agreed {
    /// How often the client sends a heart-beat (when it has sent nothing else).
    pub client_sends: Option<Duration>,
    /// How often the server promised to send something; the client may give up on a server
    /// silent for clearly longer.
    pub server_sends: Option<Duration>,
}

/// The schedule the client's and the server's declarations agree on. A CONNECTED frame
/// without the header declares 0,0.
pub(crate) fn negotiate(client: HeartBeat, server: HeartBeat) -> Agreed {
    let every = |can: u64, wants: u64| {
        (can != 0 && wants != 0).then(|| Duration::from_millis(can.max(wants)))
    };
    Agreed {
        client_sends: every(client.send, server.receive),
        server_sends: every(server.send, client.receive),
    }
}
