//! Unit tests of the STOMP decoder, encoder and heart-beat arithmetic, with the frames of the
//! STOMP 1.2 specification.

use super::decoder::{Decoder, Item, Limits};
use super::encoder::{self, AckMode, AckTarget, Connect};
use super::error::{EncodeError, StompError};
use super::frame::{Command, Frame, Version};
use super::heartbeat::{self, HeartBeat};
use std::time::Duration;

fn decode_all(version: Version, bytes: &[u8]) -> Result<Vec<Item>, StompError> {
    let mut d = Decoder::new(Limits::default());
    d.set_version(version);
    d.push(bytes);
    let mut items = Vec::new();
    while let Some(item) = d.next_item()? {
        items.push(item);
    }
    d.finish()?;
    Ok(items)
}

fn frames(bytes: &[u8]) -> Vec<Frame> {
    decode_all(Version::V1_2, bytes)
        .unwrap()
        .into_iter()
        .filter_map(|i| match i {
            Item::Frame(f) => Some(f),
            _ => None,
        })
        .collect()
}

fn one(bytes: &[u8]) -> Frame {
    let mut all = frames(bytes);
    assert_eq!(all.len(), 1, "{:?}", String::from_utf8_lossy(bytes));
    all.remove(0)
}

const ERROR_BODY: &str = "The message:\n-----\nMESSAGE\ndestined:/queue/a\nreceipt:message-12345\n\nHello queue a!\n-----\nDid not contain a destination header, which is REQUIRED\nfor message propagation.\n";

#[test]
fn the_specifications_frames() {
    let f = one(b"CONNECTED\nversion:1.2\n\n\0");
    assert_eq!(f, Frame::new(Command::Connected).header("version", "1.2"));
    let f = one(b"MESSAGE\nsubscription:0\nmessage-id:007\ndestination:/queue/a\ncontent-type:text/plain\n\nhello queue a\0");
    assert_eq!(f.command, Command::Message);
    assert_eq!(f.get("message-id"), Some("007"));
    assert_eq!(f.body, b"hello queue a");
    let f = one(b"RECEIPT\nreceipt-id:message-12345\n\n\0");
    assert_eq!(f.get("receipt-id"), Some("message-12345"));
    let error = format!(
        "ERROR\nreceipt-id:message-12345\ncontent-type:text/plain\ncontent-length:{}\nmessage:malformed frame received\n\n{ERROR_BODY}\0",
        ERROR_BODY.len()
    );
    let f = one(error.as_bytes());
    assert_eq!(f.get("message"), Some("malformed frame received"));
    assert_eq!(f.body, ERROR_BODY.as_bytes());
    // Repeated headers: the first counts, all are kept.
    let f = one(b"MESSAGE\nfoo:World\nfoo:Hello\n\n\0");
    assert_eq!(f.get("foo"), Some("World"));
    assert_eq!(f.headers.len(), 2);
    assert_eq!(f.get("bar"), None);
}

#[test]
fn frames_in_pieces_several_in_one_message_and_heart_beats_between() {
    let stream: &[u8] = b"\nMESSAGE\ndestination:/q\ncontent-length:5\n\na\0b\0c\0\r\n\nRECEIPT\r\nreceipt-id:1\r\n\r\n\0\n";
    let whole = decode_all(Version::V1_2, stream).unwrap();
    let beats = whole.iter().filter(|i| **i == Item::HeartBeat).count();
    assert_eq!(beats, 4);
    let fs: Vec<&Frame> = whole
        .iter()
        .filter_map(|i| match i {
            Item::Frame(f) => Some(f),
            _ => None,
        })
        .collect();
    assert_eq!(fs[0].body, b"a\0b\0c");
    assert_eq!(fs[1].get("receipt-id"), Some("1"));
    for cut in 0..=stream.len() {
        for cut2 in cut..=stream.len() {
            let mut d = Decoder::new(Limits::default());
            let mut got = Vec::new();
            for piece in [&stream[..cut], &stream[cut..cut2], &stream[cut2..]] {
                d.push(piece);
                while let Some(item) = d.next_item().unwrap() {
                    got.push(item);
                }
            }
            assert_eq!(got, whole, "cuts {cut} {cut2}");
            assert_eq!(d.finish(), Ok(()));
        }
    }
}

