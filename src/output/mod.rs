//! Where rendered output goes, and when: received data to stdout, everything else to stderr
//! (or through the REPL's printer, so the line being typed survives), gathered here and handed
//! in batches to a thread of its own ([`thread`]) so a slow reader never stalls the event loop.
//!
//! The hot path of pipe mode is [`Output::received`]: a message and its separator appended to
//! a buffer, handed over when it is large or the socket has nothing more ready. A message goes
//! through the display stage ([`shown`]: decode, filter, layout) only where that can change
//! it: in the REPL, on a terminal, with JSON Lines or a display option; one flag decides.

mod app;
pub(crate) mod recall;
mod shown;
pub(crate) mod thread;

use crate::error::Error;
use crate::event::{DataKind, Event, FirstClose, Stamped};
use crate::jsonl::{self, Line};
use crate::render::received::{DisplayConfig, JqFilter};
use crate::render::{BinaryOutput, Channel, Style, json, text::text_for};
use bytes::Bytes;
use recall::Recall;
use std::io;
use thread::{Batch, OutputThread, Piece, Waiter};

/// A sink for printed lines in the REPL (rustyline's external printer).
pub(crate) trait LinePrinter: Send {
    fn print_line(&mut self, line: String);
}

/// Watches the data messages received as they come (`wscope replay --expect` compares them
/// with a recording), typed, beside whatever is shown, and judges them at the end.
pub(crate) trait Observer: Send {
    /// A connection opened (its upgrade succeeded).
    fn opened(&mut self);
    /// A data message arrived.
    fn received(&mut self, kind: DataKind, data: &[u8]);
    /// The session is over and what it showed is out: what the observer makes of what it
    /// saw, part of the run's outcome.
    fn verdict(self: Box<Self>) -> Result<(), Error>;
}

/// Where rendered output ends up. Owned by the session; shared behind a mutex.
///
/// Text is gathered here and handed to the [`OutputThread`] in batches, so the event loop never
/// blocks on a slow reader of our output; [`Output::backlogged`] tells the loops to wait for it.
pub(crate) struct Output {
    pub style: Style,
    /// How received messages are shown (the REPL changes it as it runs).
    display: DisplayConfig,
    /// Received messages go to stdout as they came: no display stage applies.
    plain: bool,
    /// The last received messages, for `/last` (REPL only).
    recall: Option<Recall>,
    /// Stdout pieces that come before `stdout_buf` (large payloads passed on without a copy).
    pieces: Vec<Piece>,
    stdout_buf: Vec<u8>,
    /// Diagnostics, handed over at the same moments as stdout (or when they pile up).
    stderr_buf: Vec<u8>,
    /// Bytes in `pieces`, `stdout_buf` and `stderr_buf` together.
    pending: usize,
    printer: Option<Box<dyn LinePrinter>>,
    /// `--record`: every event as a JSON line, handed over with the rest.
    record: Option<Vec<u8>>,
    observer: Option<Box<dyn Observer>>,
    /// The last connection's first Close frame, either way (the run's `end` event says it).
    first_close: Option<FirstClose>,
    thread: OutputThread,
}

/// Hand stdout over once this much is gathered; a payload this large goes over as it is.
const STDOUT_HIGH_WATER: usize = 256 * 1024;
/// Less stdout than this is handed over as a copy rather than in its buffer.
const SMALL_HAND_OVER: usize = 16 * 1024;
/// Hand diagnostics over once this much is gathered.
const STDERR_HIGH_WATER: usize = 64 * 1024;

impl Output {
    /// Output into the given thread's streams (tests write into buffers).
    pub(crate) fn with_thread(style: Style, display: DisplayConfig, thread: OutputThread) -> Self {
        let mut output = Output {
            style,
            display,
            plain: true,
            recall: None,
            pieces: Vec::new(),
            stdout_buf: Vec::new(),
            stderr_buf: Vec::new(),
            pending: 0,
            printer: None,
            record: None,
            observer: None,
            first_close: None,
            thread,
        };
        output.decide_plain();
        output
    }

    /// Whether received messages can skip the display stage: nothing would change them,
    /// and no recording needs their event.
    fn decide_plain(&mut self) {
        self.plain = self.printer.is_none()
            && self.record.is_none()
            && !self.style.jsonl
            && !self.style.escape_out
            && !self.display.transforms();
    }

    /// How received messages are shown.
    pub(crate) fn display(&self) -> &DisplayConfig {
        &self.display
    }

    /// `/pretty on|off`.
    pub(crate) fn set_pretty(&mut self, pretty: bool) {
        self.display.pretty = pretty;
        self.decide_plain();
    }

