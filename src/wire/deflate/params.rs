//! permessage-deflate negotiation, client side (RFC 7692 §5, §7.1): the offer wscope sends, the
//! validation of the server's answer against it, and the parameters both ends then use.
//!
//! Pure: header values in, [`Agreed`] or a [`NegotiationError`] that names the parameter and the
//! rule out. The server side of the same negotiation is in `accept.rs`.

use super::header::{Extension, parse_extensions};
use std::fmt;

/// The extension token.
pub(crate) const EXTENSION_NAME: &str = "permessage-deflate";

/// The largest LZ77 window, and the default when nothing limits it (RFC 7692 §7.1.2).
pub(crate) const MAX_WINDOW_BITS: u8 = 15;

/// The smallest window a peer may ask for.
pub(crate) const MIN_WINDOW_BITS: u8 = 8;

/// A negotiation that cannot go on: `subject` is the parameter or extension as received,
/// `problem` the rule it breaks, with its RFC section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NegotiationError {
    pub subject: String,
    pub problem: String,
}

impl NegotiationError {
    pub(crate) fn new(subject: impl Into<String>, problem: impl Into<String>) -> Self {
        NegotiationError {
            subject: subject.into(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for NegotiationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.problem)
    }
}

impl std::error::Error for NegotiationError {}

/// `client_max_window_bits` in an offer: absent, present without a value (the client can
/// limit its window when asked), or present with the limit the client will use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClientWindowBits {
    Absent,
    Supported,
    Limit(u8),
}

/// The parameters of one permessage-deflate element, as a client offers them (and as a server
/// answers, where `client_max_window_bits` is never `Supported`).
///
/// Values are written as they are, also outside 8..=15, so that a probe can send a malformed
/// offer on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Params {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    pub server_max_window_bits: Option<u8>,
    pub client_max_window_bits: ClientWindowBits,
}

impl Default for Params {
    /// What browsers offer: `permessage-deflate; client_max_window_bits`.
    fn default() -> Self {
        Params {
            server_no_context_takeover: false,
            client_no_context_takeover: false,
            server_max_window_bits: None,
            client_max_window_bits: ClientWindowBits::Supported,
        }
    }
}

/// Which element is being read: the rules for values differ between offer and answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Offer,
    Answer,
}

const SERVER_NO_CONTEXT_TAKEOVER: &str = "server_no_context_takeover";
const CLIENT_NO_CONTEXT_TAKEOVER: &str = "client_no_context_takeover";
const SERVER_MAX_WINDOW_BITS: &str = "server_max_window_bits";
const CLIENT_MAX_WINDOW_BITS: &str = "client_max_window_bits";

/// A window-bits value: a decimal integer 8..=15 without leading zeros (RFC 7692 §7.1.2).
fn window_bits(name: &str, value: &str, section: &str) -> Result<u8, NegotiationError> {
    let ok =
        !value.starts_with('0') && value.len() <= 2 && value.bytes().all(|b| b.is_ascii_digit());
    match value.parse::<u8>() {
        Ok(n) if ok && (MIN_WINDOW_BITS..=MAX_WINDOW_BITS).contains(&n) => Ok(n),
        _ => Err(NegotiationError::new(
            format!("{name}={value}"),
            format!(
                "the value must be an integer from 8 to 15 without leading zeros (RFC 7692 {section})"
            ),
        )),
    }
}

impl Params {
    /// The offer as a `Sec-WebSocket-Extensions` value, e.g.
    /// `permessage-deflate; server_max_window_bits=10; client_max_window_bits`.
    pub(crate) fn header_value(&self) -> String {
        let mut s = String::from(EXTENSION_NAME);
        if self.server_no_context_takeover {
            s.push_str("; ");
            s.push_str(SERVER_NO_CONTEXT_TAKEOVER);
        }
        if self.client_no_context_takeover {
            s.push_str("; ");
            s.push_str(CLIENT_NO_CONTEXT_TAKEOVER);
        }
        if let Some(n) = self.server_max_window_bits {
            s.push_str(&format!("; {SERVER_MAX_WINDOW_BITS}={n}"));
        }
        match self.client_max_window_bits {
            ClientWindowBits::Absent => {}
            ClientWindowBits::Supported => {
                s.push_str("; ");
                s.push_str(CLIENT_MAX_WINDOW_BITS);
            }
            ClientWindowBits::Limit(n) => s.push_str(&format!("; {CLIENT_MAX_WINDOW_BITS}={n}")),
        }
        s
    }

