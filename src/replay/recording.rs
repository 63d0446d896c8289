//! Reading a recording (`--record FILE`, the `--jsonl` schema) back through the JSON Lines
//! types (`jsonl`): the URL, the data messages sent with their moments, and the data
//! messages received, of its first connection.

use crate::event::DataKind;
use crate::input::schedule::Timed;
use crate::jsonl::{self, Body, ReadError, Timestamp};
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// The bytes of a message kept to show it: more than a diff shows of one (200 characters of
/// at most 4 bytes each).
const HEAD: usize = 1024;

/// A data message as recorded or received, to compare: its kind, its size, a digest of its
/// bytes and its first bytes (to show). Bounded, however large the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recorded {
    pub kind: DataKind,
    pub len: usize,
    digest: u64,
    /// The first [`HEAD`] bytes.
    pub head: Vec<u8>,
}

impl Recorded {
    pub(crate) fn new(kind: DataKind, data: &[u8]) -> Recorded {
        let mut hasher = DefaultHasher::new();
        data.hash(&mut hasher);
        Recorded {
            kind,
            len: data.len(),
            digest: hasher.finish(),
            head: data[..data.len().min(HEAD)].to_vec(),
        }
    }

    /// Whether the whole message is in `head`.
    pub(crate) fn whole(&self) -> bool {
        self.head.len() == self.len
    }
}

/// What a replay needs from a recording.
#[derive(Debug, Default)]
pub(crate) struct Recording {
    /// The URL of the first connection.
    pub url: Option<String>,
    /// Messages sent, with their offsets from the moment the connection opened.
    pub sent: Vec<Timed>,
    /// Messages received, in order.
    pub received: Vec<Recorded>,
    /// How many connections the recording holds (`--reconnect`); only the first is used.
    pub connections: usize,
    /// The application protocol the first connection spoke (`--proto`): its name and the URL
    /// the user gave. Then `sent` and `received` are its application messages.
    pub proto: Option<jsonl::Proto>,
}

/// A line that is not a recorded event.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BadLine {
    pub line: usize,
    pub why: String,
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.why)
    }
}

/// Reads a recording. Events the replay does not use (frames, pings, notes, and types this
/// version does not know) are skipped; lines that are not events are errors.
pub(crate) fn parse(text: &str) -> Result<Recording, BadLine> {
    let mut rec = Recording::default();
    let mut opened: Option<Timestamp> = None;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: String| BadLine { line: i + 1, why };
        let line = match jsonl::read(line) {
            Ok(line) => line,
            Err(ReadError::UnknownType(_)) => continue,
            Err(e) => return Err(bad(e.to_string())),
        };
        match line.body {
            Body::Connected(c) if rec.url.is_none() => rec.url = Some(c.url.into_owned()),
            Body::Open(o) => {
                rec.connections += 1;
                if rec.connections == 1 {
                    opened = Some(line.ts);
                    rec.proto = o.proto;
                }
            }
            Body::Message(m) if rec.connections == 1 && rec.proto.is_some() => {
                let since = opened.and_then(|o| line.ts.time().duration_since(o.time()).ok());
                app_messages(&mut rec, &m, since.unwrap_or(Duration::ZERO));
            }
            Body::Message(m) if rec.connections == 1 => {
                let data = m.bytes().map_err(bad)?;
                let kind = match m.opcode {
                    jsonl::Opcode::Text => DataKind::Text,
                    jsonl::Opcode::Binary => DataKind::Binary,
                };
                if m.dir == jsonl::Dir::In {
                    rec.received.push(Recorded::new(kind, &data));
                    continue;
                }
                let since = opened.and_then(|o| line.ts.time().duration_since(o.time()).ok());
                let message = match kind {
                    DataKind::Text => Message::text(
                        String::from_utf8(data.into_owned())
                            .map_err(|_| bad("a text message is not UTF-8".into()))?,
                    ),
                    DataKind::Binary => Message::binary(data.into_owned()),
                };
                rec.sent.push(Timed {
                    at: since.unwrap_or(Duration::ZERO),
                    message,
                });
            }
            _ => {}
        }
    }
    Ok(rec)
}

/// A message of a connection that spoke an application protocol: what the user sent is
/// replayed as the input that sent it (a new session makes its own handshake and keepalive),
/// what arrived is compared as the application messages printed.
fn app_messages(rec: &mut Recording, m: &jsonl::Message<'_>, since: Duration) {
    for app in m.app.iter().flatten() {
        match (m.dir, &app.input) {
            (jsonl::Dir::Out, Some(input)) => rec.sent.push(Timed {
                at: since,
                message: Message::text(input.as_str()),
            }),
            (jsonl::Dir::In, _) => rec
                .received
                .push(Recorded::new(DataKind::Text, app.printed().as_bytes())),
            (jsonl::Dir::Out, None) => {}
        }
    }
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
        assert_eq!(rec.received, [Recorded::new(DataKind::Text, b"hello")]);
    }

    #[test]
    fn the_end_of_a_run_is_read_and_changes_nothing() {
        let end = r#"{"v":1,"ts":"2026-11-30T18:11:34.4Z","type":"end","exit_code":0,"meaning":"clean close","close":{"by":"wscope","code":1000,"reason":""},"received":{"messages":1,"bytes":5},"sent":{"messages":2,"bytes":8}}"#;
        let with_end = parse(&format!("{SESSION}{end}\n")).expect("valid");
        let without = parse(SESSION).expect("valid");
        assert_eq!(format!("{with_end:?}"), format!("{without:?}"));
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
