//! Shell completions and the man page, generated from the clap definitions in `cli.rs`, so
//! they cannot disagree with `--help`. Output is deterministic (no dates).

use crate::cli::Cli;
use crate::error::{EXIT_STATUS_TABLE, Error};
use crate::input::command::{COMMANDS, protocol_tables};
use clap::CommandFactory;
use clap_complete::Shell;

/// The completion kinds and their file names under `completions/`.
pub(crate) const COMPLETIONS: &[(&str, &str)] = &[
    ("bash", "wscope.bash"),
    ("zsh", "_wscope"),
    ("fish", "wscope.fish"),
    ("powershell", "_wscope.ps1"),
    ("elvish", "wscope.elv"),
];

/// Every generated file as (path relative to the project root, contents).
pub fn all() -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut files = Vec::new();
    for (shell, name) in COMPLETIONS {
        files.push((format!("completions/{name}"), render(shell)?));
    }
    files.push(("man/wscope.1".to_string(), render("man")?));
    Ok(files)
}

/// Writes every generated file under `root` (the `--generate all` command).
pub(crate) fn write_all(root: &std::path::Path) -> Result<(), Error> {
    for (path, bytes) in all()? {
        let p = root.join(&path);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::new(crate::error::Kind::Other, format!("{}: {e}", dir.display()))
            })?;
        }
        std::fs::write(&p, bytes)
            .map_err(|e| Error::new(crate::error::Kind::Other, format!("{}: {e}", p.display())))?;
        crate::render::stderr_line(&format!("wrote {path}"));
    }
    Ok(())
}

/// Renders one artefact: a shell name or `man`.
pub(crate) fn render(kind: &str) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    if kind == "man" {
        man_page(&mut out).map_err(|e| Error::new(crate::error::Kind::Other, e.to_string()))?;
        return Ok(out);
    }
    let shell: Shell = kind.parse().map_err(|_| {
        Error::usage(format!(
            "--generate takes bash, zsh, fish, powershell, elvish or man, not '{kind}'"
        ))
    })?;
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "wscope", &mut out);
    Ok(out)
}

fn section(title: &str, body: &str) -> String {
    format!(".SH {title}\n{body}\n")
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\e").replace('-', "\\-")
}

fn man_page(out: &mut Vec<u8>) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(Cli::command());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    out.extend_from_slice(section("DESCRIPTION", DESCRIPTION).as_bytes());
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    out.extend_from_slice(section("REPL COMMANDS", &repl_commands()).as_bytes());
    out.extend_from_slice(section("PIPE MODE", PIPE_MODE).as_bytes());
    out.extend_from_slice(section("PROBE", PROBE).as_bytes());
    out.extend_from_slice(section("BRIDGES", BRIDGES).as_bytes());
    out.extend_from_slice(section("EXIT STATUS", exit_status().trim_end()).as_bytes());
    out.extend_from_slice(section("ENVIRONMENT", environment().trim_end()).as_bytes());
    out.extend_from_slice(section("FILES", FILES).as_bytes());
    out.extend_from_slice(section("EXAMPLES", EXAMPLES).as_bytes());
    out.extend_from_slice(
        section("SEE ALSO", "\\fBcurl\\fR(1), \\fBwebsocat\\fR(1), RFC 6455").as_bytes(),
    );
    man.render_version_section(out)?;
    Ok(())
}

const DESCRIPTION: &str = "\
wscope is a WebSocket client for the command line with three uses.
.PP
\\fBTesting endpoints by hand.\\fR With stdin and stdout on a terminal, wscope opens a REPL: \
line editing, persistent history, tab completion of commands. Plain lines are sent as text \
messages; slash commands send binary, ping, pong and close frames. Incoming messages are printed \
above the prompt without disturbing the line being typed.
.PP
\\fBScripting.\\fR When stdin is not a terminal, every stdin line (LF or CRLF stripped) is sent \
as one text message (binary with \\fB\\-b\\fR), and every received message is written to \
stdout followed by a newline, byte for byte (binary raw, or with \\fB\\-\\-binary\\-output\\fR as \
hex or base64; as a hex dump on a terminal). Lines read before the connection opens are queued; \
lines of any length are sent whole.
.PP
\\fBDebugging handshakes and frames.\\fR With \\fB\\-v\\fR (always in the REPL) the upgrade request \
and response are shown verbatim with timings. A rejected upgrade shows status, headers and body. \
With \\fB\\-x\\fR every frame header on the wire is shown, both directions, including automatic \
pongs and close replies; \\fB\\-X\\fR adds hex dumps. \\fB\\-\\-jsonl\\fR prints every event as JSON.";