    /// Reads the parameters of one permessage-deflate element, enforcing RFC 7692 §7.1: only
    /// the four defined parameters, none twice, no value on the takeover flags, window bits
    /// 8..=15, and (in an answer) a value on `client_max_window_bits`.
    pub(crate) fn from_extension(ext: &Extension, side: Side) -> Result<Params, NegotiationError> {
        let mut p = Params {
            server_no_context_takeover: false,
            client_no_context_takeover: false,
            server_max_window_bits: None,
            client_max_window_bits: ClientWindowBits::Absent,
        };
        let mut seen: Vec<&str> = Vec::with_capacity(4);
        for param in &ext.params {
            let name = param.name.as_str();
            if seen.contains(&name) {
                return Err(NegotiationError::new(
                    param.text(),
                    format!("`{name}` appears twice; no parameter may be repeated (RFC 7692 §7.1)"),
                ));
            }
            let value = param.value.as_deref();
            match name {
                SERVER_NO_CONTEXT_TAKEOVER | CLIENT_NO_CONTEXT_TAKEOVER => {
                    if value.is_some() {
                        let section = if name == SERVER_NO_CONTEXT_TAKEOVER {
                            "§7.1.1.1"
                        } else {
                            "§7.1.1.2"
                        };
                        return Err(NegotiationError::new(
                            param.text(),
                            format!("`{name}` is a flag and takes no value (RFC 7692 {section})"),
                        ));
                    }
                    if name == SERVER_NO_CONTEXT_TAKEOVER {
                        p.server_no_context_takeover = true;
                    } else {
                        p.client_no_context_takeover = true;
                    }
                }
                SERVER_MAX_WINDOW_BITS => {
                    let Some(v) = value else {
                        return Err(NegotiationError::new(
                            name,
                            "`server_max_window_bits` needs a value from 8 to 15 (RFC 7692 §7.1.2.1)",
                        ));
                    };
                    p.server_max_window_bits = Some(window_bits(name, v, "§7.1.2.1")?);
                }
                CLIENT_MAX_WINDOW_BITS => {
                    p.client_max_window_bits = match (value, side) {
                        (Some(v), _) => ClientWindowBits::Limit(window_bits(name, v, "§7.1.2.2")?),
                        (None, Side::Offer) => ClientWindowBits::Supported,
                        (None, Side::Answer) => {
                            return Err(NegotiationError::new(
                                name,
                                "in an answer `client_max_window_bits` needs a value from 8 to 15 (RFC 7692 §7.1.2.2)",
                            ));
                        }
                    };
                }
                _ => {
                    return Err(NegotiationError::new(
                        param.text(),
                        format!(
                            "unknown parameter `{name}`; permessage-deflate defines only server_no_context_takeover, client_no_context_takeover, server_max_window_bits and client_max_window_bits (RFC 7692 §7.1)"
                        ),
                    ));
                }
            }
            seen.push(name);
        }
        Ok(p)
    }
}

/// The parameters in force once negotiation succeeded: each side's window and whether it
/// resets its compression context after every message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Agreed {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    pub server_max_window_bits: u8,
    pub client_max_window_bits: u8,
}

impl Default for Agreed {
    /// No parameter at all: 32 KiB windows and context takeover both ways.
    fn default() -> Self {
        Agreed {
            server_no_context_takeover: false,
            client_no_context_takeover: false,
            server_max_window_bits: MAX_WINDOW_BITS,
            client_max_window_bits: MAX_WINDOW_BITS,
        }
    }
}

/// `2^bits` bytes, as `256 B` or `32 KiB`.
fn window_size(bits: u8) -> String {
    let bytes = 1u32 << bits.min(MAX_WINDOW_BITS);
    if bytes >= 1024 {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} B")
    }
}

