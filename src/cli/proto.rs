//! The options of the application protocols (`--proto`): the protocol, what all of them take
//! (`--connect-payload`), and each protocol's own.

use clap::{Args, ValueEnum};

/// The application protocols `--proto` speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProtoName {
    /// Socket.IO: protocol v5 over Engine.IO 4 (Socket.IO 3 and later; v4 over Engine.IO 3
    /// with --eio 3); the URL is the one the official client takes
    Socketio,
    /// GraphQL over WebSocket, both dialects: graphql-transport-ws (the graphql-ws library)
    /// and the legacy graphql-ws (Apollo's subscriptions-transport-ws), the one the server
    /// selects
    Graphql,
}

/// The GraphQL over WebSocket dialects (`--graphql-dialect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum GraphqlDialect {
    /// graphql-transport-ws, the graphql-ws library's protocol
    #[value(name = "transport-ws", alias = "graphql-transport-ws")]
    TransportWs,
    /// The legacy graphql-ws subprotocol (subscriptions-transport-ws)
    #[value(alias = "graphql-ws")]
    Legacy,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Application protocols")]
pub(crate) struct ProtoArgs {
    /// Speak an application protocol over the WebSocket: wscope does its handshake and
    /// keepalive; what you type or pipe is its messages, each message received prints as one
    /// line (compact JSON), and -v and -x still show every WebSocket message and frame
    #[arg(long, value_name = "NAME", value_enum)]
    pub proto: Option<ProtoName>,
    /// The payload of the protocol's connect message, a JSON object (Socket.IO: the CONNECT's
    /// auth; GraphQL: the connection_init payload; e.g. '{"token":"..."}')
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
    /// GraphQL: speak this dialect only (its subprotocol alone is offered) [default: the one
    /// the server selects from graphql-transport-ws, graphql-ws; after a 1002 from a server
    /// that selected the first, graphql-ws alone is offered on a second connection]
    #[arg(long, value_name = "DIALECT", value_enum)]
    pub graphql_dialect: Option<GraphqlDialect>,
}
