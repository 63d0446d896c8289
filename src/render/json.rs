//! Events as JSON Lines: each event made into its [`jsonl`] line, the one schema `--jsonl`
//! and `--record` write. Heads and URLs have their credentials masked as on the screen
//! unless `--show-credentials`. Pure: `output` writes the lines.

use super::BinaryOutput;
use super::escape::mask_head;
use super::received::{Filtered, Seen};
use crate::display::filter::Output as FilterOutput;
use crate::error::CLEAN;
use crate::event::{DataKind, End, Event, Stamped, Timings, TlsUp, Traffic};
use crate::jsonl::{self, Body, Json, Line, Millis, Note, Timestamp};
use crate::wire::tap::{Dir, TappedFrame};
use crate::wire::target::shown_url;
use std::borrow::Cow;
use std::time::SystemTime;

/// The line of an event; `show_credentials` leaves heads and URLs as they were.
pub(crate) fn line(ev: &Stamped, show_credentials: bool) -> Line<'_> {
    Line {
        ts: Timestamp::new(ev.at),
        body: body(&ev.event, show_credentials),
    }
}

fn body(event: &Event, show: bool) -> Body<'_> {
    match event {
        Event::Connected(c) => Body::Connected(jsonl::Connected {
            url: shown_url(&c.url, show),
            peer: c.peer.to_string(),
            dns_ms: c.dns.into(),
            tcp_ms: c.tcp.into(),
        }),
        Event::Tunnel(t) => Body::Proxy(jsonl::Proxy {
            proxy: t.proxy.clone(),
            source: t.source.clone(),
            request: t.exchange.as_ref().map(|(req, _)| mask_head(req, show)),
            response: t.exchange.as_ref().map(|(_, resp)| mask_head(resp, show)),
            proxy_ms: t.took.into(),
        }),
        Event::TlsUp(t) => Body::Tls(tls(t)),
        Event::Reconnect(r) => Body::Reconnect(jsonl::Reconnect {
            attempt: r.attempt,
            max: r.max,
            delay_ms: r.delay.into(),
            reason: r.reason.clone(),
        }),
        Event::Timing(t) => Body::Timing(jsonl::Timing {
            timings: timings(&t.timings),
            first_message_ms: t.first_message.map(Millis::new),
            total_ms: t.total.into(),
        }),
        Event::Request { bytes } => Body::Request(jsonl::Request {
            head: Cow::Owned(mask_head(bytes, show)),
        }),
        Event::Response(r) => Body::Response(jsonl::Response {
            head: Cow::Owned(mask_head(&r.head, show)),
            body: r.body.as_deref().map(String::from_utf8_lossy),
            body_truncated: r.body.as_ref().map(|_| r.body_truncated),
            timings: timings(&r.timings),
        }),
        Event::Upgraded { negotiated, proto } => Body::Open(jsonl::Open {
            subprotocol: negotiated.protocol.clone(),
            extensions: negotiated.extensions.clone(),
            deflate: negotiated.deflate.as_ref().map(deflate),
            proto: proto.as_ref().map(|p| jsonl::Proto {
                name: p.name.to_string(),
                url: shown_url(&p.url, show).into_owned(),
            }),
        }),
        Event::Message { dir, kind, data } => {
            Body::Message(jsonl::Message::new(direction(*dir), opcode(*kind), data))
        }
        Event::ProtoMessage {
            dir,
            kind,
            data,
            app: apps,
        } => Body::Message(app::message(direction(*dir), *kind, data, apps, &[])),
        Event::Proto(n) => app::note(n),
        Event::Ping { dir, payload } => {
            Body::Ping(jsonl::Control::new(direction(*dir), payload, None))
        }
        Event::Pong { dir, payload, rtt } => Body::Pong(jsonl::Control::new(
            direction(*dir),
            payload,
            rtt.map(Millis::new),
        )),
        Event::Close {
            dir, code, reason, ..
        } => Body::Close(jsonl::Close {
            dir: direction(*dir),
            code: *code,
            reason: Cow::Borrowed(reason),
        }),
        Event::Frame(f) => Body::Frame(frame(f)),
        Event::Plain(text) => Body::Info(Note {
            notice: None,
            message: text.clone(),
        }),
        Event::Info(i) => Body::Info(notice::info(i, show)),
        Event::Warning(w) => Body::Warning(notice::warning(w)),
        Event::Failure(e) => Body::Error(jsonl::Error {
            exit_code: e.kind.exit_code(),
            notice: None,
            message: e.message.clone(),
            hint: e.hint.clone(),
        }),
        Event::End(e) => Body::End(end(e)),
    }
}

