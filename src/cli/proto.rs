//! The options of the application protocols (`--proto`): the protocol, what all of them take
//! (`--connect-payload`), and each protocol's own.

use clap::{Args, ValueEnum};

/// The application protocols `--proto` speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtoName {
    /// Socket.IO: protocol v5 over Engine.IO 4 (Socket.IO 3 and later; v4 over Engine.IO 3
    /// with --eio 3); the URL is the one the official client takes
    Socketio,
    /// JSON-RPC 2.0: calls matched to their answers by id (Ethereum and Solana nodes,
    /// rpc-websockets, language servers)
    Jsonrpc,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Application protocols")]
pub struct ProtoArgs {
    /// Speak an application protocol over the WebSocket: wscope does its handshake and
    /// keepalive; what you type or pipe is its messages, each message received prints as one
    /// line (compact JSON), and -v and -x still show every WebSocket message and frame
    #[arg(long, value_name = "NAME", value_enum)]
    pub proto: Option<ProtoName>,
    /// The payload of the protocol's connect message, a JSON object (Socket.IO: the CONNECT's
    /// auth, e.g. '{"token":"..."}')
    #[arg(long, value_name = "JSON", requires = "proto")]
    pub connect_payload: Option<String>,
    /// Socket.IO: the Engine.IO revision, 4 (Socket.IO 3 and later) or 3 (Socket.IO 2
    /// servers) [default: 4]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(3..=4))]
    pub eio: Option<u8>,
    /// Socket.IO: the server's Engine.IO path, for servers mounted elsewhere [default:
    /// /socket.io]
    #[arg(long, value_name = "PATH")]
    pub socketio_path: Option<String>,
    /// JSON-RPC: the first id wscope gives a call (then the next free ones) [default: 1]
    #[arg(long, value_name = "N")]
    pub id_start: Option<u64>,
    /// JSON-RPC: how long a call may wait for its answer before it counts as failed; 0: as
    /// long as the session lasts [default: 30]
    #[arg(long, value_name = "SECS", value_parser = crate::cli::parse_secs)]
    pub call_timeout: Option<std::time::Duration>,
}
