//! Entry points for the fuzz targets (`fuzz/`): each drives one protocol's state machine with
//! bytes the fuzzer chose, as a server's messages. The layer's trait stays private to the
//! crate; these are the only way in from outside, and they panic on nothing but a broken
//! invariant (a panic in a state machine is one too).

use super::jsonrpc;
use super::layer::{Protocol, WsData};
use super::stomp::encoder::AckMode;
use super::stomp::{Client, HeartBeat, Limits, Settings};
use std::time::{Duration, Instant};

/// A STOMP client, connected with `limits` and heart-beats both ways, subscribed with the ack
/// mode `ack` picks (auto, client, client-individual), takes `pieces` as the server's messages
/// 700 ms apart, delivering half of what each gives, then says goodbye.
pub fn stomp_client_takes(pieces: &[&[u8]], ack: u8, limits: Limits) {
    let ack = [AckMode::Auto, AckMode::Client, AckMode::ClientIndividual][usize::from(ack % 3)];
    let t0 = Instant::now();
    let settings = Settings {
        host: "/".into(),
        connect_headers: Vec::new(),
        login: None,
        passcode: None,
        heart_beat: HeartBeat {
            send: 1000,
            receive: 1000,
        },
        subscribe: vec!["/q".into()],
        destination: Some("/q".into()),
        ack,
        auto_ack: ack != AckMode::ClientIndividual,
        split: Some(64),
        show_credentials: false,
        limits,
    };
    let mut c = Client::new(settings, t0);
    c.open(None, t0);
    c.received(
        WsData::Text("CONNECTED\nversion:1.2\nheart-beat:1000,1000\n\n\0"),
        t0,
    );
    for (i, piece) in pieces.iter().enumerate() {
        let now = t0 + Duration::from_millis(i as u64 * 700);
        let step = match std::str::from_utf8(piece) {
            Ok(t) => c.received(WsData::Text(t), now),
            Err(_) => c.received(WsData::Binary(piece), now),
        };
        c.delivered(step.deliver.len() / 2, now);
        c.on_deadline(now);
    }
    c.farewell(t0 + Duration::from_secs(5));
}

/// A JSON-RPC client with a call timeout is given `text` as typed (after a call of its own),
/// then as the server's message, then its calls time out: every message it delivers must
/// print on one line.
pub fn jsonrpc_client_takes(text: &str) {
    let t0 = Instant::now();
    let mut client = jsonrpc::Client::new(jsonrpc::Settings {
        id_start: 1,
        call_timeout: Some(Duration::from_secs(1)),
    });
    let _ = client.input("m", t0);
    let _ = client.input(text, t0);
    let step = client.received(WsData::Text(text), t0);
    for app in &step.deliver {
        assert!(!app.text.contains(['\n', '\r']), "{:?}", app.text);
    }
    let _ = client.on_deadline(t0 + Duration::from_secs(2));
    let _ = client.failed();
}