/// The run's last line: its exit status as the table words it, and the facts behind it.
fn end(e: &End) -> jsonl::End {
    let (exit_code, meaning) = e.failure.map_or(CLEAN, |k| (k.exit_code(), k.meaning()));
    let traffic = |t: Traffic| jsonl::Traffic {
        messages: t.messages,
        bytes: t.bytes,
    };
    jsonl::End {
        exit_code,
        meaning: meaning.to_string(),
        close: e.first_close.as_ref().map(|c| jsonl::Closed {
            by: match c.dir {
                Dir::In => jsonl::Side::Peer,
                Dir::Out => jsonl::Side::Wscope,
            },
            code: c.code,
            reason: c.reason.clone(),
        }),
        received: traffic(e.received),
        sent: traffic(e.sent),
    }
}

/// A received message's line, with what `--decode` and `--filter` made of it.
pub(crate) fn received<'a>(
    at: SystemTime,
    kind: DataKind,
    data: &'a [u8],
    seen: &'a Seen<'_>,
) -> Line<'a> {
    let mut m = jsonl::Message::new(jsonl::Dir::In, opcode(kind), data);
    m.decoded = seen.decoded.map(|format| {
        let (data, encoding) = jsonl::payload(&seen.content, true);
        jsonl::Decoded {
            format: format.name().to_string(),
            len: seen.content.len(),
            data,
            encoding,
        }
    });
    m.decode_error = seen.decode_error.as_ref().map(ToString::to_string);
    match &seen.filtered {
        None => {}
        Some(Filtered::NotJson) => m.filtered = Some(None),
        Some(Filtered::Ran { results, error }) => {
            let results = results.iter().map(|r| match r {
                FilterOutput::Json(s) => Json::new(s),
                FilterOutput::Text(s) => Json::string(s),
            });
            m.filtered = Some(Some(results.collect()));
            m.filter_error = error.clone();
        }
    }
    Line {
        ts: Timestamp::new(at),
        body: Body::Message(m),
    }
}

fn direction(dir: Dir) -> jsonl::Dir {
    match dir {
        Dir::In => jsonl::Dir::In,
        Dir::Out => jsonl::Dir::Out,
    }
}

fn opcode(kind: DataKind) -> jsonl::Opcode {
    match kind {
        DataKind::Text => jsonl::Opcode::Text,
        DataKind::Binary => jsonl::Opcode::Binary,
    }
}

fn timings(t: &Timings) -> jsonl::Timings {
    jsonl::Timings {
        dns_ms: t.dns.into(),
        proxy_ms: t.proxy.map(Millis::new),
        tcp_ms: t.tcp.into(),
        tls_ms: t.tls.map(Millis::new),
        upgrade_ms: t.upgrade.into(),
    }
}

fn deflate(a: &crate::wire::deflate::Agreed) -> jsonl::Deflate {
    jsonl::Deflate {
        server_no_context_takeover: a.server_no_context_takeover,
        client_no_context_takeover: a.client_no_context_takeover,
        server_max_window_bits: a.server_max_window_bits,
        client_max_window_bits: a.client_max_window_bits,
    }
}

fn tls(t: &TlsUp) -> jsonl::Tls {
    let (protocol, cipher) = match &t.protocol {
        Some((version, cipher)) => (Some(version.clone()), Some(cipher.clone())),
        None => (None, None),
    };
    jsonl::Tls {
        protocol,
        cipher,
        tls_ms: t.took.into(),
        verified: !t.insecure,
        certificate: t.certificate.clone(),
    }
}

/// One frame header as the tap saw it, with the captured payload prefix.
fn frame(f: &TappedFrame) -> jsonl::Frame {
    let h = &f.record.header;
    let (payload, _) = jsonl::payload(&f.record.payload, false);
    jsonl::Frame {
        dir: direction(f.dir),
        fin: h.fin,
        rsv1: h.rsv1,
        rsv2: h.rsv2,
        rsv3: h.rsv3,
        opcode: u8::from(h.opcode),
        opcode_name: h.opcode.name().to_string(),
        masked: h.mask.is_some(),
        mask_key: h.mask.map(|k| BinaryOutput::Hex.encode(&k)),
        len: h.payload_len,
        len_encoding: h.len_encoding.name().to_string(),
        header: BinaryOutput::Hex.encode(h.raw()),
        payload: payload.into_owned(),
        payload_encoding: jsonl::Encoding::Base64,
        message_len: f.inflated,
    }
}

pub(crate) mod app;
mod notice;
#[cfg(test)]
mod tests;