const PIPE_MODE: &str = "\
Every stdin line (or NUL\\-terminated message with \\fB\\-0\\fR) is sent as one message; every \
received message is written to stdout followed by a newline (or NUL), byte for byte. The end of \
input does not end the conversation: wscope keeps printing until no message has arrived for \
\\fB\\-\\-idle\\fR seconds (default 1; each message restarts the window; 0 closes at once), \
\\fB\\-w\\fR seconds have passed, \\fB\\-n\\fR messages have arrived (exactly that many are \
printed; fewer is status 12), the server closes, or stdout closes. Then it sends Close 1000 and \
keeps reading and printing until the server's Close arrives or \\fB\\-\\-close\\-timeout\\fR \
passes. Every message the server sent before its Close is on stdout. A closed stdout (for example \
\\fB| head \\-1\\fR) ends the session quietly with status 0. Ctrl\\-C, in any phase, ends the run \
with 130: connecting and the \\fB\\-\\-reconnect\\fR wait stop at once, a session sends Close 1000 and gives \
the peer a quarter of a second to answer; a second Ctrl\\-C ends the run at once.
.PP
Received messages stay byte\\-exact unless asked otherwise: \\fB\\-\\-pretty\\fR indents JSON, \
\\fB\\-\\-filter\\fR \\fIEXPR\\fR prints what a jq expression makes of each JSON message (compact \
JSON, strings unquoted with \\fB\\-r\\fR; messages that are not JSON pass through unless \
\\fB\\-\\-filter\\-strict\\fR), and \\fB\\-\\-decode\\fR inflates gzip, zlib or deflate inside binary \
messages. On a terminal JSON is shown highlighted. A filter that does not compile is a usage \
error that points at the mistake; one that fails on a message prints a warning and the session \
goes on.";

const PROBE: &str = "\
\\fBwscope probe\\fR [\\fIOPTIONS\\fR] \\fIURL\\fR checks a server against RFC 6455 and RFC 7692. \
It opens a series of short connections (the handshake, TLS and proxy options apply to each), \
sends on each what one rule is about, often breaking it on purpose (unmasked frames, reserved \
opcodes and bits, fragmented or oversized control frames, invalid UTF\\-8, invalid close codes), \
and prints a report card on stdout: one line per check with its verdict, its RFC section and \
what the server did (status, close code, timing).
.PP
\\fBPASS\\fR: the server did what the RFC asks. \\fBFAIL\\fR: it broke a MUST. \\fBWARN\\fR: a \
SHOULD broken, or a questionable choice. \\fBINFO\\fR: a measured fact (echo, round trip, largest \
message accepted). \\fBSKIP\\fR: not run, with the reason. Checks that need an echo endpoint \
find out whether the server is one and say so when it is not.
.PP
\\fB\\-\\-only\\fR and \\fB\\-\\-skip\\fR take groups: handshake, messages, control, close, \
violations, limits. Each answer the server owes is waited for at most \\fB\\-\\-close\\-timeout\\fR \
(default 3 s); connecting and upgrading are bounded by \\fB\\-\\-connect\\-timeout\\fR and \
\\fB\\-\\-handshake\\-timeout\\fR. \\fB\\-\\-max\\-probe\\-size\\fR BYTES (default 8M) bounds the \
search for the largest message; \\fB\\-\\-idle\\-probe\\fR SECS keeps a connection idle that long \
to see whether the server closes it (off by default). \\fB\\-\\-jsonl\\fR prints a \\fBprobe\\fR \
object per check and a \\fBprobe_summary\\fR. The exit status is 0 when no check FAILed and 14 \
when one did; when the first upgrade fails, the status of a client run (3, 4, 5, 9, 11).";

