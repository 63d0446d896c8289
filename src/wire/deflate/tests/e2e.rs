//! tokio-tungstenite at both ends of a `tokio::io::duplex`, each wrapped in `Deflate`:
//! messages of every size class up to 1 MiB echoed, fragmented messages with pings between
//! fragments, bytes that came with the handshake, and a violation surfacing through
//! tungstenite as the typed error.

use super::frame;
use crate::wire::deflate::{Agreed, Deflate, DeflateConfig, Direction, Role, Violation};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::io::{AsyncWriteExt, DuplexStream, duplex};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::Role as WsRole;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

type Ws = WebSocketStream<Deflate<DuplexStream>>;

async fn wrap(io: DuplexStream, role: Role, agreed: Agreed) -> Ws {
    let ws_role = match role {
        Role::Client => WsRole::Client,
        Role::Server => WsRole::Server,
    };
    WebSocketStream::from_raw_socket(
        Deflate::new(io, DeflateConfig::new(role, agreed)),
        ws_role,
        None,
    )
    .await
}

/// A server that echoes every data message until the client closes.
async fn echo(mut server: Ws) {
    while let Some(Ok(msg)) = server.next().await {
        if matches!(msg, Message::Text(_) | Message::Binary(_)) && server.send(msg).await.is_err() {
            return;
        }
    }
}

/// The next data message, skipping pongs.
async fn next_data(ws: &mut Ws) -> Message {
    loop {
        match ws.next().await {
            Some(Ok(Message::Pong(_))) => {}
            Some(Ok(m)) => return m,
            other => panic!("expected a message, got {other:?}"),
        }
    }
}

fn text_of(len: usize) -> String {
    "é{\"k\":1}ü"
        .chars()
        .cycle()
        .scan(0, |n, c| {
            *n += c.len_utf8();
            (*n <= len).then_some(c)
        })
        .collect()
}

fn binary_of(len: usize) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect()
}

async fn conversation(agreed: Agreed) {
    let (a, b) = duplex(64 * 1024);
    let mut client = wrap(a, Role::Client, agreed).await;
    let stats = client.get_ref().stats();
    let server = tokio::spawn(echo(wrap(b, Role::Server, agreed).await));

    for len in [0, 1, 125, 126, 1000, 65_535, 65_536, 300_000, 1 << 20] {
        let text = text_of(len);
        client.send(Message::text(text.clone())).await.unwrap();
        assert_eq!(next_data(&mut client).await, Message::text(text));
        let bin = binary_of(len);
        client.send(Message::binary(bin.clone())).await.unwrap();
        assert_eq!(next_data(&mut client).await, Message::binary(bin));
    }

    // A fragmented message with a ping between its fragments, split inside a character.
    let text = text_of(50_000);
    let (head, tail) = text.as_bytes().split_at(20_001);
    client
        .send(Message::Frame(Frame::message(
            head.to_vec(),
            OpCode::Data(Data::Text),
            false,
        )))
        .await
        .unwrap();
    client
        .send(Message::Ping(b"between".to_vec().into()))
        .await
        .unwrap();
    client
        .send(Message::Frame(Frame::message(
            tail.to_vec(),
            OpCode::Data(Data::Continue),
            true,
        )))
        .await
        .unwrap();
    let mut pong = false;
    let echoed = loop {
        match client.next().await {
            Some(Ok(Message::Pong(p))) => {
                assert_eq!(&p[..], b"between");
                pong = true;
            }
            Some(Ok(m)) => break m,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(echoed, Message::text(text));
    if !pong {
        assert!(matches!(
            next_data_or_pong(&mut client).await,
            Message::Pong(_)
        ));
    }

    client.close(None).await.unwrap();
    server.await.unwrap();
    let out = stats.totals(Direction::Out);
    assert_eq!(out.compressed_messages, 19);
    assert!(out.wire_bytes < out.message_bytes, "{out:?}");
    assert_eq!(stats.totals(Direction::In).compressed_messages, 19);
}

async fn next_data_or_pong(ws: &mut Ws) -> Message {
    match ws.next().await {
        Some(Ok(m)) => m,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn tungstenite_talks_through_deflate_with_various_parameters() {
    let cases = [
        Agreed::default(),
        Agreed {
            server_no_context_takeover: true,
            client_no_context_takeover: true,
            server_max_window_bits: 8,
            client_max_window_bits: 9,
        },
        Agreed {
            server_no_context_takeover: false,
            client_no_context_takeover: true,
            server_max_window_bits: 12,
            client_max_window_bits: 10,
        },
    ];
    for agreed in cases {
        tokio::time::timeout(Duration::from_secs(120), conversation(agreed))
            .await
            .expect("conversation in time");
    }
}

#[tokio::test]
async fn bytes_read_with_the_handshake_come_first() {
    let (a, _b) = duplex(1024);
    let mut deflate = Deflate::new(a, DeflateConfig::new(Role::Client, Agreed::default()));
    let hello = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
    deflate.already_received(
        &[
            frame(true, true, 1, None, &hello),
            frame(true, false, 2, None, b"x"),
        ]
        .concat(),
    );
    let mut ws = WebSocketStream::from_raw_socket(deflate, WsRole::Client, None).await;
    let next = tokio::time::timeout(Duration::from_secs(10), ws.next())
        .await
        .unwrap();
    assert_eq!(next.unwrap().unwrap(), Message::text("Hello"));
    let next = tokio::time::timeout(Duration::from_secs(10), ws.next())
        .await
        .unwrap();
    assert_eq!(next.unwrap().unwrap(), Message::binary(b"x".to_vec()));
}

#[tokio::test]
async fn a_violation_reaches_the_reader_as_the_typed_error() {
    let (mut raw, b) = duplex(1024);
    let mut server = wrap(b, Role::Server, Agreed::default()).await;
    let hello = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
    let key = Some([9, 9, 9, 9]);
    let wire = [
        frame(false, true, 1, key, &hello[..3]),
        frame(true, true, 0, key, &hello[3..]),
    ]
    .concat();
    raw.write_all(&wire).await.unwrap();
    let next = tokio::time::timeout(Duration::from_secs(10), server.next())
        .await
        .unwrap();
    match next {
        Some(Err(WsError::Io(e))) => {
            let v = Violation::from_io(&e).expect("a violation");
            assert_eq!(v.code, 1002);
            assert!(v.rule.contains("continuation"), "{v}");
        }
        other => panic!("expected the violation, got {other:?}"),
    }
}
