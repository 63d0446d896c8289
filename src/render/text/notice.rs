//! The sentences for wscope's own remarks ([`Info`], [`Warning`]): the one place they are
//! worded, for the screen and for the `message` of their JSON line. Unescaped: the screen
//! escapes them, JSON Lines does not need to.

use crate::event::notice::{CompressionStatus, Info, Status, Warning};
use crate::net::connect::INSECURE_WARNING;
use crate::units::{ms, secs};
use crate::wire::deflate::Totals;
use crate::wire::target::shown_url;

/// Whether a remark answers a REPL command: shown as it is, always (not as a `*` remark
/// that only `-v` shows).
pub(crate) fn is_answer(i: &Info) -> bool {
    matches!(i, Info::Status(_) | Info::FilterIs { .. })
}

/// A remark in words; a URL in it keeps its password only with `show_credentials`.
pub(crate) fn info_words(i: &Info, show_credentials: bool) -> String {
    let on_off = |on: bool, yes: &str, no: &str| if on { yes } else { no }.to_string();
    match i {
        Info::Status(s) => status(s),
        Info::FilterIs { expr: Some(e) } | Info::FilterSet { expr: Some(e) } => {
            format!("filter: {e}")
        }
        Info::FilterIs { expr: None } => "no filter (set one with /filter EXPR)".into(),
        Info::FilterSet { expr: None } => "filter off".into(),
        Info::FrameDump { on } => format!("frame dump {}", on_off(*on, "on", "off")),
        Info::Pretty { on } => {
            format!("received JSON shown {}", on_off(*on, "indented", "compact"))
        }
        Info::FirstMessage { after } => format!("first message {} after the upgrade", ms(*after)),
        Info::AutoReply { rule, response } => format!("auto-reply (rule {rule}): {response}"),
        Info::NotPrinted { dropped, count } => format!(
            "{dropped} more messages arrived during the close handshake; not printed (-n {count})"
        ),
        Info::Redirect { to } => format!(
            "following the redirect to {}",
            shown_url(to, show_credentials)
        ),
    }
}

/// A warning in words (after `wscope: warning: ` on the screen).
pub(crate) fn warning_words(w: &Warning) -> String {
    match w {
        Warning::Closing => "the connection is closing; nothing sent".into(),
        Warning::NotCompressed => {
            "permessage-deflate was not agreed: every message goes uncompressed".into()
        }
        Warning::CloseUnanswered { limit, received } => format!(
            "the server did not answer our Close within {} (--close-timeout); all {received} messages arrived",
            secs(*limit)
        ),
        Warning::ReplyLimited {
            rule,
            matches,
            per_second,
        } => format!(
            "auto-reply rule {rule} ('{matches}') fires more than {per_second} times a second; its replies are dropped (is the server answering it?)"
        ),
        Warning::DecodeFailed { error } => format!("--decode: {error}; shown as received"),
        Warning::FilterFailed { error } => format!("--filter: {error}"),
        Warning::CoprocStopped { grace, ending } => format!(
            "the --coproc program did not exit within {} after its input closed; wscope stopped it: it {}",
            secs(*grace),
            ending.describe()
        ),
        Warning::Insecure => INSECURE_WARNING.into(),
        Warning::SubprotocolsDeclined { offered } => format!(
            "the server selected none of the offered subprotocols ({}); it may not speak what this session sends",
            offered.join(", ")
        ),
        Warning::ExtensionsDeclined { offered } => format!(
            "the server accepted none of the offered extensions ({})",
            offered.join(", ")
        ),
        Warning::WindowBits { bits, agreed } => format!(
            "--deflate-window-bits {bits}: compressing with a {bits}-bit window although {agreed} was agreed (breaks RFC 7692 on purpose)"
        ),
        Warning::ProtoGuess { protocol, evidence } => format!(
            "this server speaks {protocol}: {evidence}; wscope speaks it with --proto {protocol} (and the URL the official client takes)"
        ),
        Warning::SockJs => "this server speaks SockJS: its first message is SockJS's open frame \"o\", and what follows comes wrapped in SockJS frames (a[\"…\"], h); the endpoint's raw WebSocket is its base path + /websocket (e.g. ws://HOST/stomp/websocket, not ws://HOST/stomp/SERVER/SESSION/websocket)".to_string(),
    }
}

/// `/status`: the state, the counters each way, the last round trip, and compression.
fn status(s: &Status) -> String {
    let state = if s.closing { "closing" } else { "open" };
    let rtt = s
        .last_rtt
        .map(ms)
        .unwrap_or_else(|| "no ping answered yet".into());
    let mut text = format!(
        "state {state}, up {}\nreceived {} messages, {} bytes\nsent     {} messages, {} bytes\nlast ping RTT {rtt}",
        secs(s.uptime),
        s.received.messages,
        s.received.bytes,
        s.sent.messages,
        s.sent.bytes
    );
    if let Some(c) = &s.compression {
        text.push_str(&compression(c));
    }
    text
}

/// Bytes on the wire against message bytes, each way.
fn compression(c: &CompressionStatus) -> String {
    let line = |what: &str, t: &Totals| {
        let percent = t.ratio() * 100.0;
        format!(
            "\n{what} {} bytes on the wire for {} message bytes ({percent:.0}%), {} of {} messages compressed",
            t.wire_bytes, t.message_bytes, t.compressed_messages, t.messages
        )
    };
    format!(
        "\npermessage-deflate: {}{}{}",
        c.agreed.describe(),
        line("received", &c.received),
        line("sent    ", &c.sent)
    )
}