    /// `/filter EXPR` and `/filter off`.
    pub(crate) fn set_filter(&mut self, filter: Option<JqFilter>) {
        self.display.filter = filter;
        self.decide_plain();
    }

    /// Also writes every event as JSON Lines into the thread's recording sink (`--record`).
    pub(crate) fn recording(mut self) -> Self {
        self.record = Some(Vec::new());
        self.decide_plain();
        self
    }

    /// Also tells `observer` of every connection opened and data message received.
    pub(crate) fn observed_by(mut self, observer: Box<dyn Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The observer, when there is one, to hear its verdict.
    pub(crate) fn take_observer(&mut self) -> Option<Box<dyn Observer>> {
        self.observer.take()
    }

    /// The last connection's first Close frame, either way: who began the close handshake.
    pub(crate) fn first_close(&self) -> Option<FirstClose> {
        self.first_close.clone()
    }

    /// Writes out everything so far and waits until it is on the terminal: the REPL thread
    /// draws its prompt itself, and must not start while our lines are still going out.
    pub(crate) fn settle(&mut self) {
        self.hand_over();
        self.thread.waiter().idle_blocking();
    }

    /// Routes everything through the REPL's printer from now on, after what came before.
    pub(crate) fn set_printer(&mut self, printer: Box<dyn LinePrinter>) {
        self.settle();
        self.printer = Some(printer);
        self.recall = Some(Recall::default());
        self.decide_plain();
    }

    /// Whether stdout has been closed by the reader (e.g. `| head -1`).
    pub(crate) fn stdout_gone(&self) -> bool {
        self.thread.stdout_gone()
    }

    /// Whether output waits for a slow reader: take in nothing more until [`wait_room`] says
    /// so.
    pub(crate) fn backlogged(&self) -> bool {
        self.pending + self.thread.queued() >= STDOUT_HIGH_WATER
    }

    /// A handle for waiting on the output thread without holding this.
    pub(crate) fn waiter(&self) -> Waiter {
        self.thread.waiter()
    }

    /// The hot path: a received data message. In plain pipe mode every message ends with the
    /// separator; text is written byte-exact, binary raw, as hex or as base64
    /// (`--binary-output`). Anything else goes through the display stage.
    #[inline]
    pub(crate) fn received(&mut self, kind: DataKind, data: &Bytes) -> io::Result<()> {
        if let Some(o) = self.observer.as_mut() {
            o.received(kind, data);
        }
        if self.plain {
            self.put_received(kind, data);
        } else {
            self.show_received(kind, data);
        }
        if self.pending >= STDOUT_HIGH_WATER {
            self.hand_over();
        }
        if self.stdout_gone() {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        Ok(())
    }

    /// A message on stdout as it came, then the separator.
    #[inline]
    fn put_received(&mut self, kind: DataKind, data: &Bytes) {
        let binary_as = match kind {
            DataKind::Text => BinaryOutput::Raw,
            DataKind::Binary => self.style.binary_output,
        };
        if binary_as != BinaryOutput::Raw {
            let encoded = binary_as.encode(data);
            self.put_message(encoded.as_bytes());
        } else if data.len() >= STDOUT_HIGH_WATER {
            // Large payloads go over as they are instead of through a second copy.
            self.seal_stdout();
            self.pieces.push(Piece::Shared(data.clone()));
            self.pending += data.len();
            self.put_stdout(&[self.style.separator]);
        } else {
            self.put_message(data);
        }
    }

    /// Writes the event into the recording only, not on the screen.
    pub(crate) fn record_only(&mut self, ev: &Stamped) {
        self.record(ev);
    }

    /// Appends the event's JSON line to the recording, if there is one.
    fn record(&mut self, ev: &Stamped) {
        if self.record.is_some() {
            self.record_line(&json::line(ev, self.style.show_credentials));
        }
    }

    /// Appends a JSON line to the recording, if there is one.
    fn record_line(&mut self, line: &Line<'_>) {
        if let Some(rec) = self.record.as_mut() {
            let before = rec.len();
            jsonl::write(line, rec);
            self.pending += rec.len() - before;
        }
    }

    /// A JSON line on stdout (`--jsonl`) and in the recording, if there is one.
    fn put_json(&mut self, line: &Line<'_>) {
        self.reserve_stdout(256);
        let start = self.stdout_buf.len();
        jsonl::write(line, &mut self.stdout_buf);
        let written = &self.stdout_buf[start..];
        self.pending += written.len();
        if let Some(rec) = self.record.as_mut() {
            rec.extend_from_slice(written);
            self.pending += written.len();
        }
        if self.pending >= STDOUT_HIGH_WATER {
            self.hand_over();
        }
    }

    /// Moves what `stdout_buf` holds into the ordered pieces, so that what comes next goes
    /// after it.
    fn seal_stdout(&mut self) {
        if !self.stdout_buf.is_empty() {
            let buf = self.fresh_buffer();
            self.pieces
                .push(Piece::Owned(std::mem::replace(&mut self.stdout_buf, buf)));
        }
    }

    /// Renders an event to where it belongs.
    pub(crate) fn event(&mut self, ev: Stamped) {
        match &ev.event {
            Event::Upgraded { .. } => {
                self.first_close = None;
                if let Some(o) = self.observer.as_mut() {
                    o.opened();
                }
            }
            Event::Close {
                dir, code, reason, ..
            } if self.first_close.is_none() => {
                self.first_close = Some(FirstClose {
                    dir: *dir,
                    code: *code,
                    reason: reason.clone(),
                });
            }
            _ => {}
        }
        if self.style.jsonl {
            self.put_json(&json::line(&ev, self.style.show_credentials));
            return;
        }
        self.record(&ev);
        self.screen(&ev);
    }

    /// Shows an event on the screen (or stdout) only, as the style says.
    fn screen(&mut self, ev: &Stamped) {
        let Some((target, text)) = text_for(ev, &self.style) else {
            return;
        };
        if let Some(p) = self.printer.as_mut() {
            p.print_line(text);
            return;
        }
        match target {
            Channel::Stdout => {
                self.put_stdout(text.as_bytes());
                self.write_stdout(b"\n");
            }
            Channel::Stderr if self.style.interleave => {
                // stdout and stderr are one terminal: keep the order in which things happened.
                self.seal_stdout();
                let mut line = text.into_bytes();
                line.push(b'\n');
                self.pending += line.len();
                self.pieces.push(Piece::Err(line));
            }
            Channel::Stderr => {
                self.stderr_buf.extend_from_slice(text.as_bytes());
                self.stderr_buf.push(b'\n');
                self.pending += text.len() + 1;
                if self.stderr_buf.len() >= STDERR_HIGH_WATER {
                    self.hand_over();
                }
            }
        }
    }

    /// Hands buffered diagnostics (and data) over now. A closed stderr must not end the
    /// session, so there is nothing to report.
    pub(crate) fn flush_stderr(&mut self) {
        self.hand_over();
    }

    fn put_stdout(&mut self, bytes: &[u8]) {
        self.reserve_stdout(bytes.len());
        self.stdout_buf.extend_from_slice(bytes);
        self.pending += bytes.len();
    }

    /// `bytes`, then the separator: the common case of one received message.
    #[inline]
    fn put_message(&mut self, bytes: &[u8]) {
        self.reserve_stdout(bytes.len() + 1);
        self.stdout_buf.extend_from_slice(bytes);
        self.stdout_buf.push(self.style.separator);
        self.pending += bytes.len() + 1;
    }

    #[inline]
    fn reserve_stdout(&mut self, n: usize) {
        if self.stdout_buf.capacity() == 0 {
            self.stdout_buf = self.fresh_buffer();
        }
        self.stdout_buf.reserve(n);
    }

    fn write_stdout(&mut self, bytes: &[u8]) {
        self.put_stdout(bytes);
        if self.pending >= STDOUT_HIGH_WATER {
            self.hand_over();
        }
    }

    /// Hands what is gathered to the output thread; an error says stdout's reader is gone.
    /// Never blocks: when the thread is behind, the text stays here (see [`Self::backlogged`]).
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.hand_over();
        if self.stdout_gone() {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        Ok(())
    }

    fn hand_over(&mut self) {
        if self.pending == 0 {
            return;
        }
        let mut out = std::mem::take(&mut self.pieces);
        if self.stdout_gone() {
            // Nobody reads it any more; diagnostics still go out.
            out.retain(|p| matches!(p, Piece::Err(_)));
            self.stdout_buf.clear();
        } else if self.stdout_buf.len() < SMALL_HAND_OVER {
            // A few lines (interactive use): a copy, keeping the big buffer here.
            if !self.stdout_buf.is_empty() {
                out.push(Piece::Owned(self.stdout_buf.clone()));
                self.stdout_buf.clear();
            }
        } else {
            let buf = self.fresh_buffer();
            out.push(Piece::Owned(std::mem::replace(&mut self.stdout_buf, buf)));
        }
        let err = std::mem::take(&mut self.stderr_buf);
        let rec = self.record.as_mut().map(std::mem::take).unwrap_or_default();
        self.pending = 0;
        if !out.is_empty() || !err.is_empty() || !rec.is_empty() {
            self.thread.push(Batch { err, out, rec });
        }
    }

    /// A buffer for stdout, reused from the output thread when one has come back.
    fn fresh_buffer(&mut self) -> Vec<u8> {
        self.thread
            .spare()
            .unwrap_or_else(|| Vec::with_capacity(STDOUT_HIGH_WATER + 16 * 1024))
    }
}

/// Waits until the output thread has taken enough that [`Output::backlogged`] is over.
pub(crate) async fn wait_room(waiter: &Waiter) {
    waiter.room(STDOUT_HIGH_WATER).await
}

/// Hands everything over and waits until it has been written. The last thing a run does, so
/// no message is lost at exit.
pub(crate) async fn drain(out: &std::sync::Mutex<Output>) {
    let waiter = {
        let mut o = crate::sync::lock(out);
        o.hand_over();
        o.waiter()
    };
    waiter.idle().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::time::SystemTime;

    /// A writer into memory that the test can read back.
    #[derive(Clone, Default)]
    struct Memory(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Memory {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            crate::sync::lock(&self.0).extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// The display stage applies only while something would change a message, and follows
    /// what the REPL's /filter and /pretty set as the session runs.
    #[tokio::test]
    async fn the_display_stage_follows_the_settings_of_the_moment() {
        let (out, err) = (Memory::default(), Memory::default());
        let thread = OutputThread::with_sinks(Box::new(out.clone()), Box::new(err.clone()));
        let config = DisplayConfig::new(1 << 20);
        let output = std::sync::Mutex::new(Output::with_thread(Style::default(), config, thread));
        let message = Bytes::from_static(br#"{"a": [1, "x"]}"#);
        let filter = |expr| Some(JqFilter::compile(expr, false).unwrap());
        {
            let mut o = crate::sync::lock(&output);
            assert!(o.plain);
            o.received(DataKind::Text, &message).unwrap();
            o.set_filter(filter(".a[]"));
            assert!(!o.plain);
            o.received(DataKind::Text, &message).unwrap();
            o.set_filter(filter(".a.b"));
            o.received(DataKind::Text, &message).unwrap();
            o.set_filter(None);
            o.set_pretty(true);
            o.received(DataKind::Text, &message).unwrap();
            o.set_pretty(false);
            assert!(o.plain);
            o.received(DataKind::Text, &message).unwrap();
        }
        drain(&output).await;
        let want = "{\"a\": [1, \"x\"]}\n1\n\"x\"\n{\n  \"a\": [\n    1,\n    \"x\"\n  ]\n}\n{\"a\": [1, \"x\"]}\n";
        assert_eq!(String::from_utf8_lossy(&crate::sync::lock(&out.0)), want);
        assert_eq!(
            String::from_utf8_lossy(&crate::sync::lock(&err.0)),
            "wscope: warning: --filter: cannot index [1,\"x\"] with \"b\"\n"
        );
    }

    #[tokio::test]
    async fn large_and_small_messages_come_out_in_order_and_whole() {
        let (out, err) = (Memory::default(), Memory::default());
        let thread = OutputThread::with_sinks(Box::new(out.clone()), Box::new(err.clone()));
        let output = std::sync::Mutex::new(Output::with_thread(
            Style::default(),
            DisplayConfig::new(1 << 20),
            thread,
        ));
        let big = Bytes::from(vec![b'b'; STDOUT_HIGH_WATER + 1]);
        let mut want = Vec::new();
        for i in 0..20 {
            let small = Bytes::from(format!("small {i}"));
            let behind = {
                let mut o = crate::sync::lock(&output);
                o.received(DataKind::Text, &small).unwrap();
                want.extend_from_slice(&small);
                want.push(b'\n');
                if i % 3 == 0 {
                    o.received(DataKind::Binary, &big).unwrap();
                    want.extend_from_slice(&big);
                    want.push(b'\n');
                }
                o.backlogged().then(|| o.waiter())
            };
            if let Some(w) = behind {
                wait_room(&w).await;
            }
        }
        crate::sync::lock(&output).event(Stamped {
            at: SystemTime::now(),
            event: Event::Warning(crate::event::Warning::FilterFailed {
                error: "a diagnostic".into(),
            }),
        });
        drain(&output).await;
        assert!(crate::sync::lock(&out.0).as_slice() == want.as_slice());
        assert!(String::from_utf8_lossy(&crate::sync::lock(&err.0)).contains("a diagnostic"));
    }
}
