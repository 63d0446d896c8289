//! One client run, start to end: connect, upgrade, then the session in REPL or pipe mode.
//!
//! This is where the pieces meet: `connect` opens the stream, `handshake` upgrades it (its bytes
//! shown verbatim), the tap goes on the plaintext stream, and `session` runs until the close.

pub mod backoff;
use crate::cli::Config;
use crate::error::{Error, Kind};
use crate::event::{Event, Stamped, Timings};
use crate::input::command::Command;
use crate::input::pipe::LineReader;
use crate::input::repl;
use crate::net::connect::{self, Stream};
use crate::net::proxy;
use crate::net::target::Target;
use crate::net::tls_hello::HelloSniffer;
use crate::output::Output;
use crate::render::Style;
use crate::session::{self, Input, SessionConfig, Shared};
use crate::stats::Stats;
use crate::sync::lock;
use crate::term::{self, Terminal};
use crate::wire::handshake;
use crate::wire::request;
use crate::wire::response;
use crate::wire::tap::{FrameLog, RawQueue, Tap};
use backoff::Backoff;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

/// Interactive or scripted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Repl,
    Pipe,
}

/// REPL when both stdin and stdout are terminals and nothing asks for scripted behaviour.
pub fn mode_for(cfg: &Config, term: &Terminal) -> Mode {
    if term.stdin && term.stdout && cfg.execute.is_empty() && !cfg.reflect && !cfg.jsonl {
        Mode::Repl
    } else {
        Mode::Pipe
    }
}

fn style_for(cfg: &Config, term: &Terminal, mode: Mode) -> Style {
    let (color_out, color_err) = term.colors(cfg.color);
    Style {
        color_out,
        color_err,
        escape_out: term.stdout,
        escape_err: term.stderr,
        timestamps: cfg.timestamps,
        jsonl: cfg.jsonl,
        verbose: cfg.verbose || mode == Mode::Repl,
        frame_dump: cfg.hexdump.then_some(cfg.dump_bytes),
        handshake_dump: cfg.dump_handshake,
        show_credentials: cfg.show_credentials,
        show_keepalive: cfg.verbose,
        binary_output: cfg.binary_output,
        separator: cfg.separator,
        interleave: mode == Mode::Pipe && term.stdout && term.stderr,
    }
}

/// Records and shows handshake events as they happen.
struct Recorder {
    out: Arc<Mutex<Output>>,
    events: Vec<Stamped>,
}

impl Recorder {
    fn emit(&mut self, event: Event) {
        let ev = Stamped {
            at: SystemTime::now(),
            event,
        };
        self.events.push(ev.clone());
        let mut out = lock(&self.out);
        out.event(ev);
        out.flush_stderr();
    }
}

/// Runs the client; the error, if any, decides the exit status.
pub async fn run(cfg: Config, term: Terminal, mode: Mode) -> Result<(), Error> {
    let style = style_for(&cfg, &term, mode);
    let out = Arc::new(Mutex::new(Output::new(style, None)));
    let mut rec = Recorder {
        out: out.clone(),
        events: Vec::new(),
    };
    let result = connect_and_run(&cfg, mode, &mut rec).await;
    if let (Err(e), true) = (&result, cfg.jsonl) {
        rec.emit(Event::Failure(e.clone()));
    }
    // Everything received is written before we exit, however slow the reader. After Ctrl-C
    // the wait is bounded: a reader that has stopped must not keep us from quitting.
    let drained = crate::output::drain(&out);
    match &result {
        Err(e) if e.kind == Kind::Interrupted => {
            let _ = tokio::time::timeout(cfg.close_timeout, drained).await;
        }
        _ => drained.await,
    }
    result
}

/// An upgraded connection, ready for the session.
struct Upgraded {
    stream: Stream,
    answer: handshake::Answer,
    negotiated: response::Negotiated,
    timings: Timings,
    /// Warnings about offers the server silently declined.
    declined: Vec<String>,
}

/// What one connection attempt led to.
enum Attempt {
    Upgraded(Box<Upgraded>),
    Redirect(Target),
}

/// Where a redirect points, as a WebSocket target (http→ws, https→wss, relative resolved).
fn redirect_target(from: &Target, location: &str) -> Result<Target, Error> {
    let scheme = if from.secure { "https" } else { "http" };
    let base = url::Url::parse(&format!("{scheme}://{}{}", from.host_header, from.resource))
        .map_err(|e| Error::new(Kind::Rejected, format!("cannot follow the redirect: {e}")))?;
    let mut next = base.join(location).map_err(|e| {
        Error::new(
            Kind::Rejected,
            format!("the redirect Location '{location}' is not a URL: {e}"),
        )
    })?;
    let ws_scheme = match next.scheme() {
        "http" | "ws" => "ws",
        "https" | "wss" => "wss",
        other => {
            return Err(Error::new(
                Kind::Rejected,
                format!("the redirect points to an unsupported scheme '{other}': {location}"),
            ));
        }
    };
    let text = next.as_str().replacen(next.scheme(), ws_scheme, 1);
    next = url::Url::parse(&text)
        .map_err(|e| Error::new(Kind::Rejected, format!("cannot follow the redirect: {e}")))?;
    Target::parse(next.as_str()).map_err(|e| Error::new(Kind::Rejected, e.message))
}