impl Agreed {
    /// One line for `-v`, e.g. `server→client: 15-bit window (32 KiB), context kept across
    /// messages; client→server: 10-bit window (1 KiB), reset after each message`.
    pub(crate) fn describe(&self) -> String {
        let side = |bits: u8, reset: bool| {
            format!(
                "{bits}-bit window ({}), {}",
                window_size(bits),
                if reset {
                    "reset after each message"
                } else {
                    "context kept across messages"
                }
            )
        };
        format!(
            "server→client: {}; client→server: {}",
            side(self.server_max_window_bits, self.server_no_context_takeover),
            side(self.client_max_window_bits, self.client_no_context_takeover)
        )
    }
}

/// Checks the server's `Sec-WebSocket-Extensions` answer (every value of the header) against
/// the offer that was sent. `Ok(None)`: the server accepted no extension, nothing is
/// compressed. An error names what the answer got wrong; RFC 6455 §4.1 and RFC 7692 §7.1 say
/// the client must then fail the connection.
pub(crate) fn validate_answer<'a>(
    offer: &Params,
    answer: impl IntoIterator<Item = &'a str>,
) -> Result<Option<Agreed>, NegotiationError> {
    let mut agreed = None;
    for ext in parse_extensions(answer)? {
        if ext.name != EXTENSION_NAME {
            return Err(NegotiationError::new(
                ext.text(),
                format!(
                    "the server accepted extension `{}`, which was not offered (RFC 6455 §4.1)",
                    ext.name
                ),
            ));
        }
        if agreed.is_some() {
            return Err(NegotiationError::new(
                ext.text(),
                "permessage-deflate accepted twice; a server accepts at most one offer of an extension (RFC 7692 §5)",
            ));
        }
        agreed = Some(agree(offer, &Params::from_extension(&ext, Side::Answer)?)?);
    }
    Ok(agreed)
}

/// The parameters an answer sets, given the offer it answers.
fn agree(offer: &Params, answer: &Params) -> Result<Agreed, NegotiationError> {
    if offer.server_no_context_takeover && !answer.server_no_context_takeover {
        return Err(NegotiationError::new(
            SERVER_NO_CONTEXT_TAKEOVER,
            "offered but missing from the answer; a server accepts an offer with it only by including it (RFC 7692 §7.1.1.1)",
        ));
    }
    let server_max_window_bits = match (offer.server_max_window_bits, answer.server_max_window_bits)
    {
        (Some(offered), None) => {
            return Err(NegotiationError::new(
                SERVER_MAX_WINDOW_BITS,
                format!(
                    "offered as {offered} but missing from the answer; a server accepts it only by including it with the same or a smaller value (RFC 7692 §7.1.2.1)"
                ),
            ));
        }
        (Some(offered), Some(n)) if n > offered => {
            return Err(NegotiationError::new(
                format!("{SERVER_MAX_WINDOW_BITS}={n}"),
                format!(
                    "larger than the offered {offered}; the answer may only keep or lower it (RFC 7692 §7.1.2.1)"
                ),
            ));
        }
        (_, Some(n)) => n,
        (None, None) => MAX_WINDOW_BITS,
    };
    let client_max_window_bits = match (offer.client_max_window_bits, answer.client_max_window_bits)
    {
        (ClientWindowBits::Absent, ClientWindowBits::Limit(n)) => {
            return Err(NegotiationError::new(
                format!("{CLIENT_MAX_WINDOW_BITS}={n}"),
                "in the answer but not in the offer; a server may send it only when the client offered it (RFC 7692 §7.1.2.2)",
            ));
        }
        (ClientWindowBits::Limit(offered), ClientWindowBits::Limit(n)) if n > offered => {
            return Err(NegotiationError::new(
                format!("{CLIENT_MAX_WINDOW_BITS}={n}"),
                format!(
                    "larger than the offered {offered}; the answer may only keep or lower it (RFC 7692 §7.1.2.2)"
                ),
            ));
        }
        (_, ClientWindowBits::Limit(n)) => n,
        (ClientWindowBits::Limit(offered), _) => offered,
        _ => MAX_WINDOW_BITS,
    };
    Ok(Agreed {
        server_no_context_takeover: answer.server_no_context_takeover,
        // A client that offered it resets anyway: it promised to (RFC 7692 §7.1.1.2).
        client_no_context_takeover: answer.client_no_context_takeover
            || offer.client_no_context_takeover,
        server_max_window_bits,
        client_max_window_bits,
    })
}

#[cfg(test)]
mod tests;
