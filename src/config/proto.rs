//! `--proto` and its options validated into what the session speaks ([`ProtoConfig`]), with
//! the URL the WebSocket really goes to (Socket.IO: the Engine.IO endpoint the official
//! client derives from the URL the user gave). Options of one protocol given without it, and
//! client options that have no meaning under a protocol, are usage errors.

use super::stomp::stomp;
use crate::cli::{ClientArgs, GraphqlDialect, ProtoName};
use crate::error::Error;
use crate::proto::graphql::{self, Dialect};
use crate::proto::jsonrpc;
use crate::proto::socketio::{self, EngineVersion, Limits, SocketIoVersion};
use crate::proto::{ProtoKind, Settings};
use crate::session::ProtoConfig;
use std::time::Duration;

/// How long a JSON-RPC call waits for its answer unless `--call-timeout` says otherwise.
const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The protocol (`--proto`, else the one a recording was made with), and the URL to connect
/// to; `None` without one. `repl`: the session is the REPL (where the user acknowledges
/// STOMP messages).
pub(super) fn proto_config(
    args: &ClientArgs,
    url: &str,
    recorded: Option<ProtoName>,
    repl: bool,
) -> Result<Option<(ProtoConfig, String)>, Error> {
    let p = &args.proto;
    let name = p.proto.or(recorded);
    options_alone(args, name)?;
    let Some(name) = name else {
        return Ok(None);
    };
    refuse_raw_options(args, name)?;
    let (settings, ws_url) = match name {
        ProtoName::Socketio => socket_io(args, url)?,
        ProtoName::Stomp => (stomp(args, url, repl)?, url.to_string()),
        ProtoName::Graphql => (graphql_settings(args)?, url.to_string()),
        ProtoName::Jsonrpc => (json_rpc(args)?, url.to_string()),
    };
    let cfg = ProtoConfig {
        settings,
        url: url.to_string(),
        handshake_timeout: args.handshake.handshake_timeout,
    };
    Ok(Some((cfg, ws_url)))
}

/// The `--proto` name of a recording, as the protocol it names (`wscope replay`).
pub(super) fn recorded(name: &str) -> Result<ProtoName, Error> {
    match ProtoKind::from_name(name) {
        Some(ProtoKind::SocketIo) => Ok(ProtoName::Socketio),
        Some(ProtoKind::Stomp) => Ok(ProtoName::Stomp),
        Some(ProtoKind::Graphql) => Ok(ProtoName::Graphql),
        Some(ProtoKind::JsonRpc) => Ok(ProtoName::Jsonrpc),
        None => Err(Error::usage(format!(
            "the recording was made with --proto {name}, which this wscope does not speak"
        ))),
    }
}

fn socket_io(args: &ClientArgs, url: &str) -> Result<(Settings, String), Error> {
    let p = &args.proto;
    let (version, engine) = match p.eio {
        Some(3) => (SocketIoVersion::V4, EngineVersion::V3),
        _ => (SocketIoVersion::V5, EngineVersion::V4),
    };
    let endpoint =
        socketio::url::endpoint(url, engine, p.socketio_path.as_deref()).map_err(Error::usage)?;
    if let Some(payload) = &p.connect_payload {
        if version == SocketIoVersion::V4 {
            return Err(Error::usage(
                "Socket.IO 2 (--eio 3) has no connect payload: credentials go in the URL's query (?token=...)",
            ));
        }
        socketio::outgoing::connect(&endpoint.namespace, Some(payload))
            .map_err(|e| Error::usage(format!("--connect-payload: {e}")))?;
    }
    let settings = socketio::Settings {
        version,
        namespace: endpoint.namespace,
        auth: p.connect_payload.clone(),
        query: endpoint.query,
        limits: Limits {
            max_attachment_bytes: args.io.max_message_size,
            ..Limits::default()
        },
    };
    Ok((Settings::SocketIo(settings), endpoint.url))
}

