//! Events as JSON Lines (`--jsonl`): one object per event, `ts` (RFC 3339, UTC, microseconds)
//! and `type` first, byte payloads as text when they are UTF-8 and as base64 otherwise.
//! Credentials in proxy exchanges are masked as on the screen. Pure.

use super::escape::mask_head;
use super::received::{Filtered, Seen};
use crate::display::filter::Output as FilterOutput;
use crate::display::json;
use crate::event::{DataKind, Event, Stamped, Timings, TlsUp};
use crate::wire::tap::{Dir, TappedFrame};
use base64::Engine as _;
use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

/// RFC 3339 UTC timestamp with microseconds.
pub fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_micros(t).to_string()
}

/// Appends `s` as a JSON string literal.
pub fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_bytes_field(out: &mut String, data: &[u8]) {
    match std::str::from_utf8(data) {
        Ok(t) => {
            out.push_str(",\"data\":");
            json_str(out, t);
        }
        Err(_) => base64_data_field(out, data),
    }
}

fn dir_name(dir: Dir) -> &'static str {
    match dir {
        Dir::In => "in",
        Dir::Out => "out",
    }
}

fn json_ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

fn opt_ms(d: Option<Duration>) -> String {
    d.map(json_ms).unwrap_or_else(|| "null".into())
}

/// TLS is up: version and cipher, how long it took, whether the certificate was verified, and
/// what it says.
fn tls_up(o: &mut String, t: &TlsUp) {
    if let Some((version, cipher)) = &t.protocol {
        let _ = write!(
            o,
            "\"tls\",\"protocol\":\"{version}\",\"cipher\":\"{cipher}\","
        );
    } else {
        o.push_str("\"tls\",");
    }
    let _ = write!(
        o,
        "\"tls_ms\":{},\"verified\":{},\"certificate\":[",
        json_ms(t.took),
        !t.insecure
    );
    for (i, line) in t.certificate.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        json_str(o, line);
    }
    o.push(']');
}

/// How long each step of establishing the session took, as `*_ms` fields.
fn timings_fields(o: &mut String, t: &Timings) {
    let _ = write!(
        o,
        "\"dns_ms\":{},\"proxy_ms\":{},\"tcp_ms\":{},\"tls_ms\":{},\"upgrade_ms\":{}",
        json_ms(t.dns),
        opt_ms(t.proxy),
        json_ms(t.tcp),
        opt_ms(t.tls),
        json_ms(t.upgrade)
    );
}

/// The JSON Lines rendering of an event (one object, no trailing newline).
pub fn json_for(ev: &Stamped) -> String {
    let mut o = String::with_capacity(128);
    o.push_str("{\"ts\":\"");
    o.push_str(&rfc3339(ev.at));
    o.push_str("\",\"type\":");
    match &ev.event {
        Event::Frame(f) => frame(&mut o, f),
        e @ (Event::Connected(_)
        | Event::TlsUp(_)
        | Event::Reconnect(_)
        | Event::Timing(_)
        | Event::Tunnel(_)) => connection(&mut o, e),
        e @ (Event::Request { .. } | Event::Response(_) | Event::Upgraded { .. }) => {
            handshake(&mut o, e)
        }
        e @ (Event::Message { .. }
        | Event::Ping { .. }
        | Event::Pong { .. }
        | Event::Close { .. }) => message(&mut o, e),
        e @ (Event::Plain(_) | Event::Info(_) | Event::Warning(_) | Event::Failure(_)) => {
            note(&mut o, e)
        }
    }
    o.push('}');
    o
}

/// Connecting, TLS, proxies, reconnects and the timing summary.
fn connection(o: &mut String, event: &Event) {
    match event {
        Event::Connected(c) => {
            o.push_str("\"connected\",\"url\":");
            json_str(o, &c.url);
            o.push_str(",\"peer\":");
            json_str(o, &c.peer.to_string());
            let _ = write!(
                o,
                ",\"dns_ms\":{},\"tcp_ms\":{}",
                json_ms(c.dns),
                json_ms(c.tcp)
            );
        }
        Event::TlsUp(t) => tls_up(o, t),
        Event::Reconnect(r) => {
            let _ = write!(
                o,
                "\"reconnect\",\"attempt\":{},\"max\":{},\"delay_ms\":{},\"reason\":",
                r.attempt,
                r.max
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "null".into()),
                json_ms(r.delay)
            );
            json_str(o, &r.reason);
        }
        Event::Timing(t) => {
            o.push_str("\"timing\",");
            timings_fields(o, &t.timings);
            let _ = write!(
                o,
                ",\"first_message_ms\":{},\"total_ms\":{}",
                opt_ms(t.first_message),
                json_ms(t.total)
            );
        }
        Event::Tunnel(t) => {
            o.push_str("\"proxy\",\"proxy\":");
            json_str(o, &t.proxy);
            o.push_str(",\"source\":");
            json_str(o, &t.source);
            if let Some((req, resp)) = &t.exchange {
                o.push_str(",\"request\":");
                json_str(o, &mask_head(req));
                o.push_str(",\"response\":");
                json_str(o, &String::from_utf8_lossy(resp));
            }
            let _ = write!(o, ",\"proxy_ms\":{}", json_ms(t.took));
        }
        _ => {}
    }
}

