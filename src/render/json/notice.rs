//! wscope's remarks as JSON Lines: the facts of each [`Info`] and [`Warning`] as the fields
//! of its `notice`, beside the sentence the screen shows. Pure.

use super::deflate;
use crate::event::notice::{CompressionStatus, Ending, Info, Status, Traffic, Warning};
use crate::jsonl::{self, Millis, Note, Notice};
use crate::render::text::notice::{info_words, warning_words};
use crate::wire::deflate::Totals;
use crate::wire::target::shown_url;

/// An `info` line's body.
pub(super) fn info(i: &Info, show_credentials: bool) -> Note {
    let notice = match i {
        Info::Status(s) => Notice::Status(status(s)),
        Info::FilterIs { expr } => Notice::Filter { expr: expr.clone() },
        Info::FilterSet { expr } => Notice::FilterSet { expr: expr.clone() },
        Info::FrameDump { on } => Notice::FrameDump { on: *on },
        Info::Pretty { on } => Notice::Pretty { on: *on },
        Info::FirstMessage { after } => Notice::FirstMessage {
            after_ms: Millis::new(*after),
        },
        Info::AutoReply { rule, response } => Notice::AutoReply {
            rule: *rule,
            response: response.clone(),
        },
        Info::NotPrinted { dropped, count } => Notice::NotPrinted {
            dropped: *dropped,
            count: *count,
        },
        Info::Redirect { to } => Notice::Redirect {
            url: shown_url(to, show_credentials).into_owned(),
        },
    };
    Note {
        notice: Some(notice),
        message: info_words(i, show_credentials),
    }
}

/// A `warning` line's body.
pub(super) fn warning(w: &Warning) -> Note {
    let notice = match w {
        Warning::Closing => Notice::Closing,
        Warning::NotCompressed => Notice::NotCompressed,
        Warning::CloseUnanswered { limit, received } => Notice::CloseUnanswered {
            limit_ms: Millis::new(*limit),
            received: *received,
        },
        Warning::ReplyLimited {
            rule,
            matches,
            per_second,
        } => Notice::ReplyLimited {
            rule: *rule,
            matches: matches.clone(),
            per_second: *per_second,
        },
        Warning::DecodeFailed { error } => Notice::DecodeFailed {
            error: error.clone(),
        },
        Warning::FilterFailed { error } => Notice::FilterFailed {
            error: error.clone(),
        },
        Warning::CoprocStopped { grace, ending } => {
            let (exit_status, signal) = match ending {
                Ending::Exited(code) => (Some(*code), None),
                Ending::Signaled(sig) => (None, Some(*sig)),
                Ending::Unknown => (None, None),
            };
            Notice::CoprocStopped {
                grace_ms: Millis::new(*grace),
                exit_status,
                signal,
            }
        }
        Warning::Insecure => Notice::Insecure,
        Warning::SubprotocolsDeclined { offered } => Notice::SubprotocolsDeclined {
            offered: offered.clone(),
        },
        Warning::ExtensionsDeclined { offered } => Notice::ExtensionsDeclined {
            offered: offered.clone(),
        },
        Warning::WindowBits { bits, agreed } => Notice::WindowBits {
            bits: *bits,
            agreed: *agreed,
        },
        Warning::ProtoGuess { protocol, .. } => Notice::ProtoGuess {
            protocol: protocol.to_string(),
        },
        Warning::SockJs => Notice::SockJs,
    };
    Note {
        notice: Some(notice),
        message: warning_words(w),
    }
}

fn status(s: &Status) -> jsonl::Status {
    let traffic = |t: Traffic| jsonl::Traffic {
        messages: t.messages,
        bytes: t.bytes,
    };
    jsonl::Status {
        state: if s.closing {
            jsonl::State::Closing
        } else {
            jsonl::State::Open
        },
        uptime_ms: Millis::new(s.uptime),
        received: traffic(s.received),
        sent: traffic(s.sent),
        last_rtt_ms: s.last_rtt.map(Millis::new),
        deflate: s.compression.as_ref().map(compression),
    }
}

fn compression(c: &CompressionStatus) -> jsonl::Compression {
    let totals = |t: &Totals| jsonl::Compressed {
        wire_bytes: t.wire_bytes,
        message_bytes: t.message_bytes,
        compressed_messages: t.compressed_messages,
        messages: t.messages,
    };
    jsonl::Compression {
        agreed: deflate(&c.agreed),
        received: totals(&c.received),
        sent: totals(&c.sent),
    }
}
