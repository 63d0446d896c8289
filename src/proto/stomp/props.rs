//! Property tests: frames encoded and cut anywhere, with heart-beats between them, decode to
//! the same frames in every version; arbitrary bytes in arbitrary pieces never panic, never
//! stop the decoder for good and never make it hold more than its limits allow.

use super::decoder::{Decoder, Item, Limits};
use super::encoder;
use super::frame::{Command, Frame, Version};
use proptest::prelude::*;

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![
        Just(Version::V1_0),
        Just(Version::V1_1),
        Just(Version::V1_2)
    ]
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        Just(Command::Connect),
        Just(Command::Connected),
        Just(Command::Send),
        Just(Command::Message),
        Just(Command::Receipt),
        Just(Command::Error),
        Just(Command::Subscribe),
        Just(Command::Ack),
    ]
}

/// A frame the version can carry: line breaks and colons in headers only where escaped.
fn frame(version: Version) -> impl Strategy<Value = Frame> {
    (
        command(),
        prop::collection::vec((any::<bool>(), "[ -~é]{0,8}", "[ -~é\\\\]{0,8}"), 0..5),
        prop::collection::vec(any::<u8>(), 0..40),
    )
        .prop_map(move |(command, raw, body)| {
            let escaped = super::escape::escapes(version, command);
            let special = if version == Version::V1_2 {
                ":\n\r\\"
            } else {
                ":\n\\"
            };
            let headers = raw
                .into_iter()
                .map(|(spice, name, value)| {
                    let mut name = format!("h{}", name.replace(':', ""));
                    let mut value = value;
                    if spice && escaped {
                        name.push_str(special);
                        value.push_str(special);
                    }
                    (name, value)
                })
                .filter(|(name, _)| name != "content-length")
                .collect();
            Frame {
                command,
                headers,
                body,
            }
        })
}

fn decode_pieces(version: Version, bytes: &[u8], cuts: &[usize]) -> Vec<Item> {
    let mut d = Decoder::new(Limits::default());
    d.set_version(version);
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    points.sort_unstable();
    let mut items = Vec::new();
    let mut prev = 0;
    for p in points.into_iter().chain(std::iter::once(bytes.len())) {
        d.push(&bytes[prev..p]);
        while let Some(item) = d.next_item().expect("valid stream") {
            items.push(item);
        }
        prev = p;
    }
    assert_eq!(d.finish(), Ok(()));
    items
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn frames_round_trip_in_any_cut(
        (version, frames) in version().prop_flat_map(|v| (Just(v), prop::collection::vec(frame(v), 1..4))),
        beats in prop::collection::vec(prop_oneof![Just(&b"\n"[..]), Just(&b"\r\n"[..])], 0..4),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        let mut stream = Vec::new();
        for (i, f) in frames.iter().enumerate() {
            stream.extend(encoder::encode(version, f).unwrap());
            if let Some(beat) = beats.get(i) {
                if *beat == b"\r\n" && version != Version::V1_2 {
                    stream.push(b'\n');
                } else {
                    stream.extend_from_slice(beat);
                }
            }
        }
        let items = decode_pieces(version, &stream, &cuts);
        let got: Vec<Frame> = items.iter().filter_map(|i| match i {
            Item::Frame(f) => Some(f.clone()),
            _ => None,
        }).collect();
        let want: Vec<Frame> = frames.iter().map(|f| {
            let mut f = f.clone();
            if f.body.contains(&0) {
                f.headers.push(("content-length".into(), f.body.len().to_string()));
            }
            f
        }).collect();
        prop_assert_eq!(got, want);
        prop_assert_eq!(items.len() - frames.len(), beats.len().min(frames.len()));
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_stay_bounded(
        bytes in prop::collection::vec(prop_oneof![
            Just(b'\n'), Just(b'\r'), Just(0u8), Just(b':'), Just(b'\\'), any::<u8>(),
            Just(b'S'), Just(b'E'), Just(b'N'), Just(b'D'),
        ], 0..400),
        prefix in prop_oneof![Just(&b""[..]), Just(&b"SEND\n"[..]), Just(&b"MESSAGE\ncontent-length:3\n"[..])],
        cuts in prop::collection::vec(any::<usize>(), 0..8),
        version in version(),
    ) {
        let limits = Limits { max_headers: 4, max_head: 64, max_body: 32 };
        let mut d = Decoder::new(limits);
        d.set_version(version);
        let all = [prefix, &bytes[..]].concat();
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (all.len() + 1)).collect();
        points.sort_unstable();
        let mut prev = 0;
        for p in points.into_iter().chain(std::iter::once(all.len())) {
            if let Some(Ok(f)) = d.cut_unterminated(&all[prev..p]) {
                prop_assert!(f.headers.len() <= 4);
                prop_assert!(f.body.len() <= 32);
            }
            d.push(&all[prev..p]);
            // Errors included: decoding goes on after a bad frame, until the bytes run out.
            loop {
                match d.next_item() {
                    Ok(Some(Item::Frame(f) | Item::Unterminated(f))) => {
                        prop_assert!(f.headers.len() <= 4);
                        prop_assert!(f.body.len() <= 32);
                    }
                    Ok(Some(Item::HeartBeat)) | Err(_) => {}
                    Ok(None) => break,
                }
            }
            prop_assert!(d.buffered() <= 64 + 32 + 4);
            prev = p;
        }
        let _ = d.finish();
    }
}
