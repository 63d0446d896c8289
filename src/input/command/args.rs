//! The arguments of the REPL's commands, checked against RFC 6455's limits before anything is
//! sent: binary data (hex, base64, a file), control payloads, close codes and reasons,
//! fragment counts, and the bits of a hand-built frame. Pure.

use super::{BinarySource, Command, Outgoing};
use crate::wire::deflate::{Compressor, DEFAULT_LEVEL, MAX_WINDOW_BITS};
use crate::wire::opcode::Opcode;
use base64::Engine as _;
use std::path::PathBuf;

pub(super) fn parse_frag(name: &str, args: &str, ping_between: bool) -> Result<Command, String> {
    let (n, text) = args
        .split_once(' ')
        .ok_or_else(|| format!("/{name} needs a count and text, e.g. /{name} 3 hello"))?;
    let parts: usize = n
        .parse()
        .ok()
        .filter(|n| (1..=65_536).contains(n))
        .ok_or_else(|| format!("/{name}: '{n}' is not a fragment count from 1 to 65536"))?;
    Ok(Command::Send(Outgoing::Frag {
        parts,
        text: text.to_string(),
        ping_between,
    }))
}

pub(super) fn no_args(name: &str, args: &str, c: Command) -> Result<Command, String> {
    if args.trim().is_empty() {
        Ok(c)
    } else {
        Err(format!("/{name} takes no arguments"))
    }
}

pub(super) fn control_payload(what: &str, args: &str) -> Result<Vec<u8>, String> {
    let p = args.as_bytes().to_vec();
    if p.len() > 125 {
        return Err(format!(
            "a {what} payload is at most 125 bytes (RFC 6455 §5.5); this one is {}",
            p.len()
        ));
    }
    Ok(p)
}

pub(super) fn parse_close(args: &str) -> Result<Option<(u16, String)>, String> {
    if args.is_empty() {
        return Ok(None);
    }
    let (code, reason) = match args.split_once(' ') {
        Some((c, r)) => (c, r.to_string()),
        None => (args, String::new()),
    };
    let code: u16 = code
        .parse()
        .map_err(|_| format!("close code '{code}' is not a number (e.g. /close 1000 bye)"))?;
    if !crate::wire::frame::close_code_sendable(code) {
        return Err(format!(
            "close code {code} may not be sent (RFC 6455 §7.4): use 1000-1003, 1007-1014 or 3000-4999"
        ));
    }
    if reason.len() > 123 {
        return Err(format!(
            "a close reason is at most 123 bytes (125 minus the code); this one is {}",
            reason.len()
        ));
    }
    Ok(Some((code, reason)))
}

/// Parses `/frame FIN RSV OPCODE [DATA]`.
pub(super) fn parse_frame(args: &str) -> Result<Command, String> {
    let usage = "usage: /frame FIN RSV OPCODE [DATA], e.g. /frame 0 000 text hel";
    let mut it = args.trim_start().splitn(4, ' ');
    let (Some(fin), Some(rsv), Some(op)) = (it.next(), it.next(), it.next()) else {
        return Err(usage.into());
    };
    let fin = match fin {
        "1" => true,
        "0" => false,
        other => return Err(format!("FIN is 0 or 1, not '{other}'; {usage}")),
    };
    let bits: Vec<bool> = rsv.chars().map(|c| c == '1').collect();
    if rsv.len() != 3 || !rsv.chars().all(|c| c == '0' || c == '1') {
        return Err(format!(
            "RSV is three bits like 000 or 100, not '{rsv}'; {usage}"
        ));
    }
    let opcode = match op.to_ascii_lowercase().as_str() {
        "cont" | "continuation" => Opcode::Continuation,
        "text" => Opcode::Text,
        "bin" | "binary" => Opcode::Binary,
        "close" => Opcode::Close,
        "ping" => Opcode::Ping,
        "pong" => Opcode::Pong,
        n => {
            let v = match n.strip_prefix("0x") {
                Some(h) => u8::from_str_radix(h, 16).ok(),
                None => n.parse().ok(),
            };
            v.filter(|v| *v < 16).map(Opcode::from).ok_or_else(|| {
                format!(
                    "OPCODE is a name (cont, text, binary, close, ping, pong) or 0-15, not '{op}'"
                )
            })?
        }
    };
    let data = it.next().unwrap_or("");
    let payload = if let Some(n) = data.strip_prefix('*') {
        let n: usize = n
            .parse()
            .ok()
            .filter(|n| *n <= 16 << 20)
            .ok_or_else(|| format!("'*{n}' needs a byte count up to 16 MiB"))?;
        BinarySource::Bytes(vec![b'x'; n])
    } else if let Some(text) = data.strip_prefix("deflate:") {
        BinarySource::Bytes(deflated(text.as_bytes()))
    } else if data.starts_with("0x") || data.starts_with("base64:") || data.starts_with('@') {
        parse_binary(data)?
    } else {
        BinarySource::Bytes(data.as_bytes().to_vec())
    };
    Ok(Command::Send(Outgoing::Frame {
        fin,
        rsv: [bits[0], bits[1], bits[2]],
        opcode,
        payload,
    }))
}

/// Parses `/binary` data: `0x..`, spaced hex, `base64:...`, or `@FILE`.
pub(crate) fn parse_binary(args: &str) -> Result<BinarySource, String> {
    if args.is_empty() {
        return Err("/binary needs data: 0x00ff, 00 ff, base64:AAE=, or @FILE".into());
    }
    if let Some(path) = args.strip_prefix('@') {
        if path.is_empty() {
            return Err("/binary @ needs a file name".into());
        }
        return Ok(BinarySource::File(PathBuf::from(path)));
    }
    if let Some(b64) = args.strip_prefix("base64:") {
        return base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map(BinarySource::Bytes)
            .map_err(|e| format!("invalid base64: {e}"));
    }
    let hex = args
        .strip_prefix("0x")
        .or_else(|| args.strip_prefix("0X"))
        .unwrap_or(args);
    parse_hex(hex).map(BinarySource::Bytes)
}

/// Decodes hex digits, ignoring spaces, colons and `0x` prefixes between bytes.
pub(crate) fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let digits: String = s
        .split([' ', ':', ','])
        .map(|p| p.trim_start_matches("0x").trim_start_matches("0X"))
        .collect();
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!("{bad:?} is not a hex digit"));
    }
    if digits.len() % 2 != 0 {
        return Err(format!(
            "hex data has an odd number of digits ({})",
            digits.len()
        ));
    }
    let nibble = |b: u8| char::from(b).to_digit(16).unwrap_or(0) as u8;
    Ok(digits
        .as_bytes()
        .chunks(2)
        .map(|pair| nibble(pair[0]) << 4 | nibble(pair[1]))
        .collect())
}

/// `bytes` compressed as one permessage-deflate message on its own (a fresh window, the
/// trailing `00 00 ff ff` removed), for `/frame 1 100 text deflate:...`.
fn deflated(bytes: &[u8]) -> Vec<u8> {
    let mut c = Compressor::new(MAX_WINDOW_BITS, true, DEFAULT_LEVEL);
    let mut out = Vec::new();
    // Compressing into memory cannot fail; an empty payload is what remains if it did.
    if c.compress(bytes, &mut out)
        .and(c.finish_message(&mut out))
        .is_err()
    {
        out.clear();
    }
    out
}