/// Connects to `target`, upgrades, and judges the answer.
async fn attempt(cfg: &Config, target: &Target, rec: &mut Recorder) -> Result<Attempt, Error> {
    let connector = if target.secure {
        Some(connect::tls_connector(&cfg.tls)?)
    } else {
        None
    };
    let proxy = proxy::select(
        target,
        cfg.proxy.as_deref(),
        cfg.noproxy.as_deref(),
        &|name| std::env::var(name).ok(),
    )?;
    let (mut tcp, info) = match &proxy {
        Some(p) => connect::tcp(&p.host, p.port, cfg.connect_timeout)
            .await
            .map_err(|e| {
                let msg = format!("proxy {} ({}): {}", p.display(), p.source, e.message);
                Error { message: msg, ..e }
            })?,
        None => connect::tcp(&target.host, target.port, cfg.connect_timeout).await?,
    };
    rec.emit(Event::Connected {
        url: match &proxy {
            Some(p) => format!("proxy {}", p.display()),
            None => target.display.clone(),
        },
        peer: info.peer,
        dns: info.dns,
        tcp: info.tcp,
    });
    let handshake_deadline = Instant::now() + cfg.handshake_timeout;
    let mut timings = Timings {
        dns: info.dns,
        tcp: info.tcp,
        ..Timings::default()
    };
    if let Some(p) = &proxy {
        let t0 = Instant::now();
        let (exchange, result) = match p.kind {
            proxy::ProxyKind::Http => {
                let (ex, res) = proxy::http_connect(&mut tcp, p, target, handshake_deadline).await;
                (ex.map(|e| (e.request, e.response)), res)
            }
            proxy::ProxyKind::Socks5 { .. } => (
                None,
                proxy::socks5_connect(&mut tcp, p, target, handshake_deadline).await,
            ),
        };
        let took = t0.elapsed();
        timings.proxy = Some(took);
        rec.emit(Event::Tunnel {
            proxy: p.display(),
            source: p.source.clone(),
            exchange,
            took,
        });
        result?;
    }
    let mut stream = match &connector {
        Some(c) => {
            let t0 = Instant::now();
            let sniffer = HelloSniffer::new(tcp);
            let hello = sniffer.found.clone();
            let s = connect::tls(c, target, sniffer, cfg.handshake_timeout).await?;
            let protocol = hello.get().map(|(v, c)| {
                (
                    crate::net::tls_hello::version_name(*v),
                    crate::net::tls_hello::cipher_name(*c),
                )
            });
            let took = t0.elapsed();
            timings.tls = Some(took);
            let certificate = match s.get_ref().peer_certificate() {
                Ok(Some(cert)) => cert
                    .to_der()
                    .map(|der| crate::net::tls_info::describe(&der))
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            rec.emit(Event::TlsUp {
                took,
                insecure: cfg.tls.insecure,
                protocol,
                certificate,
            });
            Stream::Tls(Box::new(s))
        }
        None => Stream::Plain(tcp),
    };

    let key = tokio_tungstenite::tungstenite::handshake::client::generate_key();
    let req = request::build(target, &cfg.request, &key);
    rec.emit(Event::Request {
        bytes: req.bytes.clone(),
    });
    let answer = handshake::exchange(&mut stream, &req, handshake_deadline)
        .await
        .map_err(|e| {
            if !target.secure && e.hint.is_none() && e.kind == Kind::Rejected {
                e.with_hint("if the server expects TLS on this port, use wss://")
            } else {
                e
            }
        })?;
    timings.upgrade = answer.took;

    if answer.head.status != 101 {
        let body_deadline =
            handshake_deadline.max(Instant::now() + std::time::Duration::from_secs(2));
        let (body, truncated) = handshake::read_body(&mut stream, &answer, body_deadline).await;
        rec.emit(Event::Response {
            head: answer.raw_head.clone(),
            body: Some(body),
            body_truncated: truncated,
            timings,
        });
        let status = answer.head.status;
        let location = answer.head.get("Location");
        if let (true, Some(loc)) = (matches!(status, 301 | 302 | 303 | 307 | 308), location) {
            if cfg.follow_redirects {
                return Ok(Attempt::Redirect(redirect_target(target, loc)?));
            }
        }
        return Err(crate::wire::rejection::rejected(&answer.head, &req));
    }
    match response::check_upgrade(
        &answer.head,
        &req.key,
        &req.offered_protocols,
        &req.offered_extensions,
    ) {
        Ok(negotiated) => {
            let declined = declined_offers(&req, &negotiated);
            Ok(Attempt::Upgraded(Box::new(Upgraded {
                stream,
                answer,
                negotiated,
                timings,
                declined,
            })))
        }
        Err(problems) => {
            rec.emit(Event::Response {
                head: answer.raw_head.clone(),
                body: Some(Vec::new()),
                body_truncated: false,
                timings,
            });
            Err(Error::new(
                Kind::Rejected,
                format!("invalid handshake response: {}", problems.join("; ")),
            ))
        }
    }
}

/// What the server silently declined: a subprotocol offered with `-s` that it did not select
/// (the classic silent failure), an extension offered with `-H` that it did not accept.
fn declined_offers(req: &request::Request, negotiated: &response::Negotiated) -> Vec<String> {
    let mut said = Vec::new();
    if !req.offered_protocols.is_empty() && negotiated.protocol.is_none() {
        said.push(format!(
            "the server selected none of the offered subprotocols ({}); it may not speak what this session sends",
            req.offered_protocols.join(", ")
        ));
    }
    if !req.offered_extensions.is_empty() && negotiated.extensions.is_empty() {
        said.push(format!(
            "the server accepted none of the offered extensions ({})",
            req.offered_extensions.join(", ")
        ));
    }
    said
}

/// Connects, following redirects, until the server accepts the upgrade.
async fn establish(cfg: &Config, rec: &mut Recorder) -> Result<(Target, Box<Upgraded>), Error> {
    let mut target = cfg.target.clone();
    let mut redirects = 0;
    loop {
        match attempt(cfg, &target, rec).await? {
            Attempt::Upgraded(up) => return Ok((target, up)),
            Attempt::Redirect(next) => {
                redirects += 1;
                if redirects > cfg.max_redirects {
                    return Err(Error::new(
                        Kind::Rejected,
                        format!("more than {} redirects; gave up", cfg.max_redirects),
                    )
                    .with_hint("raise the limit with --max-redirs N"));
                }
                rec.emit(Event::Info(format!(
                    "following the redirect to {}",
                    next.display
                )));
                target = next;
            }
        }
    }
}

/// The `--init` and `--init-file` messages, sent first on every connection.
fn init_messages(cfg: &Config) -> Result<Vec<Message>, Error> {
    let mut out: Vec<Message> = cfg.init.iter().map(|m| Message::text(m.as_str())).collect();
    if let Some(path) = &cfg.init_file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::new(
                Kind::Input,
                format!("--init-file {}: cannot read: {e}", path.display()),
            )
        })?;
        out.extend(
            text.lines()
                .map(|l| Message::text(l.strip_suffix('\r').unwrap_or(l))),
        );
    }
    Ok(out)
}

