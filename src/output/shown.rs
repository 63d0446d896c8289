//! The display stage of [`Output`]: a received message decoded, filtered and laid out
//! (`render::received`), then written where it belongs: the REPL's printer, stdout on a
//! terminal or a pipe, or a JSON Lines event (and the `--record` file); its diagnostics after
//! it. And `/last`, which
//! shows kept messages again, whole and indented.

use super::Output;
use crate::event::{DataKind, Event, Stamped};
use crate::render::received::{DisplayConfig, Place, Seen, Shown};
use crate::render::{BinaryOutput, json, text};
use crate::wire::frame::hexdump;
use bytes::Bytes;
use std::time::SystemTime;

impl Output {
    /// Where what is shown goes: a terminal (the REPL, or stdout a tty) or a pipe.
    fn place(&self) -> Place {
        if self.printer.is_some() || self.style.escape_out {
            Place::Terminal {
                color: self.style.color_out && self.style.escape_out,
            }
        } else {
            Place::Pipe
        }
    }

    /// A received message through the display stage.
    pub(super) fn show_received(&mut self, kind: DataKind, data: &Bytes) {
        let at = SystemTime::now();
        if self.style.jsonl {
            // The event carries the diagnostics itself.
            let seen = self.display.see(kind, data);
            self.put_json(&json::received(at, kind, data, &seen));
            return;
        }
        let seen = self.display.see(kind, data);
        if self.record.is_some() {
            self.record_line(&json::received(at, kind, data, &seen));
        }
        self.display_received(at, kind, data, seen);
    }

    /// A received message (or application message) as `seen` by the display stage, shown on
    /// the screen or stdout and kept for `/last`; its diagnostics after it.
    pub(super) fn display_received(
        &mut self,
        at: SystemTime,
        kind: DataKind,
        data: &Bytes,
        seen: Seen<'_>,
    ) {
        if let Some(recall) = &mut self.recall {
            recall.keep(at, kind, data);
        }
        let warnings = seen.warnings();
        let shown = self.display.show(seen, self.place());
        if let Some(printer) = self.printer.as_mut() {
            if let Some(lines) = text::received(at, &shown, &self.style) {
                printer.print_line(lines);
            }
        } else {
            for piece in shown {
                self.put_shown(piece, data);
            }
        }
        for warning in warnings {
            self.event(Stamped {
                at,
                event: Event::Warning(warning),
            });
        }
    }

    /// One piece on stdout, then the separator (a newline on a terminal).
    fn put_shown(&mut self, piece: Shown, data: &Bytes) {
        let terminal = self.style.escape_out;
        let binary = |bytes: &[u8], how: BinaryOutput| match how {
            BinaryOutput::Raw if terminal => hexdump(bytes, "").into_bytes(),
            BinaryOutput::Raw => bytes.to_vec(),
            other => other.encode(bytes).into_bytes(),
        };
        match piece {
            Shown::AsReceived(kind, _) => return self.put_received(kind, data),
            Shown::Json(json) => self.put_stdout(json.as_bytes()),
            Shown::Text(text) => self.put_stdout(text.as_bytes()),
            Shown::Binary(bytes) => self.put_stdout(&binary(&bytes, self.style.binary_output)),
        }
        let separator = if terminal {
            b'\n'
        } else {
            self.style.separator
        };
        self.put_stdout(&[separator]);
    }

    /// `/last N`: the last `n` received messages again, decoded, unfiltered, indented and
    /// highlighted, each under a line that says which it was.
    pub(crate) fn show_last(&mut self, n: usize) {
        let view = DisplayConfig {
            pretty: true,
            filter: None,
            ..self.display.clone()
        };
        let place = self.place();
        let mut blocks = Vec::new();
        if let Some(recall) = &self.recall {
            for kept in recall.last(n) {
                let shown = view.show(view.see(kept.kind, &kept.data), place);
                let header = format!(
                    "#{} of {} received, {} bytes",
                    kept.number,
                    recall.received(),
                    kept.data.len()
                );
                let body = text::received(kept.at, &shown, &self.style).unwrap_or_default();
                blocks.push(format!("{}\n{body}", text::info(&header, &self.style)));
            }
        }
        if blocks.is_empty() {
            blocks.push(text::info("no message received yet", &self.style));
        }
        for block in blocks {
            self.event(Stamped {
                at: SystemTime::now(),
                event: Event::Plain(block),
            });
        }
        self.flush_stderr();
    }
}
