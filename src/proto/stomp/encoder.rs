//! Frames to send: the encoder and the client's frames.
//!
//! Header names and values are escaped as the version asks (not in CONNECT, not in 1.0).
//! A body with a NUL in it gets a `content-length` header, without which the NUL would end
//! the frame early; other bodies get none, because some brokers read `content-length` as
//! "this is a binary message" (ActiveMQ makes it a BytesMessage).

use super::error::EncodeError;
use super::escape;
use super::frame::{Command, Frame, Version};
use super::heartbeat::HeartBeat;

/// The bytes of a frame, with its NUL.
pub(crate) fn encode(version: Version, frame: &Frame) -> Result<Vec<u8>, EncodeError> {
    let escaped = escape::escapes(version, frame.command);
    let mut out = Vec::with_capacity(frame.body.len() + 64);
    out.extend_from_slice(frame.command.as_str().as_bytes());
    out.push(b'\n');
    let mut has_length = false;
    for (name, value) in &frame.headers {
        if name == "content-length" && !has_length {
            has_length = true;
            if value.parse::<usize>().ok() != Some(frame.body.len()) {
                return Err(EncodeError::ContentLength {
                    header: value.clone(),
                    body: frame.body.len(),
                });
            }
        }
        out.extend_from_slice(header_text(version, escaped, name, true)?.as_bytes());
        out.push(b':');
        out.extend_from_slice(header_text(version, escaped, value, false)?.as_bytes());
        out.push(b'\n');
    }
    if !has_length && frame.body.contains(&0) {
        out.extend_from_slice(format!("content-length:{}\n", frame.body.len()).as_bytes());
    }
    out.push(b'\n');
    out.extend_from_slice(&frame.body);
    out.push(0);
    Ok(out)
}

fn header_text(
    version: Version,
    escaped: bool,
    text: &str,
    is_name: bool,
) -> Result<String, EncodeError> {
    let unsendable = |what| EncodeError::Unsendable {
        header: text.to_string(),
        what,
    };
    if is_name && text.is_empty() {
        return Err(unsendable("a header needs a name"));
    }
    if escaped {
        return escape::escape(version, text)
            .map_err(|_| unsendable("STOMP 1.1 has no escape for a carriage return"));
    }
    if text.contains(['\n', '\r']) {
        return Err(unsendable(
            "a line break cannot be escaped in STOMP 1.0 or in a CONNECT frame",
        ));
    }
    if is_name && text.contains(':') {
        return Err(unsendable(
            "a colon in a name cannot be escaped in STOMP 1.0 or in a CONNECT frame",
        ));
    }
    Ok(text.to_string())
}

/// What CONNECT says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Connect {
    /// The virtual host (RabbitMQ refuses one it does not know).
    pub host: String,
    pub login: Option<String>,
    pub passcode: Option<String>,
    pub heart_beat: HeartBeat,
}

/// CONNECT, offering every version.
pub(crate) fn connect(c: &Connect) -> Frame {
    let mut f = Frame::new(Command::Connect)
        .header("accept-version", super::frame::ACCEPT_VERSION)
        .header("host", &c.host);
    if let Some(login) = &c.login {
        f = f.header("login", login);
    }
    if let Some(passcode) = &c.passcode {
        f = f.header("passcode", passcode);
    }
    f.header("heart-beat", &c.heart_beat.to_string())
}

/// How a subscription's messages are acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AckMode {
    Auto,
    Client,
    ClientIndividual,
}

impl AckMode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AckMode::Auto => "auto",
            AckMode::Client => "client",
            AckMode::ClientIndividual => "client-individual",
        }
    }
}

/// SUBSCRIBE with the client's id for the subscription; `extra` headers after.
pub(crate) fn subscribe(
    id: &str,
    destination: &str,
    ack: AckMode,
    extra: &[(String, String)],
) -> Frame {
    let mut f = Frame::new(Command::Subscribe)
        .header("id", id)
        .header("destination", destination)
        .header("ack", ack.as_str());
    f.headers.extend_from_slice(extra);
    f
}

pub(crate) fn unsubscribe(id: &str) -> Frame {
    Frame::new(Command::Unsubscribe).header("id", id)
}

/// SEND to a destination; `extra` headers after.
pub(crate) fn send(destination: &str, extra: &[(String, String)], body: &[u8]) -> Frame {
    let mut f = Frame::new(Command::Send).header("destination", destination);
    f.headers.extend_from_slice(extra);
    f.body(body)
}

/// What acknowledges a received MESSAGE: its `ack` header in 1.2; its `message-id` (and
/// `subscription`) before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AckTarget {
    pub id: String,
    pub subscription: Option<String>,
}

/// The acknowledgement target of a received MESSAGE.
pub(crate) fn ack_target(version: Version, message: &Frame) -> Option<AckTarget> {
    let id = match version {
        Version::V1_2 => message.get("ack")?,
        _ => message.get("message-id")?,
    };
    Some(AckTarget {
        id: id.to_string(),
        subscription: message.get("subscription").map(str::to_string),
    })
}

/// ACK (or NACK) a message, in a transaction or not.
pub(crate) fn ack(
    version: Version,
    nack: bool,
    target: &AckTarget,
    transaction: Option<&str>,
) -> Result<Frame, EncodeError> {
    let command = if nack { Command::Nack } else { Command::Ack };
    if nack && version == Version::V1_0 {
        return Err(EncodeError::NotInVersion {
            command: "NACK",
            version: "1.0",
        });
    }
    let mut f = Frame::new(command);
    f = match version {
        Version::V1_2 => f.header("id", &target.id),
        _ => f.header("message-id", &target.id),
    };
    if version == Version::V1_1
        && let Some(sub) = &target.subscription
    {
        f = f.header("subscription", sub);
    }
    if let Some(tx) = transaction {
        f = f.header("transaction", tx);
    }
    Ok(f)
}

/// BEGIN, COMMIT or ABORT of a transaction.
pub(crate) fn transaction(command: Command, id: &str) -> Frame {
    Frame::new(command).header("transaction", id)
}

/// DISCONNECT, asking for a receipt to know the server has seen everything before it.
pub(crate) fn disconnect(receipt: &str) -> Frame {
    Frame::new(Command::Disconnect).header("receipt", receipt)
}
