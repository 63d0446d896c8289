//! Reading a recording (`--record FILE`, the `--jsonl` schema) back: the URL, the data
//! messages sent with their moments, and the data messages received, of its first connection.

use crate::event::DataKind;
use crate::input::schedule::Timed;
use base64::Engine;
use serde_json::Value;
use std::fmt;
use std::time::{Duration, SystemTime};
use tokio_tungstenite::tungstenite::Message;

/// A data message as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub kind: DataKind,
    pub data: Vec<u8>,
}

/// What a replay needs from a recording.
#[derive(Debug, Default)]
pub struct Recording {
    /// The URL of the first connection.
    pub url: Option<String>,
    /// Messages sent, with their offsets from the moment the connection opened.
    pub sent: Vec<Timed>,
    /// Messages received, in order.
    pub received: Vec<Recorded>,
    /// How many connections the recording holds (`--reconnect`); only the first is used.
    pub connections: usize,
}

/// A line that is not a recorded event.
#[derive(Debug, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub why: String,
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.why)
    }
}

/// Reads a recording. Events the replay does not use (frames, pings, notes) are skipped;
/// lines that are not JSON objects with a type are errors.
pub fn parse(text: &str) -> Result<Recording, BadLine> {
    let mut rec = Recording::default();
    let mut opened: Option<SystemTime> = None;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: String| BadLine { line: i + 1, why };
        let ev: Value = serde_json::from_str(line).map_err(|e| bad(format!("not JSON: {e}")))?;
        let kind = ev["type"]
            .as_str()
            .ok_or_else(|| bad("no \"type\": not a wscope event".into()))?;
        match kind {
            "connected" if rec.url.is_none() => rec.url = ev["url"].as_str().map(String::from),
            "open" => {
                rec.connections += 1;
                if rec.connections == 1 {
                    opened = Some(timestamp(&ev).map_err(bad)?);
                }
            }
            "message" if rec.connections == 1 => {
                let msg = message(&ev).map_err(bad)?;
                match ev["dir"].as_str() {
                    Some("out") => {
                        let at = timestamp(&ev).map_err(bad)?;
                        let since = opened.and_then(|o| at.duration_since(o).ok());
                        rec.sent.push(Timed {
                            at: since.unwrap_or(Duration::ZERO),
                            message: match msg.kind {
                                DataKind::Text => Message::text(
                                    String::from_utf8(msg.data)
                                        .map_err(|_| bad("a text message is not UTF-8".into()))?,
                                ),
                                DataKind::Binary => Message::binary(msg.data),
                            },
                        });
                    }
                    Some("in") => rec.received.push(msg),
                    _ => return Err(bad("a message without \"dir\": in or out".into())),
                }
            }
            _ => {}
        }
    }
    Ok(rec)
}

fn timestamp(ev: &Value) -> Result<SystemTime, String> {
    let ts = ev["ts"].as_str().ok_or("no \"ts\" timestamp")?;
    humantime::parse_rfc3339(ts).map_err(|e| format!("timestamp {ts:?}: {e}"))
}

/// A `message` event's content: `data` as text, or base64 when `encoding` says so.
fn message(ev: &Value) -> Result<Recorded, String> {
    let kind = match ev["opcode"].as_str() {
        Some("text") => DataKind::Text,
        Some("binary") => DataKind::Binary,
        other => return Err(format!("a message with opcode {other:?}")),
    };
    let data = ev["data"].as_str().ok_or("a message without \"data\"")?;
    let data = match ev["encoding"].as_str() {
        None => data.as_bytes().to_vec(),
        Some("base64") => base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| format!("base64 data: {e}"))?,
        Some(other) => return Err(format!("unknown encoding {other:?}")),
    };
    Ok(Recorded { kind, data })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SESSION: &str = r#"{"ts":"2026-11-30T18:11:33.308829Z","type":"connected","url":"ws://127.0.0.1:9123/","peer":"127.0.0.1:9123","dns_ms":0.013,"tcp_ms":0.166}
{"ts":"2026-11-30T18:11:33.309851Z","type":"open","subprotocol":null,"extensions":[]}
{"ts":"2026-11-30T18:11:33.810000Z","type":"message","dir":"out","opcode":"text","len":5,"data":"hello"}
{"ts":"2026-11-30T18:11:33.810784Z","type":"message","dir":"in","opcode":"text","len":5,"data":"hello"}
{"ts":"2026-11-30T18:11:34.309851Z","type":"message","dir":"out","opcode":"binary","len":3,"data":"AQL/","encoding":"base64"}
{"ts":"2026-11-30T18:11:34.310000Z","type":"ping","dir":"out","len":0,"data":""}
{"ts":"2026-11-30T18:11:34.312191Z","type":"close","dir":"out","code":1000,"reason":""}
"#;

    #[test]
    fn reads_the_url_the_messages_and_their_moments() {
        let rec = parse(SESSION).expect("valid");
        assert_eq!(rec.url.as_deref(), Some("ws://127.0.0.1:9123/"));
        assert_eq!(rec.connections, 1);
        let sent: Vec<_> = rec
            .sent
            .iter()
            .map(|t| (t.at.as_micros(), t.message.clone()))
            .collect();
        assert_eq!(
            sent,
            [
                (500_149, Message::text("hello")),
                (1_000_000, Message::binary(vec![1, 2, 0xff])),
            ]
        );
        assert_eq!(
            rec.received,
            [Recorded {
                kind: DataKind::Text,
                data: b"hello".to_vec()
            }]
        );
    }

    #[test]
    fn only_the_first_connection_is_replayed() {
        let second = "{\"ts\":\"2026-11-30T18:12:00Z\",\"type\":\"open\"}\n\
            {\"ts\":\"2026-11-30T18:12:01Z\",\"type\":\"message\",\"dir\":\"out\",\"opcode\":\"text\",\"data\":\"later\"}\n";
        let rec = parse(&format!("{SESSION}{second}")).expect("valid");
        assert_eq!(rec.connections, 2);
        assert_eq!(rec.sent.len(), 2);
    }

    #[test]
    fn lines_that_are_not_events_name_their_line() {
        let cases = [
            (
                "{\"ts\":\"x\"}\n",
                "line 1: no \"type\": not a wscope event",
            ),
            ("\nnot json\n", "line 2: not JSON"),
            (
                "{\"type\":\"open\",\"ts\":\"2026-11-30T18:12:00Z\"}\n{\"type\":\"message\",\"dir\":\"out\",\"opcode\":\"binary\",\"data\":\"!!\",\"encoding\":\"base64\",\"ts\":\"2026-11-30T18:12:00Z\"}",
                "line 2: base64 data",
            ),
            (
                "{\"type\":\"open\",\"ts\":\"yesterday\"}",
                "line 1: timestamp \"yesterday\"",
            ),
        ];
        for (text, want) in cases {
            let err = parse(text).expect_err(text).to_string();
            assert!(err.starts_with(want), "{err:?} for {text:?}");
        }
    }
}