#[test]
fn header_escapes_by_version_and_frame() {
    let f = one(b"MESSAGE\nfoo:a\\cb\\nc\\\\d\\re\nk\\cey:v\n\n\0");
    assert_eq!(f.get("foo"), Some("a:b\nc\\d\re"));
    assert_eq!(f.get("k:ey"), Some("v"));
    // CONNECTED is never unescaped; a colon in a value stays.
    let f = one(b"CONNECTED\nserver:a\\cb\nurl:http://x:1\n\n\0");
    assert_eq!(f.get("server"), Some("a\\cb"));
    assert_eq!(f.get("url"), Some("http://x:1"));
    let v10 = decode_all(Version::V1_0, b"MESSAGE\nfoo:a\\nb\n\n\0").unwrap();
    assert!(matches!(&v10[0], Item::Frame(f) if f.get("foo") == Some("a\\nb")));
    let bad = |v, b: &[u8]| decode_all(v, b).unwrap_err();
    assert_eq!(
        bad(Version::V1_1, b"MESSAGE\nfoo:a\\rb\n\n\0"),
        StompError::BadEscape {
            header: "foo".into(),
            sequence: "\\r".into()
        }
    );
    assert_eq!(
        bad(Version::V1_2, b"MESSAGE\nfoo:a\\tb\n\n\0").to_string(),
        "the header \"foo\" holds \"\\\\t\", an escape STOMP does not define"
    );
    assert!(matches!(
        bad(Version::V1_2, b"MESSAGE\nfoo:a\\\n\n\0"),
        StompError::BadEscape { .. }
    ));
    assert!(matches!(
        bad(Version::V1_2, b"MESSAGE\nf\\x:a\n\n\0"),
        StompError::BadEscape { .. }
    ));
}

/// The first error decoding `bytes` in one push, with small limits.
fn first_error(bytes: &[u8]) -> StompError {
    let limits = Limits {
        max_headers: 2,
        max_head: 40,
        max_body: 8,
    };
    let mut d = Decoder::new(limits);
    d.push(bytes);
    loop {
        match d.next_item() {
            Err(e) => return e,
            Ok(Some(_)) => {}
            Ok(None) => return d.finish().unwrap_err(),
        }
    }
}

