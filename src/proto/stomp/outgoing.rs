//! Encoded frames as the WebSocket messages that carry them: a TEXT message when the frame is
//! UTF-8 (as every STOMP-over-WebSocket client sends), else BINARY; with a split size, a frame
//! larger than it goes in several messages of at most that many bytes, cut at character
//! boundaries in text (Spring's brokers limit a WebSocket message, 64 KiB by default, and
//! reassemble frames sent so; stompjs calls it splitLargeFrames). Also the form of a CONNECT
//! shown in `-v`, JSON Lines and recordings: its passcode and Authorization masked. Pure.

use crate::proto::layer::WsMessage;

/// The messages that carry `frame` (its bytes, NUL included), each at most `split` bytes.
pub(crate) fn messages(frame: Vec<u8>, split: Option<usize>) -> Vec<WsMessage> {
    let split = split.filter(|&n| n > 0 && frame.len() > n);
    match (String::from_utf8(frame), split) {
        (Ok(text), None) => vec![WsMessage::Text(text)],
        (Err(e), None) => vec![WsMessage::Binary(e.into_bytes())],
        (Ok(text), Some(n)) => text_pieces(&text, n)
            .into_iter()
            .map(|p| WsMessage::Text(p.to_string()))
            .collect(),
        (Err(e), Some(n)) => e
            .into_bytes()
            .chunks(n)
            .map(|c| WsMessage::Binary(c.to_vec()))
            .collect(),
    }
}

/// `text` cut into pieces of at most `n` bytes (a character longer than `n` is a piece alone).
fn text_pieces(text: &str, n: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = n.min(rest.len());
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        if end == 0 {
            end = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        let (piece, after) = rest.split_at(end);
        pieces.push(piece);
        rest = after;
    }
    pieces
}

/// A sent message as it is shown and recorded: the `passcode` and `Authorization` headers of
/// a CONNECT (or STOMP) frame masked; None when there is nothing to mask.
pub(crate) fn masked(data: &[u8]) -> Option<Vec<u8>> {
    let head_end = data.windows(2).position(|w| w == b"\n\n")?;
    let head = &data[..head_end];
    if !(head.starts_with(b"CONNECT\n") || head.starts_with(b"STOMP\n")) {
        return None;
    }
    let mut out = Vec::with_capacity(data.len());
    let mut masked_any = false;
    for (i, line) in head.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        let secret = line.iter().position(|&b| b == b':').filter(|&colon| {
            let name = &line[..colon];
            name == b"passcode" || name.eq_ignore_ascii_case(b"authorization")
        });
        match secret {
            Some(colon) => {
                out.extend_from_slice(&line[..=colon]);
                out.extend_from_slice(b"****");
                masked_any = true;
            }
            None => out.extend_from_slice(line),
        }
    }
    out.extend_from_slice(&data[head_end..]);
    masked_any.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(m: &[WsMessage]) -> Vec<&str> {
        m.iter()
            .map(|m| match m {
                WsMessage::Text(t) => t.as_str(),
                WsMessage::Binary(_) => "<binary>",
            })
            .collect()
    }

    #[test]
    fn a_frame_is_one_message_unless_split() {
        let frame = b"SEND\ndestination:/q\n\nhello\0".to_vec();
        assert_eq!(
            texts(&messages(frame.clone(), None)),
            ["SEND\ndestination:/q\n\nhello\0"]
        );
        assert_eq!(texts(&messages(frame.clone(), Some(100))).len(), 1);
        let parts = messages(frame.clone(), Some(10));
        assert_eq!(texts(&parts), ["SEND\ndesti", "nation:/q\n", "\nhello\0"]);
        // A character is never cut in two.
        let parts = messages("SEND\n\néé\0".as_bytes().to_vec(), Some(7));
        assert_eq!(texts(&parts), ["SEND\n\n", "éé\0"]);
        assert_eq!(
            texts(&messages("éé".as_bytes().to_vec(), Some(1))),
            ["é", "é"]
        );
        let binary = messages(b"SEND\n\n\xff\xfe\0".to_vec(), Some(4));
        assert_eq!(
            binary,
            [
                WsMessage::Binary(b"SEND".to_vec()),
                WsMessage::Binary(b"\n\n\xff\xfe".to_vec()),
                WsMessage::Binary(b"\0".to_vec())
            ]
        );
    }

    #[test]
    fn the_passcode_of_a_connect_is_masked() {
        let connect = b"CONNECT\naccept-version:1.2\nlogin:guest\npasscode:s3cret\n\n\0";
        assert_eq!(
            masked(connect).unwrap(),
            b"CONNECT\naccept-version:1.2\nlogin:guest\npasscode:****\n\n\0"
        );
        assert_eq!(masked(b"CONNECT\nlogin:guest\n\n\0"), None);
        assert_eq!(
            masked(b"CONNECT\nAuthorization:Bearer x\n\n\0").unwrap(),
            b"CONNECT\nAuthorization:****\n\n\0"
        );
        assert_eq!(masked(b"SEND\npasscode:x\n\n\0"), None);
    }
}
