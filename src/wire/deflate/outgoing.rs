//! The outgoing half, sans I/O: tungstenite's frames in (split anywhere), compressed frames
//! out. Each data message is compressed as one stream, RSV1 on its first frame (RFC 7692
//! §6); a masked frame is unmasked, compressed and masked again with its own key. Control
//! frames, frames that already carry an RSV bit (built by hand) with the rest of their
//! message, and messages the [`Overrides`] say to leave alone pass through unchanged.

use super::codec::Compressor;
use super::framing::{ByteQueue, push_header};
use super::overrides::Overrides;
use super::stats::{DeflateStats, Direction, MessageRecord};
use crate::wire::frame::apply_mask;
use crate::wire::frame::{FrameHeader, MAX_HEADER_LEN};
use crate::wire::opcode::Opcode;
use std::io;
use std::sync::Arc;

/// Compressed bytes gathered before they are sent as a fragment of their own.
const CHUNK: usize = 16 * 1024;

/// Input is accepted while less than this waits to be written.
pub(super) const OUT_HIGH: usize = 64 * 1024;

/// Payload bytes compressed per step.
const STEP: usize = 16 * 1024;

#[derive(Debug, Clone, Copy)]
enum Frame {
    Boundary,
    Pass {
        remaining: u64,
    },
    Compress {
        remaining: u64,
        mask: Option<[u8; 4]>,
        offset: u64,
        fin: bool,
    },
}