const BRIDGES: &str = "\
\\fB\\-\\-coproc\\fR \\fICMD\\fR runs \\fICMD\\fR (through \\fBsh \\-c\\fR) once the connection is open, \
in place of stdin and stdout: each line it prints is sent, each message received is written to \
its stdin followed by the separator (\\fB\\-b\\fR, \\fB\\-0\\fR, \\fB\\-\\-input\\fR and \\fB\\-\\-binary\\-output\\fR \
apply); its stderr is wscope's. When it exits, wscope closes with 1000 (1011 when a signal killed \
it). When the connection ends first, its stdin is closed and it gets \\fB\\-\\-close\\-timeout\\fR \
to exit before it is stopped (SIGTERM, then SIGKILL, with everything it started). A program that \
fails (status 13) decides the exit status unless the connection failed first.
.PP
\\fBwscope serve \\-\\-coproc\\fR \\fICMD\\fR runs \\fICMD\\fR for every connection, websocketd style, \
with the request in CGI variables (see \\fBwscope serve \\-\\-help\\fR); it refuses an upgrade \
carrying an Origin that \\fB\\-\\-allow\\-origin\\fR does not name, so a web page cannot drive the \
program. \\fB\\-\\-broadcast\\fR sends every message to all clients; \\fB\\-\\-max\\-clients\\fR \
bounds the connections (429 beyond). \\fBwscope serve\\fR listens on loopback unless told \
otherwise, and warns when it listens beyond.
.PP
\\fB\\-\\-unix\\-socket\\fR \\fIPATH\\fR connects through a Unix domain socket (the URL still gives the \
Host header and the path); \\fBwscope serve \\-\\-unix\\-socket\\fR \\fIPATH\\fR listens on one.
.PP
\\fBwscope curl\\fR \\fIARGS\\fR (a browser's \\(lqCopy as cURL\\(rq pasted after \\fBwscope\\fR) and \
\\fB\\-\\-from\\-curl\\fR \\fI'curl ...'\\fR open the WebSocket the copied request describes: its URL \
(http and https become ws and wss), headers, cookies, \\fB\\-k\\fR; the upgrade headers the \
browser generated are dropped (\\fB\\-\\-keep\\-extensions\\fR keeps its \
Sec\\-WebSocket\\-Extensions), and stderr says what was kept and dropped. wscope's own options \
given with \\fB\\-\\-from\\-curl\\fR win over the copy's.";

const FILES: &str = "\
.TP\n\\fI$XDG_STATE_HOME/wscope/history\\fR\nREPL history (fallback \
\\fI~/.local/state/wscope/history\\fR), mode 0600. Lines starting with a space are not saved; \
\\fB\\-\\-no\\-history\\fR turns it off.";

const EXAMPLES: &str = "\
.TP\n\\fBwscope demo\\fR\nTry wscope against a built\\-in echo server.
.TP\n\\fBwscope wss://echo.example.org/\\fR\nInteractive session.
.TP\n\\fBprintf 'a\\\\nb\\\\n' | wscope ws://localhost:8080/\\fR\nSend two messages, print the replies, close cleanly.
.TP\n\\fBwscope \\-v \\-H 'Authorization: Bearer T' wss://api.example.org/ws < /dev/null\\fR\nShow the handshake.
.TP\n\\fBwscope \\-x ws://localhost:9001/\\fR\nShow every frame header in both directions.
.TP\n\\fBwscope probe ws://localhost:9001/\\fR\nAn RFC 6455 / 7692 report card of the server.
.TP\n\\fBwscope \\-\\-filter 'select(.type == \"trade\") | .px' wss://example.org/feed\\fR\nOnly the prices of trades.
.TP\n\\fBwscope \\-\\-decode auto \\-\\-pretty wss://example.org/market\\fR\nInflate compressed messages and show their JSON indented.

.TP\n\\fBwscope \\-\\-coproc ./bot.sh wss://chat.example.org/\\fR\nA program on this end: its lines are sent, what arrives is its input.
.TP\n\\fBwscope serve \\-l 127.0.0.1:8080 \\-\\-coproc ./handler.sh\\fR\nA program per connection, websocketd style.
.TP\n\\fBwscope \\-\\-unix\\-socket /run/app.sock ws://localhost/events\\fR\nConnect through a Unix socket.
.TP\n\\fBwscope curl 'wss://app.example.org/ws' \\-H 'Cookie: s=1' \\-\\-compressed\\fR\nThe request a browser copied as cURL.
.TP\n\\fBwscope \\-\\-proto socketio \\-\\-connect\\-payload '{\"token\":\"T\"}' https://chat.example.org/admin\\fR\nSpeak Socket.IO to the /admin namespace, with an auth payload.";

/// The REPL's commands, from their one table.
fn repl_commands() -> String {
    let mut repl = String::from("Inside the REPL:\n");
    for c in COMMANDS {
        let usage = format!("{} {}", c.name, c.args);
        repl.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}. Example: \\fB{}\\fR\n",
            escape(usage.trim_end()),
            escape(c.help),
            escape(c.example)
        ));
    }
    for (name, input_help, commands) in protocol_tables() {
        repl.push_str(&format!(
            ".PP\nWith \\fB\\-\\-proto {name}\\fR, {}; and:\n",
            escape(input_help)
        ));
        for c in commands {
            let usage = format!("{} {}", c.name, c.args);
            repl.push_str(&format!(
                ".TP\n\\fB{}\\fR\n{}. Example: \\fB{}\\fR\n",
                escape(usage.trim_end()),
                escape(c.help),
                escape(c.example)
            ));
        }
    }
    repl.push_str(
        ".PP\nA line starting with \\fB//\\fR sends the text starting with \\fB/\\fR. \
Ctrl\\-D sends Close 1000 and exits after the close handshake. Ctrl\\-C clears the line; a second \
Ctrl\\-C in a row closes and exits with status 130.",
    );
    repl
}

