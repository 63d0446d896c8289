//! The options of the subcommands that are not a plain client run: `wscope replay`, `wscope
//! probe` and `wscope serve` (`wscope demo` takes the client options, `wscope curl` the words
//! of a curl command).

use super::{ClientArgs, HandshakeArgs, TlsArgs, parse_secs, parse_size};
use crate::term::ColorChoice;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

pub(super) const SERVE_AFTER_HELP: &str = "\
A --coproc program gets the request in its environment, named as websocketd and CGI name it:
REQUEST_URI, QUERY_STRING, PATH_INFO (decoded), SCRIPT_NAME (/), REQUEST_METHOD, SERVER_PROTOCOL,
SERVER_NAME and SERVER_PORT (from Host), REMOTE_ADDR, REMOTE_HOST and REMOTE_PORT (unix and empty
over a Unix socket), UNIQUE_ID, SERVER_SOFTWARE, GATEWAY_INTERFACE, and HTTP_<NAME> for every
request header but Proxy. Binary messages reach it as they are, each followed by a newline.
Ctrl-C closes every connection with 1000 and stops the programs that do not exit.";

/// `wscope replay FILE [URL]`.
#[derive(Debug, Args)]
pub(crate) struct ReplayArgs {
    /// The recording, as --record (or --jsonl) wrote it
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Connect here instead of the recorded URL
    #[arg(value_name = "URL")]
    pub url: Option<String>,

    #[command(flatten)]
    pub options: ReplayOptions,

    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Replay")]
pub(crate) struct ReplayOptions {
    /// Play the recorded timing X times as fast (0.5: half as fast)
    #[arg(long, value_name = "X", default_value = "1", value_parser = parse_speed)]
    pub speed: f64,
    /// Send each message as soon as the one before it is out
    #[arg(long, conflicts_with = "speed")]
    pub no_timing: bool,
    /// Compare the messages received with the recorded ones, in order; when they differ, print
    /// a diff and exit with status 13
    #[arg(long)]
    pub expect: bool,
}

pub(super) const PROBE_HELP: &str = "\
Verdicts: PASS the server did what the RFC asks; FAIL it broke a MUST; WARN a SHOULD or a
questionable choice; INFO a measured fact; SKIP not run (the reason is given).
Groups (--only, --skip): handshake, messages, control, close, violations, limits.
Exit status: 0 when no check FAILed, 14 when one did; the statuses of a client run when
the first upgrade fails (3 connect, 4 TLS, 5 rejected, 9 timeout, 11 proxy).

Examples:
  wscope probe ws://localhost:8080/ws
  wscope probe --only violations,close wss://example.org/socket
  wscope probe --jsonl -H 'Authorization: Bearer T' wss://api.example.org/ws | jq .";

/// `wscope probe`: the request options of a client, and what the probe does.
#[derive(Debug, Args)]
pub(crate) struct ProbeArgs {
    /// The ws:// or wss:// URL of the server to probe
    #[arg(value_name = "URL")]
    pub url: String,

    #[command(flatten)]
    pub handshake: HandshakeArgs,

    #[command(flatten)]
    pub tls: TlsArgs,

    #[command(flatten)]
    pub probe: ProbeOptions,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Probe")]
pub(crate) struct ProbeOptions {
    /// Run only the checks of these groups (repeatable or comma-separated)
    #[arg(long, value_name = "GROUP", value_enum, value_delimiter = ',')]
    pub only: Vec<ProbeGroup>,
    /// Leave out the checks of these groups (repeatable or comma-separated; the groups of
    /// --only)
    #[arg(
        long,
        value_name = "GROUP",
        value_enum,
        value_delimiter = ',',
        hide_possible_values = true
    )]
    pub skip: Vec<ProbeGroup>,
    /// Wait at most SECS for each answer the server owes (a pong, its Close, a refusal)
    #[arg(long, value_name = "SECS", default_value = "3", env = "WSCOPE_CLOSE_TIMEOUT", value_parser = parse_secs)]
    pub close_timeout: Duration,
    /// The largest message the search for the server's limit tries (suffixes K, M, G)
    #[arg(long, value_name = "BYTES", default_value = "8M", value_parser = parse_size)]
    pub max_probe_size: usize,
    /// Keep a connection idle for up to SECS to see whether and when the server closes it
    /// (off by default)
    #[arg(long, value_name = "SECS", value_parser = parse_secs)]
    pub idle_probe: Option<Duration>,
    /// Print one JSON object per check on stdout, then a summary
    #[arg(long)]
    pub jsonl: bool,
    /// When to use colours
    #[arg(long, value_name = "WHEN", value_enum, default_value = "auto", env = "WSCOPE_COLOR")]
    pub color: ColorChoice,
}

/// A group of probe checks, as `--only` and `--skip` name them (`config` maps it to the
/// probe's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProbeGroup {
    /// The upgrade: Accept, version, key, subprotocols, permessage-deflate
    Handshake,
    /// Data messages: echo detection, a fragmented message
    Messages,
    /// Ping and pong
    Control,
    /// The closing handshake
    Close,
    /// Frames the server must fail the connection on
    Violations,
    /// Largest message accepted, idle timeout
    Limits,
}

/// The options of `wscope serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on (port 0 picks a free port); beyond loopback only when told
    #[arg(short, long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: String,
    /// Listen on this Unix domain socket instead of TCP (removed again on Ctrl-C)
    #[arg(long, value_name = "PATH", conflicts_with = "listen")]
    pub unix_socket: Option<PathBuf>,
    /// Run CMD (with sh -c) for every connection, websocketd style: each message received is a
    /// line on its stdin, each line it prints is sent; the request is in CGI environment
    /// variables (REQUEST_URI, QUERY_STRING, REMOTE_ADDR, HTTP_*, ...). Its exit closes the
    /// connection with 1000, death by a signal with 1011
    #[arg(long, value_name = "CMD")]
    pub coproc: Option<String>,
    /// Send every message from one client to all clients (the sender too): a chat room for
    /// testing fan-out
    #[arg(long, conflicts_with = "coproc")]
    pub broadcast: bool,
    /// Serve at most N connections at once; more are refused with 429
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_clients: Option<u32>,
    /// Accept upgrades from web pages of ORIGIN (repeatable; '*' for any). With --coproc an
    /// upgrade carrying any other Origin is refused (403), so a web page cannot drive CMD
    #[arg(long, value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
}

/// Parses a replay speed: a factor above 0.
fn parse_speed(s: &str) -> Result<f64, String> {
    match s.trim().trim_end_matches('x').parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 1.0e6 => Ok(v),
        _ => Err(format!(
            "'{s}' is not a speed (a factor above 0, e.g. 2 or 0.5)"
        )),
    }
}