#[test]
fn malformed_frames_are_typed_errors_in_words() {
    use StompError::*;
    #[rustfmt::skip]
    let cases: [(&[u8], StompError); 16] = [
        (b"FOO\n\n\0", UnknownCommand("FOO".into())),
        (b"send\n\n\0", UnknownCommand("send".into())),
        (b"SEND\nnocolon\n\n\0", BadHeader { line: 2, text: "nocolon".into() }),
        (b"SEND\na:1\n:v\n\n\0", BadHeader { line: 3, text: ":v".into() }),
        (b"SEND\na:\xff\n\n\0", NotUtf8 { line: 2 }),
        (b"SEND\xff\n\n\0", NotUtf8 { line: 1 }),
        (b"SEND\ncontent-length:x1\n\n\0", BadContentLength("x1".into())),
        (b"SEND\ncontent-length: 1\n\nx\0", BadContentLength(" 1".into())),
        (b"SEND\ncontent-length:9\n\n", BodyTooLarge { limit: 8, announced: Some(9) }),
        (b"SEND\ncontent-length:99999999999999999999\n\n", BodyTooLarge { limit: 8, announced: Some(usize::MAX) }),
        (b"SEND\n\n123456789", BodyTooLarge { limit: 8, announced: None }),
        (b"SEND\n\n123456789\0", BodyTooLarge { limit: 8, announced: None }),
        (b"SEND\na:1\nb:2\nc:3\n\n\0", TooManyHeaders { limit: 2 }),
        (&[b'A'; 41], HeadTooLarge { limit: 40 }),
        (b"\rSEND", LoneCarriageReturn),
        (b"SEND\n\nabc", Truncated { buffered: 9 }),
    ];
    for (bytes, error) in cases {
        assert_eq!(
            first_error(bytes),
            error,
            "{:?}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn errors_read_as_sentences_and_a_bad_frame_costs_only_itself() {
    assert_eq!(
        first_error(b"send\n\n\0").to_string(),
        "\"send\" is not a STOMP command"
    );
    let receipt = || Ok(Some(Item::Frame(Frame::new(Command::Receipt))));
    let mut d = Decoder::new(Limits::default());
    d.push(b"FOO\n\n\0RECEIPT\n");
    assert!(d.next_item().is_err());
    assert_eq!(d.next_item(), Ok(None));
    d.push(b"\n\0");
    assert_eq!(d.next_item(), receipt());
    // A bad frame in pieces: its bytes are dropped up to its NUL, whenever that comes.
    d.push(b"SEND\nno header\n\nbody");
    assert!(matches!(
        d.next_item(),
        Err(StompError::BadHeader { line: 2, .. })
    ));
    d.push(b" goes on");
    assert_eq!(d.next_item(), Ok(None));
    assert_eq!(d.buffered(), 0);
    d.push(b" and ends\0RECEIPT\n\n\0");
    assert_eq!(d.next_item(), receipt());
    // A stray carriage return costs only itself.
    d.push(b"\rRECEIPT\n\n\0");
    assert_eq!(d.next_item(), Err(StompError::LoneCarriageReturn));
    assert_eq!(d.next_item(), receipt());
    assert_eq!(d.finish(), Ok(()));
}

#[test]
fn a_frame_without_its_nul_is_taken_as_it_came() {
    let mut d = Decoder::new(Limits::default());
    // With content-length: whatever follows the body is the next frame.
    d.push(b"MESSAGE\ncontent-length:3\n\nabcRECEIPT\n\n\0");
    let unterminated = Frame::new(Command::Message)
        .header("content-length", "3")
        .body("abc");
    assert_eq!(d.next_item(), Ok(Some(Item::Unterminated(unterminated))));
    assert_eq!(
        d.next_item(),
        Ok(Some(Item::Frame(Frame::new(Command::Receipt))))
    );
    // Without: the next WebSocket message that starts a frame ends it.
    d.push(b"MESSAGE\nk:v\n\nno nul");
    assert_eq!(d.next_item(), Ok(None));
    assert_eq!(d.cut_unterminated(b"more of the body"), None);
    d.push(b", more");
    assert_eq!(d.next_item(), Ok(None));
    let cut = Frame::new(Command::Message)
        .header("k", "v")
        .body("no nul, more");
    assert_eq!(d.cut_unterminated(b"MESSAGE\r\n\n\0"), Some(Ok(cut)));
    assert_eq!(d.buffered(), 0);
    // A head that never ended.
    d.push(b"MESSAGE\nk:v");
    assert_eq!(d.next_item(), Ok(None));
    assert_eq!(
        d.cut_unterminated(b"ERROR\n\n\0"),
        Some(Err(StompError::Truncated { buffered: 11 }))
    );
    assert_eq!(d.cut_unterminated(b"ERROR\n\n\0"), None);
    d.push(b"ERROR\n\n\0");
    assert_eq!(
        d.next_item(),
        Ok(Some(Item::Frame(Frame::new(Command::Error))))
    );
}

#[test]
fn frames_on_the_wire() {
    let v12 = Version::V1_2;
    let send = encoder::send(
        "/queue/a",
        &[("content-type".into(), "text/plain".into())],
        b"hello queue a",
    );
    assert_eq!(
        encoder::encode(v12, &send).unwrap(),
        b"SEND\ndestination:/queue/a\ncontent-type:text/plain\n\nhello queue a\0"
    );
    let nul = encoder::send("/q", &[], b"a\0b");
    assert_eq!(
        encoder::encode(v12, &nul).unwrap(),
        b"SEND\ndestination:/q\ncontent-length:3\n\na\0b\0"
    );
    let escaped = Frame::new(Command::Send).header("a:b", "x\ny\\z\r");
    assert_eq!(
        encoder::encode(v12, &escaped).unwrap(),
        b"SEND\na\\cb:x\\ny\\\\z\\r\n\n\0"
    );
    let e = encoder::encode(Version::V1_1, &escaped).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the header \"x\\ny\\\\z\\r\" cannot be sent: STOMP 1.1 has no escape for a carriage return"
    );
    let e = encoder::encode(Version::V1_0, &escaped).unwrap_err();
    assert!(matches!(e, EncodeError::Unsendable { .. }));
    let connect = Frame::new(Command::Connect).header("login", "a\nb");
    assert!(encoder::encode(v12, &connect).is_err());
    let colon = Frame::new(Command::Connect).header("passcode", "a:b");
    assert_eq!(
        encoder::encode(v12, &colon).unwrap(),
        b"CONNECT\npasscode:a:b\n\n\0"
    );
    assert!(encoder::encode(v12, &Frame::new(Command::Connect).header("a:b", "")).is_err());
    assert!(encoder::encode(v12, &Frame::new(Command::Send).header("", "v")).is_err());
    let wrong = Frame::new(Command::Send)
        .header("content-length", "5")
        .body("abc");
    assert_eq!(
        encoder::encode(v12, &wrong).unwrap_err().to_string(),
        "content-length \"5\" does not match the body of 3 bytes"
    );
    let right = Frame::new(Command::Send)
        .header("content-length", "3")
        .body("a\0c");
    assert_eq!(
        encoder::encode(v12, &right).unwrap(),
        b"SEND\ncontent-length:3\n\na\0c\0"
    );
}

#[test]
fn the_clients_frames() {
    let connect = encoder::connect(&Connect {
        host: "/".into(),
        login: Some("guest".into()),
        passcode: Some("guest".into()),
        heart_beat: HeartBeat {
            send: 10000,
            receive: 10000,
        },
    });
    assert_eq!(
        encoder::encode(Version::V1_2, &connect).unwrap(),
        b"CONNECT\naccept-version:1.0,1.1,1.2\nhost:/\nlogin:guest\npasscode:guest\nheart-beat:10000,10000\n\n\0"
    );
    let sub = encoder::subscribe(
        "0",
        "/queue/foo",
        AckMode::Client,
        &[("selector".into(), "a".into())],
    );
    assert_eq!(
        encoder::encode(Version::V1_2, &sub).unwrap(),
        b"SUBSCRIBE\nid:0\ndestination:/queue/foo\nack:client\nselector:a\n\n\0"
    );
    assert_eq!(AckMode::ClientIndividual.as_str(), "client-individual");
    assert_eq!(encoder::unsubscribe("0").get("id"), Some("0"));
    let msg = Frame::new(Command::Message)
        .header("subscription", "0")
        .header("message-id", "007")
        .header("ack", "12345");
    let t12 = encoder::ack_target(Version::V1_2, &msg).unwrap();
    assert_eq!(
        t12,
        AckTarget {
            id: "12345".into(),
            subscription: Some("0".into())
        }
    );
    let ack = encoder::ack(Version::V1_2, false, &t12, Some("tx1")).unwrap();
    assert_eq!(
        encoder::encode(Version::V1_2, &ack).unwrap(),
        b"ACK\nid:12345\ntransaction:tx1\n\n\0"
    );
    let t11 = encoder::ack_target(Version::V1_1, &msg).unwrap();
    let nack = encoder::ack(Version::V1_1, true, &t11, None).unwrap();
    assert_eq!(
        encoder::encode(Version::V1_1, &nack).unwrap(),
        b"NACK\nmessage-id:007\nsubscription:0\n\n\0"
    );
    let t10 = encoder::ack_target(Version::V1_0, &msg).unwrap();
    let ack = encoder::ack(Version::V1_0, false, &t10, None).unwrap();
    assert_eq!(ack, Frame::new(Command::Ack).header("message-id", "007"));
    assert_eq!(
        encoder::ack(Version::V1_0, true, &t10, None)
            .unwrap_err()
            .to_string(),
        "STOMP 1.0 has no NACK frame"
    );
    assert_eq!(
        encoder::ack_target(Version::V1_2, &Frame::new(Command::Message)),
        None
    );
    assert_eq!(
        encoder::transaction(Command::Begin, "tx").get("transaction"),
        Some("tx")
    );
    assert_eq!(
        encoder::encode(Version::V1_2, &encoder::disconnect("77")).unwrap(),
        b"DISCONNECT\nreceipt:77\n\n\0"
    );
}

#[test]
fn heart_beats_and_versions() {
    assert_eq!(
        HeartBeat::parse("10000,10000"),
        Ok(HeartBeat {
            send: 10000,
            receive: 10000
        })
    );
    assert_eq!(
        HeartBeat::parse(" 0 , 5 "),
        Ok(HeartBeat {
            send: 0,
            receive: 5
        })
    );
    for bad in ["", "1", "a,b", "1,2,3", "-1,0"] {
        let e = HeartBeat::parse(bad).unwrap_err();
        assert!(
            e.to_string().contains("is not two numbers of milliseconds"),
            "{bad}"
        );
    }
    assert_eq!(
        HeartBeat {
            send: 1,
            receive: 2
        }
        .to_string(),
        "1,2"
    );
    let ms = |n| Some(Duration::from_millis(n));
    let agreed = heartbeat::negotiate(
        HeartBeat {
            send: 4000,
            receive: 4000,
        },
        HeartBeat {
            send: 10000,
            receive: 10000,
        },
    );
    assert_eq!(
        (agreed.client_sends, agreed.server_sends),
        (ms(10000), ms(10000))
    );
    let agreed = heartbeat::negotiate(
        HeartBeat {
            send: 10000,
            receive: 10000,
        },
        HeartBeat::default(),
    );
    assert_eq!((agreed.client_sends, agreed.server_sends), (None, None));
    let agreed = heartbeat::negotiate(
        HeartBeat {
            send: 0,
            receive: 1000,
        },
        HeartBeat {
            send: 5000,
            receive: 3000,
        },
    );
    assert_eq!((agreed.client_sends, agreed.server_sends), (None, ms(5000)));
    assert_eq!(Version::parse("1.1"), Some(Version::V1_1));
    assert_eq!(Version::parse("2.0"), None);
    assert_eq!(Version::from_subprotocol("v12.stomp"), Some(Version::V1_2));
    assert_eq!(Version::from_subprotocol("v10.stomp"), Some(Version::V1_0));
    assert_eq!(Version::from_subprotocol("stomp"), None);
    assert!(Command::Error.is_from_server() && !Command::Send.is_from_server());
    assert_eq!(Command::parse("NACK"), Some(Command::Nack));
    assert_eq!(Command::Stomp.to_string(), "STOMP");
}
