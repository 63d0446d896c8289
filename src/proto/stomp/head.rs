//! A frame's head: the command line and the header lines, up to the blank line.

use super::decoder::Limits;
use super::error::StompError;
use super::escape;
use super::frame::{Command, Version};

/// The command and headers of `head` (its lines, without the blank line that ends them).
pub(super) fn parse(
    version: Version,
    head: &[u8],
    limits: &Limits,
) -> Result<(Command, Vec<(String, String)>), StompError> {
    let mut lines = head.split(|&b| b == b'\n').map(|line| match version {
        Version::V1_2 => line.strip_suffix(b"\r").unwrap_or(line),
        _ => line,
    });
    let first = lines.next().unwrap_or_default();
    let text = std::str::from_utf8(first).map_err(|_| StompError::NotUtf8 { line: 1 })?;
    let command = Command::parse(text)
        .ok_or_else(|| StompError::UnknownCommand(text.chars().take(40).collect()))?;
    let escaped = escape::escapes(version, command);
    let mut headers = Vec::new();
    for (i, line) in lines.enumerate() {
        let number = i + 2;
        if headers.len() == limits.max_headers {
            return Err(StompError::TooManyHeaders {
                limit: limits.max_headers,
            });
        }
        let text = std::str::from_utf8(line).map_err(|_| StompError::NotUtf8 { line: number })?;
        let bad = || StompError::BadHeader {
            line: number,
            text: text.chars().take(60).collect(),
        };
        let (name, value) = text.split_once(':').ok_or_else(bad)?;
        if name.is_empty() {
            return Err(bad());
        }
        let (name, value) = if escaped {
            let name =
                escape::unescape(version, name).map_err(|sequence| StompError::BadEscape {
                    header: name.to_string(),
                    sequence,
                })?;
            let value =
                escape::unescape(version, value).map_err(|sequence| StompError::BadEscape {
                    header: name.clone(),
                    sequence,
                })?;
            (name, value)
        } else {
            (name.to_string(), value.to_string())
        };
        headers.push((name, value));
    }
    Ok((command, headers))
}

/// The body length a frame's first `content-length` header announces, if it has one.
pub(super) fn content_length(
    headers: &[(String, String)],
    limits: &Limits,
) -> Result<Option<usize>, StompError> {
    let Some((_, value)) = headers.iter().find(|(k, _)| k == "content-length") else {
        return Ok(None);
    };
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StompError::BadContentLength(
            value.chars().take(40).collect(),
        ));
    }
    let n = value.parse::<usize>().unwrap_or(usize::MAX);
    if n > limits.max_body {
        return Err(StompError::BodyTooLarge {
            limit: limits.max_body,
            announced: Some(n),
        });
    }
    Ok(Some(n))
}