/// Whether a failure is worth another connection attempt under `--reconnect`.
fn worth_reconnecting(e: &Error) -> bool {
    matches!(e.kind, Kind::Connect | Kind::Timeout | Kind::Abnormal)
        || (e.kind == Kind::Rejected && e.message.contains("closed the connection"))
}

/// Input that needs no terminal: nothing (`--reflect`), the `-e` messages, or stdin lines.
/// Created once, before connecting (stdin is read from then on), and carried across reconnects.
fn scripted_input(cfg: &Config) -> Result<Input, Error> {
    Ok(if cfg.reflect {
        Input::Nothing
    } else if !cfg.execute.is_empty() {
        Input::Messages(cfg.execute.iter().cloned().collect())
    } else {
        Input::Pipe {
            lines: LineReader::start(std::io::stdin(), !cfg.binary, cfg.separator)
                .map_err(|e| Error::new(Kind::Other, format!("cannot start reading stdin: {e}")))?,
            binary: cfg.binary,
        }
    })
}

/// The REPL, started once the first connection is up so its prompt can name the peer.
fn repl_input(cfg: &Config, target: &Target, out: &Arc<Mutex<Output>>) -> Result<Input, Error> {
    let (tx, rx) = mpsc::channel::<Command>(16);
    let history = if cfg.no_history {
        None
    } else {
        term::history_path()
    };
    lock(out).settle();
    let printer = repl::start(format!("{}> ", target.short()), history, tx)?;
    lock(out).set_printer(printer);
    Ok(Input::Repl(rx))
}