fn exit_status() -> String {
    let mut exit = String::new();
    for (code, what) in EXIT_STATUS_TABLE {
        exit.push_str(&format!(".TP\n\\fB{code}\\fR\n{}\n", escape(what)));
    }
    exit
}

/// The variables wscope reads, and the `WSCOPE_*` defaults of the options.
fn environment() -> String {
    let mut env = String::from(
        ".TP\n\\fBNO_COLOR\\fR\nWhen set and not empty, no colours (unless \\fB\\-\\-color always\\fR).\n\
.TP\n\\fBTERM\\fR\nWhen \\fBdumb\\fR, no colours in auto mode.\n\
.TP\n\\fBXDG_STATE_HOME\\fR, \\fBHOME\\fR\nWhere the REPL history is kept (see FILES).\n\
.TP\n\\fBwss_proxy\\fR, \\fBhttps_proxy\\fR, \\fBHTTPS_PROXY\\fR\nProxy for wss:// URLs (first set wins).\n\
.TP\n\\fBws_proxy\\fR, \\fBhttp_proxy\\fR\nProxy for ws:// URLs (lower-case http_proxy only, as curl).\n\
.TP\n\\fBall_proxy\\fR, \\fBALL_PROXY\\fR\nProxy when no scheme-specific one is set.\n\
.TP\n\\fBno_proxy\\fR, \\fBNO_PROXY\\fR\nHosts that bypass the proxy: names (with subdomains), IPs, or *.\n",
    );
    // `demo` takes the client options too: each variable once.
    let mut seen = std::collections::HashSet::new();
    for arg in Cli::command().get_arguments().chain(
        Cli::command()
            .get_subcommands()
            .flat_map(|s| s.get_arguments().cloned().collect::<Vec<_>>())
            .collect::<Vec<_>>()
            .iter(),
    ) {
        if let (Some(var), Some(long)) = (arg.get_env(), arg.get_long()) {
            if !seen.insert(var.to_owned()) {
                continue;
            }
            env.push_str(&format!(
                ".TP\n\\fB{}\\fR\nDefault for \\fB\\-\\-{}\\fR.\n",
                escape(&var.to_string_lossy()),
                escape(long)
            ));
        }
    }
    env
}
