//! The command line: clap definitions, the one source for `--help`, completions and the man
//! page. `config` validates what they parse into what each component takes.

mod proto;
mod subcommands;

pub(crate) use proto::{GraphqlDialect, ProtoArgs, ProtoName, StompAck};
use subcommands::{PROBE_HELP, SERVE_AFTER_HELP};
pub(crate) use subcommands::{ProbeArgs, ProbeGroup, ReplayArgs, ServeArgs};

use crate::display::decode::Decode;
use crate::error::exit_status_text;
use crate::input::framing::Framing;
use crate::render::BinaryOutput;
use crate::term::ColorChoice;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

const EXAMPLES: &str = "\
Examples:
  wscope demo                                 try wscope against a built-in echo server
  wscope wss://echo.example.org/              interactive session (REPL)
  echo '{\"op\":\"sub\"}' | wscope ws://h:8080/   send one message, print the replies
  wscope -v -u user:pw wss://h/ws </dev/null  show the handshake, then close
  wscope -x ws://localhost:9001/              show every frame header, both directions
  wscope --jsonl -e hi ws://h/ | jq .         every event as JSON
  wscope probe ws://localhost:9001/           an RFC 6455/7692 report card of the server
  wscope --filter 'select(.type == \"trade\") | .px' wss://h/feed
                                              only the prices of trades
  wscope curl 'wss://h/ws' -H 'Cookie: s=1'   the request a browser copied as cURL
  wscope --proto socketio http://h:3000/chat  speak Socket.IO to the /chat namespace
  wscope --coproc ./bot.sh ws://h/            a program on this end: its lines out, messages in
  wscope serve --coproc ./handler.sh          a program per connection on the server end";

fn after_help() -> String {
    format!("{EXAMPLES}\n\nExit status:\n{}", exit_status_text())
}

fn after_long_help() -> String {
    format!(
        "{EXAMPLES}\n\n\
Modes:
  With stdin and stdout on a terminal, wscope opens a REPL (see /help inside it). Otherwise it
  runs in pipe mode: every stdin line is one message, every received message one stdout line.
  The end of input does not end the conversation: wscope keeps printing until no message has
  arrived for --idle (1 s), --wait passes, -n messages have arrived, the server closes, or
  stdout closes; then it closes with 1000 and still prints what arrives before the server's
  Close, so nothing the server sent is lost.

Exit status:\n{}",
        exit_status_text()
    )
}

/// A command-line WebSocket client and debugger.
#[derive(Debug, Parser)]
#[command(
    name = "wscope",
    version,
    about = "A command-line WebSocket client and debugger: REPL, lossless pipe mode, handshake and frame inspector",
    long_about = "wscope connects to ws:// and wss:// URLs. Interactively it is a REPL that sends text, \
binary, ping, pong and close frames and prints what arrives without clobbering the line being typed. \
In a pipe every stdin line becomes one message and every received message one stdout line, and \
nothing is lost at the end of input. For debugging it shows the handshake verbatim and, with -x, \
every frame header on the wire in both directions.",
    after_help = after_help(),
    after_long_help = after_long_help(),
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    max_term_width = 100
)]
pub(crate) struct Cli {
    /// The ws:// or wss:// URL to connect to
    #[arg(value_name = "URL", required_unless_present_any = ["generate", "from_curl"])]
    pub url: Option<String>,

    #[command(flatten)]
    pub client: ClientArgs,

    /// Write shell completions or the man page to stdout (bash, zsh, fish, powershell, elvish,
    /// man), or `all` to write them into ./completions and ./man
    #[arg(long, value_name = "KIND", hide = true)]
    pub generate: Option<String>,

    #[command(subcommand)]
    pub command: Option<Sub>,
}