/// The upgrade request and response, verbatim, and what it opened.
fn handshake(o: &mut String, event: &Event) {
    match event {
        Event::Request { bytes } => {
            o.push_str("\"request\",\"head\":");
            json_str(o, &String::from_utf8_lossy(bytes));
        }
        Event::Response(r) => {
            o.push_str("\"response\",\"head\":");
            json_str(o, &String::from_utf8_lossy(&r.head));
            if let Some(b) = &r.body {
                o.push_str(",\"body\":");
                json_str(o, &String::from_utf8_lossy(b));
                let _ = write!(o, ",\"body_truncated\":{}", r.body_truncated);
            }
            o.push_str(",\"timings\":{");
            timings_fields(o, &r.timings);
            o.push('}');
        }
        Event::Upgraded { negotiated } => {
            o.push_str("\"open\",\"subprotocol\":");
            match &negotiated.protocol {
                Some(p) => json_str(o, p),
                None => o.push_str("null"),
            }
            o.push_str(",\"extensions\":[");
            for (i, e) in negotiated.extensions.iter().enumerate() {
                if i > 0 {
                    o.push(',');
                }
                json_str(o, e);
            }
            o.push(']');
            if let Some(a) = &negotiated.deflate {
                let _ = write!(
                    o,
                    ",\"deflate\":{{\"server_no_context_takeover\":{},\"client_no_context_takeover\":{},\"server_max_window_bits\":{},\"client_max_window_bits\":{}}}",
                    a.server_no_context_takeover,
                    a.client_no_context_takeover,
                    a.server_max_window_bits,
                    a.client_max_window_bits
                );
            }
        }
        _ => {}
    }
}

/// Data messages and control frames, each way.
fn message(o: &mut String, event: &Event) {
    match event {
        Event::Message { dir, kind, data } => message_fields(o, *dir, *kind, data),
        Event::Ping { dir, payload } => {
            let _ = write!(
                o,
                "\"ping\",\"dir\":\"{}\",\"len\":{}",
                dir_name(*dir),
                payload.len()
            );
            json_bytes_field(o, payload);
        }
        Event::Pong { dir, payload, rtt } => {
            let _ = write!(
                o,
                "\"pong\",\"dir\":\"{}\",\"len\":{}",
                dir_name(*dir),
                payload.len()
            );
            json_bytes_field(o, payload);
            if let Some(r) = rtt {
                let _ = write!(o, ",\"rtt_ms\":{}", json_ms(*r));
            }
        }
        Event::Close { dir, code, reason } => {
            let _ = write!(o, "\"close\",\"dir\":\"{}\",\"code\":", dir_name(*dir));
            match code {
                Some(c) => {
                    let _ = write!(o, "{c}");
                }
                None => o.push_str("null"),
            }
            o.push_str(",\"reason\":");
            json_str(o, reason);
        }
        _ => {}
    }
}

/// A data message's fields: direction, opcode, length and data (binary as base64).
fn message_fields(o: &mut String, dir: Dir, kind: DataKind, data: &[u8]) {
    let _ = write!(
        o,
        "\"message\",\"dir\":\"{}\",\"opcode\":\"{}\",\"len\":{}",
        dir_name(dir),
        match kind {
            DataKind::Text => "text",
            DataKind::Binary => "binary",
        },
        data.len()
    );
    match kind {
        DataKind::Text => json_bytes_field(o, data),
        DataKind::Binary => base64_data_field(o, data),
    }
}

fn base64_data_field(o: &mut String, data: &[u8]) {
    o.push_str(",\"data\":\"");
    o.push_str(&base64::engine::general_purpose::STANDARD.encode(data));
    o.push_str("\",\"encoding\":\"base64\"");
}

