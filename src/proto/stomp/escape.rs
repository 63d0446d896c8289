//! Header value encoding. STOMP 1.1 escapes backslash (`\\`), line feed (`\n`) and colon
//! (`\c`) in header names and values; 1.2 adds carriage return (`\r`). Any other escape is a
//! fatal error. STOMP 1.0 has no escapes, and CONNECT and CONNECTED frames are never escaped
//! (so that a server that does not yet know the version reads them right): there a header
//! cannot hold a line break at all.

use super::frame::{Command, Version};

/// Whether headers of `command` frames are escaped in `version`.
pub(crate) fn escapes(version: Version, command: Command) -> bool {
    version != Version::V1_0 && !matches!(command, Command::Connect | Command::Connected)
}

/// Undoes the escapes of a received header name or value; `Err` holds the offending
/// sequence (`\t`, or a lone `\` at the end).
pub(crate) fn unescape(version: Version, text: &str) -> Result<String, String> {
    if !text.contains('\\') {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('c') => out.push(':'),
            Some('r') if version >= Version::V1_2 => out.push('\r'),
            Some(other) => return Err(format!("\\{other}")),
            None => return Err("\\".into()),
        }
    }
    Ok(out)
}

/// Escapes a header name or value to send; `Err` names the character that `version` cannot
/// carry in a header.
pub(crate) fn escape(version: Version, text: &str) -> Result<String, char> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            ':' => out.push_str("\\c"),
            '\r' if version >= Version::V1_2 => out.push_str("\\r"),
            '\r' => return Err('\r'),
            c => out.push(c),
        }
    }
    Ok(out)
}