// A subcommand's options are built only when it is the one given: a client run does not build
// them all at every start. Their structs carry plain comments, not doc comments: clap would take
// a doc comment there, applied once the options are built, for the subcommand's description.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub(crate) enum Sub {
    /// Run a local server: an echo server (text and binary echoed, pings answered, close
    /// handshake done), a chat room (--broadcast), or a program per connection (--coproc)
    #[command(after_help = SERVE_AFTER_HELP)]
    Serve(ServeArgs),
    /// Start an echo server on a free loopback port and connect to it; takes the client
    /// options, as in: wscope demo -x
    Demo(Box<ClientArgs>),
    /// Send a recording (--record FILE) again: its messages at their recorded moments, to the
    /// recorded URL or another; with --expect, compare what comes back; takes the client options
    Replay(Box<ReplayArgs>),
    /// Check a server against RFC 6455 and RFC 7692: a report card of PASS, FAIL, WARN, INFO
    /// and SKIP, one line per check with its RFC section and what the server did
    #[command(after_help = PROBE_HELP, after_long_help = PROBE_HELP)]
    Probe(Box<ProbeArgs>),
    /// Open the WebSocket a copied curl command describes: paste a browser's "Copy as cURL"
    /// after `wscope` (URL, -H headers, -b cookies, --compressed, -k; http(s):// becomes
    /// ws(s)://); what was kept and dropped is said on stderr. For wscope's own options use
    /// --from-curl 'curl ...' instead
    Curl {
        /// The words of the curl command, as the shell split them (`curl` itself left out)
        #[arg(
            value_name = "CURL ARGS",
            num_args = 1..,
            trailing_var_arg = true,
            allow_hyphen_values = true,
            required = true
        )]
        words: Vec<String>,
    },
}

// The options of a client session, at the top level and for `wscope demo`.
#[derive(Debug, Args)]
pub(crate) struct ClientArgs {
    #[command(flatten)]
    pub handshake: HandshakeArgs,

    #[command(flatten)]
    pub tls: TlsArgs,

    #[command(flatten)]
    pub io: IoArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub display: DisplayArgs,

    #[command(flatten)]
    pub proto: ProtoArgs,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Handshake")]
pub(crate) struct HandshakeArgs {
    /// Add a request header (repeatable); replaces a default header of the same name
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Offer a subprotocol (repeatable, in order of preference)
    #[arg(short = 's', long = "subprotocol", value_name = "NAME")]
    pub subprotocols: Vec<String>,
    /// Origin header to send
    #[arg(long, value_name = "ORIGIN", env = "WSCOPE_ORIGIN")]
    pub origin: Option<String>,
    /// Basic authentication (overrides user:pass@ in the URL)
    #[arg(short = 'u', long = "user", visible_alias = "auth", value_name = "USER:PASS")]
    pub user: Option<String>,
    /// User-Agent header [default: wscope/VERSION]
    #[arg(short = 'A', long = "user-agent", value_name = "NAME", env = "WSCOPE_USER_AGENT")]
    pub user_agent: Option<String>,
    /// Give up connecting (DNS and TCP) after SECS
    #[arg(long, value_name = "SECS", default_value = "10", env = "WSCOPE_CONNECT_TIMEOUT", value_parser = parse_secs)]
    pub connect_timeout: Duration,
    /// Give up on TLS and the HTTP upgrade after SECS
    #[arg(long, value_name = "SECS", default_value = "10", env = "WSCOPE_HANDSHAKE_TIMEOUT", value_parser = parse_secs)]
    pub handshake_timeout: Duration,
    /// Show credentials instead of masking them (Authorization, Proxy-Authorization and Cookie
    /// values, URL passwords), on the screen, in --jsonl and in --record files
    #[arg(long)]
    pub show_credentials: bool,
    /// Go through this proxy: http://[user:pass@]host:port, socks5://..., socks5h://...
    /// (default: the environment, as curl reads it; "" for none)
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Hosts that bypass the proxy: comma-separated names (with their subdomains), IPs, or *
    #[arg(long, value_name = "LIST")]
    pub noproxy: Option<String>,
    /// Follow HTTP redirects (301, 302, 303, 307, 308) of the upgrade request
    #[arg(short = 'L', long = "location")]
    pub location: bool,
    /// Do not offer permessage-deflate (compression), which wscope offers by default as
    /// browsers do
    #[arg(long, env = "WSCOPE_NO_DEFLATE")]
    pub no_deflate: bool,
    /// [breaks RFC] Compress what wscope sends with a window of N bits (8-15), whatever was
    /// agreed: for testing how a server copes
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(8..=15))]
    pub deflate_window_bits: Option<u8>,
    /// How many redirects -L follows at most
    #[arg(long = "max-redirs", value_name = "N", default_value = "10")]
    pub max_redirs: u32,
    /// Connect through this Unix domain socket instead of TCP; the URL still gives the Host
    /// header and the path
    #[arg(long, value_name = "PATH", conflicts_with_all = ["proxy", "noproxy"])]
    pub unix_socket: Option<PathBuf>,
    /// Send these cookies ('name=value; other=value'), after those of --from-curl
    #[arg(long, value_name = "COOKIES")]
    pub cookie: Vec<String>,
    /// Open the WebSocket of a copied curl command (a browser's "Copy as cURL"): its URL,
    /// headers, cookies; wscope's own options given beside it win. Says on stderr what it kept
    /// and dropped
    #[arg(long, value_name = "'curl ...'")]
    pub from_curl: Option<String>,
    /// With --from-curl or `wscope curl`: send the copied Sec-WebSocket-Extensions header
    /// instead of wscope's own permessage-deflate offer
    #[arg(long, env = "WSCOPE_KEEP_EXTENSIONS")]
    pub keep_extensions: bool,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "TLS")]