/// A received message as a `message` event, with what `--decode` and `--filter` made of it:
/// `decoded` {`format`, `len`, `data`} or `decode_error`; `filtered` (the results, or null
/// when the message is not JSON) and `filter_error`.
pub fn received(at: SystemTime, kind: DataKind, data: &[u8], seen: &Seen) -> String {
    let mut o = String::with_capacity(128 + data.len());
    o.push_str("{\"ts\":\"");
    o.push_str(&rfc3339(at));
    o.push_str("\",\"type\":");
    message_fields(&mut o, Dir::In, kind, data);
    if let Some(format) = seen.decoded {
        let _ = write!(
            o,
            ",\"decoded\":{{\"format\":\"{}\",\"len\":{}",
            format.name(),
            seen.content.len()
        );
        json_bytes_field(&mut o, &seen.content);
        o.push('}');
    }
    if let Some(e) = &seen.decode_error {
        o.push_str(",\"decode_error\":");
        json_str(&mut o, &e.to_string());
    }
    match &seen.filtered {
        None => {}
        Some(Filtered::NotJson) => o.push_str(",\"filtered\":null"),
        Some(Filtered::Ran { results, error }) => {
            o.push_str(",\"filtered\":[");
            for (i, result) in results.iter().enumerate() {
                if i > 0 {
                    o.push(',');
                }
                match result {
                    FilterOutput::Json(s) if json::is_json(s.as_bytes()) => o.push_str(s),
                    FilterOutput::Json(s) | FilterOutput::Text(s) => json_str(&mut o, s),
                }
            }
            o.push(']');
            if let Some(why) = error {
                o.push_str(",\"filter_error\":");
                json_str(&mut o, why);
            }
        }
    }
    o.push('}');
    o
}

/// One frame header as the tap saw it, with the captured payload prefix.
fn frame(o: &mut String, f: &TappedFrame) {
    let h = &f.record.header;
    let _ = write!(
        o,
        "\"frame\",\"dir\":\"{}\",\"fin\":{},\"rsv1\":{},\"rsv2\":{},\"rsv3\":{},\"opcode\":{},\"opcode_name\":\"{}\",\"masked\":{},\"mask_key\":{},\"len\":{},\"len_encoding\":\"{}\",\"header\":\"{}\"",
        dir_name(f.dir),
        h.fin,
        h.rsv1,
        h.rsv2,
        h.rsv3,
        u8::from(h.opcode),
        h.opcode.name(),
        h.mask.is_some(),
        h.mask
            .map(|k| format!("\"{:02x}{:02x}{:02x}{:02x}\"", k[0], k[1], k[2], k[3]))
            .unwrap_or_else(|| "null".into()),
        h.payload_len,
        h.len_encoding.name(),
        h.raw()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    o.push_str(",\"payload\":\"");
    o.push_str(&base64::engine::general_purpose::STANDARD.encode(&f.record.payload));
    o.push_str("\",\"payload_encoding\":\"base64\"");
    if let Some(n) = f.inflated {
        let _ = write!(o, ",\"message_len\":{n}");
    }
}

/// Remarks, warnings and the error that ends the session.
fn note(o: &mut String, event: &Event) {
    match event {
        Event::Plain(t) | Event::Info(t) => {
            o.push_str("\"info\",\"message\":");
            json_str(o, t);
        }
        Event::Warning(t) => {
            o.push_str("\"warning\",\"message\":");
            json_str(o, t);
        }
        Event::Failure(e) => {
            let _ = write!(
                o,
                "\"error\",\"exit_code\":{},\"message\":",
                e.kind.exit_code()
            );
            json_str(o, &e.message);
            if let Some(h) = &e.hint {
                o.push_str(",\"hint\":");
                json_str(o, h);
            }
        }

        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn json_escapes_strings() {
        let mut s = String::new();
        json_str(&mut s, "a\"b\\c\n\u{1}é");
        assert_eq!(s, "\"a\\\"b\\\\c\\n\\u0001é\"");
    }

    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
        let t = UNIX_EPOCH + Duration::from_micros(1_795_000_000_123_456);
        assert_eq!(rfc3339(t), "2026-11-18T11:06:40.123456Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00.000000Z");
    }

    #[test]
    fn timings_are_written_the_same_in_both_events() {
        let timings = Timings {
            dns: Duration::from_micros(1500),
            proxy: None,
            tcp: Duration::from_millis(2),
            tls: Some(Duration::from_millis(3)),
            upgrade: Duration::from_millis(4),
        };
        let at = |event| Stamped {
            at: UNIX_EPOCH,
            event,
        };
        let fields = "\"dns_ms\":1.500,\"proxy_ms\":null,\"tcp_ms\":2.000,\"tls_ms\":3.000,\"upgrade_ms\":4.000";
        let response = json_for(&at(Event::Response(crate::event::Response {
            head: b"HTTP/1.1 101 OK\r\n\r\n".to_vec(),
            body: None,
            body_truncated: false,
            timings,
        })));
        assert!(
            response.contains(&format!("\"timings\":{{{fields}}}")),
            "{response}"
        );
        let timing = json_for(&at(Event::Timing(crate::event::TimingSummary {
            timings,
            first_message: None,
            total: Duration::from_millis(10),
        })));
        assert!(
            timing.ends_with(&format!(
                "\"type\":\"timing\",{fields},\"first_message_ms\":null,\"total_ms\":10.000}}"
            )),
            "{timing}"
        );
    }
}