async fn connect_and_run(cfg: &Config, mode: Mode, rec: &mut Recorder) -> Result<(), Error> {
    let started = Instant::now();
    if cfg.tls.insecure {
        rec.emit(Event::Warning(
            "--insecure: the server's certificate and host name are NOT verified".into(),
        ));
    }
    let init = init_messages(cfg)?;
    // Pipe input is read while we connect: the first lines are usually waiting by the time
    // the session starts.
    let mut scripted = match mode {
        Mode::Pipe => Some(scripted_input(cfg)?),
        Mode::Repl => None,
    };
    let seed = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
        ^ u64::from(std::process::id());
    let mut backoff = Backoff::new(seed);
    let mut carry: Option<session::Carry> = None;
    loop {
        let (target, up) = match establish(cfg, rec).await {
            Ok(x) => x,
            Err(e)
                if cfg.reconnect && worth_reconnecting(&e) && backoff.allows(cfg.reconnect_max) =>
            {
                wait_to_reconnect(cfg, rec, &mut backoff, &e).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        let connected_at = Instant::now();
        let Upgraded {
            stream,
            answer,
            negotiated,
            timings,
            declined,
        } = *up;
        rec.emit(Event::Response {
            head: answer.raw_head.clone(),
            body: None,
            body_truncated: false,
            timings,
        });
        rec.emit(Event::Upgraded {
            negotiated: negotiated.clone(),
        });
        for w in declined {
            rec.emit(Event::Warning(w));
        }

        // Incoming headers are always followed (diagnostics name the offending frame);
        // outgoing ones only where the dump can be shown.
        let frames = FrameLog::new(cfg.frames);
        // JSON Lines carry the payload prefix of each frame, as the hex dump shows it.
        let capture = if cfg.hexdump || cfg.jsonl {
            cfg.dump_bytes
        } else {
            0
        };
        let outgoing = cfg.frames || mode == Mode::Repl;
        let raw = Arc::new(RawQueue::default());
        let mut tap = Tap::inspecting(stream, frames.clone(), raw.clone(), capture, outgoing);
        tap.already_received(&answer.rest);
        let ws_config = WebSocketConfig::default()
            .read_buffer_size(256 * 1024)
            .write_buffer_size(256 * 1024)
            .max_write_buffer_size(64 << 20)
            .max_message_size(Some(cfg.max_message_size))
            .max_frame_size(Some(cfg.max_message_size));
        let ws =
            WebSocketStream::from_partially_read(tap, answer.rest, Role::Client, Some(ws_config))
                .await;

        let shared = Shared {
            out: rec.out.clone(),
            stats: Arc::new(Stats::default()),
            frames,
            raw,
            handshake: Arc::new(std::mem::take(&mut rec.events)),
        };
        let session_cfg = SessionConfig {
            close_timeout: cfg.close_timeout,
            end: cfg.end,
            ping_interval: cfg.ping_interval,
            ping_timeout: cfg.ping_timeout,
            reflect: cfg.reflect,
            replay: cfg.reconnect,
            fragment: cfg.fragment,
            report_first_message: cfg.verbose || cfg.timing,
            emit_outgoing: cfg.jsonl || mode == Mode::Repl,
        };
        let (input, resend) = match carry.take() {
            Some(c) => (c.input, c.resend),
            None => match scripted.take() {
                Some(input) => (input, Vec::new()),
                None => (repl_input(cfg, &target, &shared.out)?, Vec::new()),
            },
        };
        let stats = shared.stats.clone();
        let (result, next) =
            session::run(ws, input, init.clone(), resend, session_cfg, shared).await;
        match result {
            Err(e)
                if cfg.reconnect
                    && e.kind == Kind::Abnormal
                    && next.is_some()
                    && (backoff.allows(cfg.reconnect_max)
                        || connected_at.elapsed() >= backoff::STABLE) =>
            {
                if connected_at.elapsed() >= backoff::STABLE {
                    backoff.reset();
                }
                carry = next;
                wait_to_reconnect(cfg, rec, &mut backoff, &e).await;
            }
            other => {
                if cfg.timing {
                    rec.emit(Event::Timing {
                        timings,
                        first_message: stats.first_message_after(),
                        total: started.elapsed(),
                    });
                }
                return other;
            }
        }
    }
}

/// Reports the failure and the coming attempt, then waits the backoff delay.
async fn wait_to_reconnect(cfg: &Config, rec: &mut Recorder, backoff: &mut Backoff, why: &Error) {
    let delay = backoff.next_delay();
    rec.emit(Event::Reconnect {
        attempt: backoff.attempts,
        max: cfg.reconnect_max,
        delay,
        reason: why.message.clone(),
    });
    tokio::time::sleep(delay).await;
}
