//! `wscope serve --coproc CMD`, websocketd style: one program per connection, its stdout lines
//! sent as text messages, each message received written to its stdin as a line, the request in
//! its environment ([`super::cgi`]). The connection runs the same session as the client (close
//! handshake, pings, protocol violations, bounded waits); the program is its input and its
//! data sink. The program's exit closes the connection with 1000, death by a signal with 1011;
//! the connection's end closes the program's stdin, and a program that does not exit within
//! [`GRACE`] is stopped.

use super::cgi;
use super::handshake::Request;
use super::{Wire, log};
use crate::coproc::{self, Coprocess, Finish, ProcessOutput, StdinSlot};
use crate::error::{Error, Kind};
use crate::input::framing::Framing;
use crate::input::pipe::LineReader;
use crate::output::{self, Output, thread::OutputThread};
use crate::render::Style;
use crate::render::received::DisplayConfig;
use crate::session::end_policy::EndPolicy;
use crate::session::{self, Input, SessionConfig, Shared};
use crate::stats::Stats;
use crate::wire::tap::{FrameLog, RawQueue};
use futures_util::SinkExt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// How long a client has to answer our Close, and a program to exit once its stdin closed.
pub(super) const GRACE: Duration = Duration::from_secs(3);
/// The longest line a program may write (a message of that size).
pub(super) const MAX_LINE: usize = 16 << 20;

/// Runs `command` for the connection `id` until both are over; logs the start and the end.
pub(super) async fn run(ws: WebSocketStream<Wire>, request: Request, command: &str, id: u64) {
    let who = format!("#{id} {} {}", request.peer, request.resource);
    let env = cgi::environment(&request, &id.to_string());
    let spawned = coproc::spawn(command, &env).and_then(|s| {
        let lines = LineReader::start_limited(s.stdout, true, Framing::Lines, MAX_LINE)?;
        Ok((s.process, s.stdin, lines))
    });
    let (process, stdin, lines) = match spawned {
        Ok(s) => s,
        Err(e) => {
            log(&format!("{who}: cannot start the program: {e}"));
            refuse(ws).await;
            return;
        }
    };
    log(&format!("{who}: program started (pid {})", process.pid()));
    let slot = StdinSlot::default();
    slot.attach(stdin);
    let output = ProcessOutput::new(lines, process.exit_watch(), GRACE);
    let (result, finish) = bridge(ws, output, process, slot).await;
    log(&format!("{who}: {}", summary(&result, &finish)));
}

/// The session between the connection and the program, then the program finished.
async fn bridge(
    ws: WebSocketStream<Wire>,
    output: ProcessOutput,
    process: Coprocess,
    slot: StdinSlot,
) -> (Result<(), Error>, Finish) {
    let sinks = OutputThread::with_sinks(Box::new(slot.clone()), Box::new(std::io::sink()));
    let out = Arc::new(Mutex::new(Output::with_thread(
        Style::default(),
        DisplayConfig::new(MAX_LINE),
        sinks,
    )));
    let shared = Shared {
        out: out.clone(),
        stats: Arc::new(Stats::default()),
        frames: FrameLog::new(false),
        raw: Arc::new(RawQueue::default()),
        compression: None,
        handshake: Arc::new(Vec::new()),
        subprotocol: None,
        offered: Vec::new(),
    };
    let cfg = SessionConfig {
        close_timeout: GRACE,
        // The program's end is the end: close at once.
        end: EndPolicy::from_options(Some(Duration::ZERO), None, None),
        ..SessionConfig::default()
    };
    let input = Input::Coproc {
        output,
        binary: false,
    };
    let (result, _) = session::run(ws, input, Vec::new(), Vec::new(), cfg, shared).await;
    // What arrived before the end reaches the program, unless it stopped reading.
    let _ = tokio::time::timeout(GRACE, output::drain(&out)).await;
    slot.close();
    (result, process.finish(GRACE).await)
}

/// Closes a connection whose program could not start (1011).
async fn refuse(mut ws: WebSocketStream<Wire>) {
    let frame = CloseFrame {
        code: CloseCode::Error,
        reason: "the program could not be started".into(),
    };
    let _ = tokio::time::timeout(GRACE, ws.send(Message::Close(Some(frame)))).await;
}

/// One line for the log: how the program and the connection ended.
fn summary(result: &Result<(), Error>, finish: &Finish) -> String {
    let program = match finish.stopped_by_us {
        true => format!(
            "the program did not exit within {} after its input closed and was stopped ({})",
            crate::units::secs(GRACE),
            finish.ending.describe()
        ),
        false => format!("the program {}", finish.ending.describe()),
    };
    match result {
        Ok(()) => format!("{program}; the connection closed cleanly"),
        Err(e) if e.kind == Kind::Interrupted => {
            format!("{program}; the connection ended (Ctrl-C)")
        }
        Err(e) => format!("{program}; the connection: {}", e.message),
    }
}
