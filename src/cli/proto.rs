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
    /// STOMP 1.0-1.2 (RabbitMQ, ActiveMQ, Spring's brokers); the URL is the broker's
    /// STOMP-over-WebSocket endpoint
    Stomp,
    /// JSON-RPC 2.0: calls matched to their answers by id (Ethereum and Solana nodes,
    /// rpc-websockets, language servers)
    Jsonrpc,
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

/// How a STOMP subscription's messages are acknowledged (`--ack`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StompAck {
    /// The broker counts a message acknowledged once sent
    Auto,
    /// ACK (cumulative: a message and every earlier one of its subscription)
    Client,
    /// ACK each message
    ClientIndividual,
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
    /// auth and GraphQL: the connection_init payload, e.g. '{"token":"..."}'; STOMP: more
    /// CONNECT headers, e.g. '{"Authorization":"Bearer ..."}')
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
    /// STOMP: the host CONNECT names, which brokers take as the virtual host (RabbitMQ refuses
    /// one it does not know) [default: /]
    #[arg(long, value_name = "HOST")]
    pub stomp_host: Option<String>,
    /// STOMP: SUBSCRIBE to DEST once connected (repeatable); each MESSAGE prints as one line,
    /// its body
    #[arg(long, value_name = "DEST")]
    pub subscribe: Vec<String>,
    /// STOMP: SEND each stdin line (or plain REPL line) to DEST
    #[arg(long, value_name = "DEST")]
    pub destination: Option<String>,
    /// STOMP: the ack mode of the subscriptions; with client modes wscope ACKs each message it
    /// printed and NACKs those past -n (in the REPL: /ack and /nack) [default: auto]
    #[arg(long, value_name = "MODE", value_enum)]
    pub ack: Option<StompAck>,
    /// STOMP: send a frame larger than BYTES as several WebSocket messages of at most BYTES
    /// each (suffixes K, M), as Spring's brokers take large frames
    #[arg(long, value_name = "BYTES", value_parser = crate::cli::parse_size)]
    pub stomp_split: Option<usize>,
    /// JSON-RPC: the first id wscope gives a call (then the next free ones) [default: 1]
    #[arg(long, value_name = "N")]
    pub id_start: Option<u64>,
    /// JSON-RPC: how long a call may wait for its answer before it counts as failed; 0: as
    /// long as the session lasts [default: 30]
    #[arg(long, value_name = "SECS", value_parser = crate::cli::parse_secs)]
    pub call_timeout: Option<std::time::Duration>,
}