/// `--proto jsonrpc`: ids and the call timeout; `--heartbeat-message` must be a call.
fn json_rpc(args: &ClientArgs) -> Result<Settings, Error> {
    let p = &args.proto;
    if p.connect_payload.is_some() {
        return Err(Error::usage(
            "JSON-RPC has no connect message: --connect-payload does not go with --proto jsonrpc",
        ));
    }
    if let Some(m) = &args.io.heartbeat_message {
        jsonrpc::parse_line(m).map_err(|e| {
            Error::usage(format!(
                "--heartbeat-message: {e} (under --proto jsonrpc it is a call: METHOD [PARAMS] or a request object)"
            ))
        })?;
    }
    let call_timeout = p.call_timeout.unwrap_or(DEFAULT_CALL_TIMEOUT);
    Ok(Settings::JsonRpc(jsonrpc::Settings {
        id_start: p.id_start.unwrap_or(1),
        call_timeout: (!call_timeout.is_zero()).then_some(call_timeout),
    }))
}

/// `--proto graphql`: the dialect pinned, and the `connection_init` payload checked (a JSON
/// object). The URL is the server's endpoint, as given.
fn graphql_settings(args: &ClientArgs) -> Result<Settings, Error> {
    let p = &args.proto;
    let payload = match &p.connect_payload {
        Some(text) => Some(
            graphql::client::object_payload(text)
                .map_err(|e| Error::usage(format!("--connect-payload: {e}")))?,
        ),
        None => None,
    };
    let dialect = p.graphql_dialect.map(|d| match d {
        GraphqlDialect::TransportWs => Dialect::TransportWs,
        GraphqlDialect::Legacy => Dialect::Legacy,
    });
    Ok(Settings::Graphql(graphql::Settings { dialect, payload }))
}

/// Each protocol's own options go with it only (`--eio` with `--proto socketio`...).
fn options_alone(args: &ClientArgs, name: Option<ProtoName>) -> Result<(), Error> {
    let p = &args.proto;
    let given = [
        ("--eio", p.eio.is_some(), ProtoName::Socketio),
        (
            "--socketio-path",
            p.socketio_path.is_some(),
            ProtoName::Socketio,
        ),
        ("--stomp-host", p.stomp_host.is_some(), ProtoName::Stomp),
        ("--subscribe", !p.subscribe.is_empty(), ProtoName::Stomp),
        ("--destination", p.destination.is_some(), ProtoName::Stomp),
        ("--ack", p.ack.is_some(), ProtoName::Stomp),
        ("--stomp-split", p.stomp_split.is_some(), ProtoName::Stomp),
        (
            "--graphql-dialect",
            p.graphql_dialect.is_some(),
            ProtoName::Graphql,
        ),
        ("--id-start", p.id_start.is_some(), ProtoName::Jsonrpc),
        (
            "--call-timeout",
            p.call_timeout.is_some(),
            ProtoName::Jsonrpc,
        ),
    ];
    match given.iter().find(|(_, on, of)| *on && name != Some(*of)) {
        Some((option, _, of)) => {
            let (title, proto) = match of {
                ProtoName::Socketio => ("Socket.IO", "socketio"),
                ProtoName::Stomp => ("STOMP", "stomp"),
                ProtoName::Graphql => ("GraphQL", "graphql"),
                ProtoName::Jsonrpc => ("JSON-RPC", "jsonrpc"),
            };
            Err(Error::usage(format!(
                "{option} is a {title} option: it goes with --proto {proto}"
            )))
        }
        None => Ok(()),
    }
}

/// Options about raw WebSocket messages that a protocol's input and keepalive replace.
fn refuse_raw_options(args: &ClientArgs, name: ProtoName) -> Result<(), Error> {
    let io = &args.io;
    let refused = [
        (
            "-b/--binary",
            io.binary,
            "input is the protocol's messages, in its text form",
        ),
        (
            "--reflect",
            io.reflect,
            "the protocol decides what is answered",
        ),
        (
            "--reply",
            !io.reply.is_empty(),
            "the protocol answers its own keepalive",
        ),
    ];
    if let Some((option, _, why)) = refused.iter().find(|(_, on, _)| *on) {
        let proto = match name {
            ProtoName::Socketio => "socketio",
            ProtoName::Stomp => "stomp",
            ProtoName::Graphql => "graphql",
            ProtoName::Jsonrpc => "jsonrpc",
        };
        return Err(Error::usage(format!(
            "{option} does not go with --proto {proto}: {why}"
        )));
    }
    Ok(())
}