pub(crate) struct TlsArgs {
    /// Trust the CA certificate(s) in this PEM file (in addition to the system roots)
    #[arg(long, value_name = "FILE", env = "WSCOPE_CACERT")]
    pub cacert: Option<PathBuf>,
    /// Client certificate (PEM); needs --key
    #[arg(long, value_name = "FILE", env = "WSCOPE_CERT")]
    pub cert: Option<PathBuf>,
    /// Private key of the client certificate (PEM, PKCS#8)
    #[arg(long, value_name = "FILE", env = "WSCOPE_KEY")]
    pub key: Option<PathBuf>,
    /// Do not verify the server's certificate or host name (prints a warning)
    #[arg(short = 'k', long)]
    pub insecure: bool,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Sending and receiving")]
pub(crate) struct IoArgs {
    /// Send each stdin line as a binary message instead of text
    #[arg(short = 'b', long)]
    pub binary: bool,
    /// Run CMD (with sh -c) once connected, in place of stdin and stdout: each line it prints is
    /// sent, each message received is a line on its stdin (-b, -0, --input, --binary-output
    /// apply); when it exits wscope closes (1000; 1011 if a signal killed it), when the
    /// connection ends its stdin is closed and it gets --close-timeout to exit. Its stderr is
    /// wscope's
    #[arg(long, value_name = "CMD", conflicts_with_all = ["execute", "reflect", "jsonl"])]
    pub coproc: Option<String>,
    /// How stdin is cut into messages: a line each, a NUL-terminated record each (as -0), all
    /// of it as one message, or a JSON value each (sent compact) [default: lines]
    #[arg(long, value_name = "HOW", value_enum)]
    pub input: Option<Framing>,
    /// Send MSG instead of reading stdin (repeatable)
    #[arg(short = 'e', long = "execute", value_name = "MSG")]
    pub execute: Vec<String>,
    /// Print exactly N received messages, then close; wait for them however long the gaps
    /// (bounded by --wait); fewer than N exits with status 12
    #[arg(short = 'n', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    /// After input ends, keep receiving for SECS, then close (replaces the idle window unless
    /// --idle is given too)
    #[arg(short = 'w', long, value_name = "SECS", value_parser = parse_secs)]
    pub wait: Option<Duration>,
    /// After input ends, close once no message has arrived for SECS (each message restarts the
    /// window; 0 closes at once) [default: 1]
    #[arg(long, value_name = "SECS", env = "WSCOPE_IDLE", value_parser = parse_secs)]
    pub idle: Option<Duration>,
    /// Echo every received data message back unchanged until the peer closes
    #[arg(long, conflicts_with_all = ["execute", "binary"])]
    pub reflect: bool,
    /// Send every message as N fragments (a TEXT or BINARY frame, then CONT frames)
    #[arg(long, value_name = "N", default_value = "1", value_parser = clap::value_parser!(u16).range(1..))]
    pub fragment: u16,
    /// After an abnormal closure or a failed connect, connect again (exponential backoff with
    /// jitter); unsent input is sent on the new connection
    #[arg(long)]
    pub reconnect: bool,
    /// Give up after N reconnect attempts in a row (default: no limit)
    #[arg(long, value_name = "N", requires = "reconnect")]
    pub reconnect_max: Option<u32>,
    /// Send MSG first on every connection, before any input (repeatable)
    #[arg(long, value_name = "MSG")]
    pub init: Vec<String>,
    /// Send each line of FILE first on every connection, after the --init messages
    #[arg(long, value_name = "FILE")]
    pub init_file: Option<PathBuf>,
    /// After sending Close, wait at most SECS for the peer's Close
    #[arg(long, value_name = "SECS", default_value = "3", env = "WSCOPE_CLOSE_TIMEOUT", value_parser = parse_secs)]
    pub close_timeout: Duration,
    /// Send MSG as a text message every SECS, for APIs that want an application-level keepalive
    /// (needs --heartbeat-message). Under --proto stomp: the STOMP heart-beats, every SECS both
    /// ways as CONNECT offers them (default 10; 0: none)
    #[arg(long, value_name = "SECS", value_parser = parse_secs)]
    pub heartbeat: Option<Duration>,
    /// The message --heartbeat sends, e.g. '{"op":"ping"}'
    #[arg(long, value_name = "MSG", requires = "heartbeat")]
    pub heartbeat_message: Option<String>,
    /// Answer a received message that matches MATCH with RESPONSE (repeatable; rate-limited).
    /// MATCH is the whole text; 'jq:FILTER' a jq filter; 'text:TEXT' the whole text whatever it
    /// starts with (a bare MATCH starting with '.' or 'select(' is jq); '\=>' is '=>' in MATCH
    #[arg(long, value_name = "MATCH=>RESPONSE")]
    pub reply: Vec<String>,
    /// Send a ping every SECS and track the round-trip time
    #[arg(long, value_name = "SECS", env = "WSCOPE_PING_INTERVAL", value_parser = parse_secs)]
    pub ping_interval: Option<Duration>,
    /// Declare the peer dead when a ping has no pong after SECS (needs --ping-interval)
    #[arg(long, value_name = "SECS", env = "WSCOPE_PING_TIMEOUT", value_parser = parse_secs, requires = "ping_interval")]
    pub ping_timeout: Option<Duration>,
    /// Largest message accepted from the peer (suffixes K, M, G); larger ones close with 1009
    #[arg(long, value_name = "BYTES", default_value = "64M", env = "WSCOPE_MAX_MESSAGE_SIZE", value_parser = parse_size)]
    pub max_message_size: usize,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub(crate) struct OutputArgs {
    /// Show the handshake and control frames on stderr in pipe mode (always shown in the REPL)
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Print one line per frame on the wire, both directions (FIN, RSV, opcode, mask key, length)
    #[arg(short = 'x', long)]
    pub frames: bool,
    /// With --frames, also hex-dump each frame's header bytes and first payload bytes
    #[arg(short = 'X', long)]
    pub hexdump: bool,
    /// How many payload bytes --hexdump shows per frame
    #[arg(long, value_name = "N", default_value = "64", env = "WSCOPE_DUMP_BYTES")]
    pub dump_bytes: usize,
    /// Hex-dump the handshake bytes too
    #[arg(long)]
    pub dump_handshake: bool,
    /// Print every event as one JSON object per line on stdout
    #[arg(long)]
    pub jsonl: bool,
    /// Also write every event as JSON Lines (the --jsonl schema) into FILE, in any mode, the
    /// REPL included; `wscope replay FILE` sends it again
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// How received binary messages are written to stdout in pipe mode: raw bytes, hex or
    /// base64, each followed by the separator
    #[arg(
        long,
        value_name = "HOW",
        value_enum,
        default_value = "raw",
        env = "WSCOPE_BINARY_OUTPUT"
    )]
    pub binary_output: BinaryOutput,
    /// Separate messages with NUL instead of newline, on stdout and (unless --input says
    /// otherwise) on stdin: for messages that contain newlines
    #[arg(short = '0', long = "null")]
    pub null: bool,
    /// At the end, print how long DNS, proxy, connect, TLS, the upgrade and the first message took
    #[arg(long)]
    pub timing: bool,
    /// Prefix printed events with the time
    #[arg(short = 't', long, env = "WSCOPE_TIMESTAMPS")]
    pub timestamps: bool,
    /// When to use colours
    #[arg(long, value_name = "WHEN", value_enum, default_value = "auto", env = "WSCOPE_COLOR")]
    pub color: ColorChoice,
    /// Do not read or write the REPL history file
    #[arg(long, env = "WSCOPE_NO_HISTORY")]
    pub no_history: bool,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Showing messages")]
pub(crate) struct DisplayArgs {
    /// Indent received JSON (two spaces, as jq does), on a pipe too; on a terminal JSON is
    /// shown highlighted, compact without this (REPL: /pretty on|off)
    #[arg(long)]
    pub pretty: bool,
    /// Apply a jq expression to every received JSON message and print each result as compact
    /// JSON instead of the message; messages that are not JSON pass through (REPL: /filter)
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// Print string results of --filter without quotes, as jq -r does
    #[arg(short = 'r', long)]
    pub raw_output: bool,
    /// With --filter, drop messages that are not JSON instead of passing them through
    #[arg(long)]
    pub filter_strict: bool,
    /// Inflate binary messages compressed by the application (gzip, zlib, raw deflate; auto
    /// recognises gzip and zlib headers) before they are shown or filtered; decoded size
    /// bounded by --max-message-size
    #[arg(long, value_name = "HOW", value_parser = decode_parser())]
    pub decode: Option<Decode>,
}

fn decode_parser() -> impl TypedValueParser<Value = Decode> {
    PossibleValuesParser::new(Decode::NAMES).try_map(|s| s.parse::<Decode>())
}

/// Parses seconds (fractions allowed).
pub(crate) fn parse_secs(s: &str) -> Result<Duration, String> {
    let v: f64 = s
        .trim()
        .trim_end_matches('s')
        .parse()
        .map_err(|_| format!("'{s}' is not a number of seconds"))?;
    if !(0.0..=1.0e7).contains(&v) || v.is_nan() {
        return Err(format!("'{s}' is out of range (0 to 10000000 seconds)"));
    }
    Ok(Duration::from_secs_f64(v))
}

/// Parses a byte size with an optional K/M/G suffix (powers of 1024).
pub(crate) fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 1usize << 10),
        Some((i, 'm' | 'M')) => (&t[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&t[..i], 1 << 30),
        _ => (t, 1),
    };
    let n: usize = num
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a size (e.g. 65536, 64K, 16M, 1G)"))?;
    n.checked_mul(mult)
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("'{s}' is out of range"))
}

impl Cli {
    /// The client options that apply: `wscope demo`'s, or the top level's.
    pub(crate) fn client_args(&self) -> &ClientArgs {
        match &self.command {
            Some(Sub::Demo(args)) => args,
            Some(Sub::Replay(args)) => &args.client,
            _ => &self.client,
        }
    }

    /// `--color` as given where it applies (`wscope probe` has its own).
    pub(crate) fn color(&self) -> ColorChoice {
        match &self.command {
            Some(Sub::Probe(p)) => p.probe.color,
            _ => self.client_args().output.color,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations_and_sizes() {
        assert_eq!(parse_secs("1.5").expect("ok"), Duration::from_millis(1500));
        assert_eq!(parse_secs("2s").expect("ok"), Duration::from_secs(2));
        assert!(parse_secs("-1").is_err());
        assert!(parse_secs("x").is_err());
        assert_eq!(parse_size("64K").expect("ok"), 65536);
        assert_eq!(parse_size("16M").expect("ok"), 16 << 20);
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
    }
}