#[derive(Debug, Clone, Copy)]
enum Message {
    None,
    /// Sent as it is: RSV1 set by hand (`compressed`), or compression skipped on request.
    Verbatim {
        compressed: bool,
        wire_bytes: u64,
    },
    Compressed {
        opcode: Opcode,
        emitted_first: bool,
        message_bytes: u64,
        wire_bytes: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Pass,
    Compress,
}

/// The outgoing transformer: [`Outgoing::accept`] takes tungstenite's bytes,
/// [`Outgoing::pending`] and [`Outgoing::consume`] hand the result to the wire.
pub(crate) struct Outgoing {
    compressor: Compressor,
    overrides: Arc<Overrides>,
    stats: Arc<DeflateStats>,
    head: [u8; MAX_HEADER_LEN],
    head_len: usize,
    frame: Frame,
    message: Message,
    out: ByteQueue,
    /// Compressed bytes not yet framed.
    chunk: Vec<u8>,
    scratch: Vec<u8>,
}

impl Outgoing {
    /// `window_bits` and `no_context_takeover` are our own side's (the client's for a client).
    pub(crate) fn new(
        window_bits: u8,
        no_context_takeover: bool,
        level: u32,
        stats: Arc<DeflateStats>,
        overrides: Arc<Overrides>,
    ) -> Self {
        Outgoing {
            compressor: Compressor::new(window_bits, no_context_takeover, level),
            overrides,
            stats,
            head: [0; MAX_HEADER_LEN],
            head_len: 0,
            frame: Frame::Boundary,
            message: Message::None,
            out: ByteQueue::default(),
            chunk: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Bytes ready for the wire.
    pub(crate) fn pending(&self) -> &[u8] {
        self.out.pending()
    }

    /// Marks `n` bytes of [`Outgoing::pending`] as written.
    pub(crate) fn consume(&mut self, n: usize) {
        self.out.consume(n);
    }

    /// Whether [`Outgoing::accept`] would take input now.
    pub(crate) fn has_room(&self) -> bool {
        self.out.len() < OUT_HIGH
    }

    /// Transforms as much of `input` as fits under the output limit; returns how much was
    /// taken (at least one byte of a non-empty input when [`Outgoing::has_room`]).
    pub(crate) fn accept(&mut self, input: &[u8]) -> io::Result<usize> {
        let mut used = 0;
        while self.out.len() < OUT_HIGH {
            let rest = &input[used..];
            match self.frame {
                Frame::Boundary => {
                    if rest.is_empty() {
                        break;
                    }
                    let (header, n) = self.take_header(rest);
                    used += n;
                    if let Some(h) = header {
                        let action = self.begin_frame(&h);
                        if action == Action::Pass {
                            self.out.extend(h.raw());
                        }
                        self.enter(&h, action);
                    }
                }
                Frame::Pass { remaining } => {
                    let take = remaining
                        .min(rest.len() as u64)
                        .min((OUT_HIGH - self.out.len()) as u64)
                        as usize;
                    if take == 0 {
                        break;
                    }
                    self.out.extend(&rest[..take]);
                    used += take;
                    self.frame = match remaining - take as u64 {
                        0 => Frame::Boundary,
                        remaining => Frame::Pass { remaining },
                    };
                }
                Frame::Compress {
                    remaining,
                    mask,
                    offset,
                    fin,
                } => {
                    if remaining > 0 && rest.is_empty() {
                        break;
                    }
                    let n = remaining.min(rest.len() as u64).min(STEP as u64) as usize;
                    self.compress(&rest[..n], mask, offset)?;
                    used += n;
                    let remaining = remaining - n as u64;
                    if remaining > 0 {
                        self.frame = Frame::Compress {
                            remaining,
                            mask,
                            offset: offset + n as u64,
                            fin,
                        };
                    } else {
                        self.end_frame(mask, fin)?;
                        self.frame = Frame::Boundary;
                    }
                }
            }
        }
        Ok(used)
    }

    /// Takes header bytes from `input`: the header once complete, and the bytes used.
    fn take_header(&mut self, input: &[u8]) -> (Option<FrameHeader>, usize) {
        if self.head_len == 0 {
            if let Some(h) = FrameHeader::parse(input) {
                let n = h.header_len();
                return (Some(h), n);
            }
        }
        let take = (MAX_HEADER_LEN - self.head_len).min(input.len());
        let end = self.head_len + take;
        self.head[self.head_len..end].copy_from_slice(&input[..take]);
        match FrameHeader::parse(&self.head[..end]) {
            Some(h) => {
                let n = h.header_len() - self.head_len;
                self.head_len = 0;
                (Some(h), n)
            }
            None => {
                self.head_len = end;
                (None, take)
            }
        }
    }

    fn record(&self, compressed: bool, wire_bytes: u64, message_bytes: Option<u64>) {
        self.stats.record(MessageRecord {
            dir: Direction::Out,
            compressed,
            wire_bytes,
            message_bytes,
        });
    }

    /// Decides what becomes of a frame and follows the message it belongs to.
    fn begin_frame(&mut self, h: &FrameHeader) -> Action {
        match h.opcode {
            Opcode::Continuation => match &mut self.message {
                Message::Compressed { .. } => return Action::Compress,
                Message::Verbatim {
                    compressed,
                    wire_bytes,
                } => {
                    let total = wire_bytes.saturating_add(h.payload_len);
                    if h.fin {
                        let compressed = *compressed;
                        self.message = Message::None;
                        self.record(compressed, total, (!compressed).then_some(total));
                    } else {
                        *wire_bytes = total;
                    }
                }
                Message::None => {}
            },
            Opcode::Text | Opcode::Binary => return self.begin_message(h),
            _ => {}
        }
        Action::Pass
    }

    fn begin_message(&mut self, h: &FrameHeader) -> Action {
        if matches!(self.message, Message::Compressed { .. }) {
            // A message abandoned half-way (by a hand-built frame): its stream is cut short.
            self.compressor.reset();
        }
        let verbatim = if h.rsv1 || h.rsv2 || h.rsv3 {
            // The peer's inflater will take the hand-built data into its window, which ours
            // does not have: start afresh.
            if h.rsv1 {
                self.compressor.reset();
            }
            Some(h.rsv1)
        } else if self.overrides.take_uncompressed() {
            Some(false)
        } else {
            None
        };
        if let Some(compressed) = verbatim {
            if h.fin {
                self.message = Message::None;
                self.record(
                    compressed,
                    h.payload_len,
                    (!compressed).then_some(h.payload_len),
                );
            } else {
                self.message = Message::Verbatim {
                    compressed,
                    wire_bytes: h.payload_len,
                };
            }
            return Action::Pass;
        }
        self.message = Message::Compressed {
            opcode: h.opcode,
            emitted_first: false,
            message_bytes: 0,
            wire_bytes: 0,
        };
        Action::Compress
    }

    fn enter(&mut self, h: &FrameHeader, action: Action) {
        let remaining = h.payload_len;
        self.frame = match action {
            Action::Pass if remaining > 0 => Frame::Pass { remaining },
            Action::Pass => Frame::Boundary,
            Action::Compress => Frame::Compress {
                remaining,
                mask: h.mask,
                offset: 0,
                fin: h.fin,
            },
        };
    }

    /// Compresses payload bytes of the current frame, sending a fragment when enough piled up.
    fn compress(&mut self, payload: &[u8], mask: Option<[u8; 4]>, offset: u64) -> io::Result<()> {
        let mut chunk = std::mem::take(&mut self.chunk);
        let result = match mask {
            None => self.compressor.compress(payload, &mut chunk),
            Some(key) => {
                let mut plain = std::mem::take(&mut self.scratch);
                plain.clear();
                plain.extend_from_slice(payload);
                apply_mask(&mut plain, key, offset);
                let r = self.compressor.compress(&plain, &mut chunk);
                self.scratch = plain;
                r
            }
        };
        self.chunk = chunk;
        result?;
        if let Message::Compressed { message_bytes, .. } = &mut self.message {
            *message_bytes += payload.len() as u64;
        }
        if self.chunk.len() >= CHUNK {
            self.emit(false, mask);
        }
        Ok(())
    }

    /// At the end of a frame's payload: a final frame ends the message (tail stripped), any
    /// other is flushed so that the fragment goes out now.
    fn end_frame(&mut self, mask: Option<[u8; 4]>, fin: bool) -> io::Result<()> {
        let mut chunk = std::mem::take(&mut self.chunk);
        let result = if fin {
            self.compressor.finish_message(&mut chunk)
        } else {
            self.compressor.flush_fragment(&mut chunk)
        };
        self.chunk = chunk;
        result?;
        self.emit(fin, mask);
        if fin {
            if let Message::Compressed {
                message_bytes,
                wire_bytes,
                ..
            } = self.message
            {
                self.record(true, wire_bytes, Some(message_bytes));
            }
            self.message = Message::None;
        }
        Ok(())
    }

    /// Frames the compressed bytes gathered so far: RSV1 and the opcode on the message's first
    /// frame, continuations after it, masked with the key of the frame they came from.
    fn emit(&mut self, fin: bool, mask: Option<[u8; 4]>) {
        let Message::Compressed {
            opcode,
            emitted_first,
            wire_bytes,
            ..
        } = &mut self.message
        else {
            return;
        };
        let first = !*emitted_first;
        if let Some(key) = mask {
            apply_mask(&mut self.chunk, key, 0);
        }
        let op = if first { *opcode } else { Opcode::Continuation };
        push_header(
            self.out.tail(),
            fin,
            first,
            op,
            mask,
            self.chunk.len() as u64,
        );
        self.out.extend(&self.chunk);
        *wire_bytes += self.chunk.len() as u64;
        *emitted_first = true;
        self.chunk.clear();
    }
}

#[cfg(test)]
mod tests;
