//! permessage-deflate negotiation, server side (RFC 7692 §5, §7.1), for `wscope serve`: pick
//! the first acceptable offer from the client's `Sec-WebSocket-Extensions`, and say why the
//! others were declined.

use super::header::parse_extensions;
use super::params::{
    Agreed, ClientWindowBits, EXTENSION_NAME, MAX_WINDOW_BITS, NegotiationError, Params, Side,
};

/// What the server wants for itself beyond what the client asks: a policy of `false`/15
/// everywhere accepts any valid offer as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ServerPolicy {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    pub server_max_window_bits: u8,
    /// Below 15, only offers carrying `client_max_window_bits` can be accepted.
    pub client_max_window_bits: u8,
}

impl Default for ServerPolicy {
    fn default() -> Self {
        ServerPolicy {
            server_no_context_takeover: false,
            client_no_context_takeover: false,
            server_max_window_bits: MAX_WINDOW_BITS,
            client_max_window_bits: MAX_WINDOW_BITS,
        }
    }
}

/// An accepted offer: the parameters in force and the response header value that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Accepted {
    pub agreed: Agreed,
    pub header_value: String,
}

/// An offer element that was not accepted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Declined {
    pub offer: String,
    pub reason: NegotiationError,
}

/// The outcome of reading the client's offers: the accepted one, if any, and every offer
/// declined before it (or all of them).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Selection {
    pub accepted: Option<Accepted>,
    pub declined: Vec<Declined>,
}

/// Chooses the first permessage-deflate offer that is valid (RFC 7692 §7.1) and fits `policy`.
/// Other extensions are declined as unsupported. An error means the header is not even
/// syntactically an extension list.
pub(crate) fn select<'a>(
    offer_values: impl IntoIterator<Item = &'a str>,
    policy: &ServerPolicy,
) -> Result<Selection, NegotiationError> {
    let mut selection = Selection::default();
    for ext in parse_extensions(offer_values)? {
        let decision = if ext.name == EXTENSION_NAME {
            Params::from_extension(&ext, Side::Offer).and_then(|p| accept(&p, policy))
        } else {
            Err(NegotiationError::new(
                ext.name.clone(),
                "wscope supports only permessage-deflate",
            ))
        };
        match decision {
            Ok(accepted) => {
                selection.accepted = Some(accepted);
                break;
            }
            Err(reason) => selection.declined.push(Declined {
                offer: ext.text(),
                reason,
            }),
        }
    }
    Ok(selection)
}

/// Accepts one valid offer under `policy`, or says why it cannot be.
fn accept(offer: &Params, policy: &ServerPolicy) -> Result<Accepted, NegotiationError> {
    let client_max_window_bits = match offer.client_max_window_bits {
        ClientWindowBits::Absent if policy.client_max_window_bits < MAX_WINDOW_BITS => {
            return Err(NegotiationError::new(
                "client_max_window_bits",
                format!(
                    "absent from the offer, so the client cannot be asked for the {}-bit window this server requires (RFC 7692 §7.1.2.2)",
                    policy.client_max_window_bits
                ),
            ));
        }
        ClientWindowBits::Absent => MAX_WINDOW_BITS,
        ClientWindowBits::Supported => policy.client_max_window_bits,
        ClientWindowBits::Limit(n) => n.min(policy.client_max_window_bits),
    };
    let agreed = Agreed {
        server_no_context_takeover: offer.server_no_context_takeover
            || policy.server_no_context_takeover,
        client_no_context_takeover: offer.client_no_context_takeover
            || policy.client_no_context_takeover,
        server_max_window_bits: offer
            .server_max_window_bits
            .unwrap_or(MAX_WINDOW_BITS)
            .min(policy.server_max_window_bits),
        client_max_window_bits,
    };
    // The answer names a window only where it differs from what the client assumes without
    // it (an offered server_max_window_bits must always be answered, §7.1.2.1).
    let client_assumes = match offer.client_max_window_bits {
        ClientWindowBits::Limit(n) => n,
        _ => MAX_WINDOW_BITS,
    };
    let answer = Params {
        server_no_context_takeover: agreed.server_no_context_takeover,
        client_no_context_takeover: agreed.client_no_context_takeover,
        server_max_window_bits: (offer.server_max_window_bits.is_some()
            || agreed.server_max_window_bits < MAX_WINDOW_BITS)
            .then_some(agreed.server_max_window_bits),
        client_max_window_bits: if agreed.client_max_window_bits < client_assumes {
            ClientWindowBits::Limit(agreed.client_max_window_bits)
        } else {
            ClientWindowBits::Absent
        },
    };
    Ok(Accepted {
        agreed,
        header_value: answer.header_value(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::deflate::params::validate_answer;

    fn pick(offers: &str, policy: &ServerPolicy) -> Selection {
        select([offers], policy).unwrap()
    }

    /// Whatever the server answers, a client that sent the same offers must agree with it.
    fn client_agrees(offer: &str, accepted: &Accepted) {
        let ext = parse_extensions([offer]).unwrap();
        let params = Params::from_extension(&ext[0], Side::Offer).unwrap();
        let client = validate_answer(&params, [accepted.header_value.as_str()]).unwrap();
        assert_eq!(
            client,
            Some(accepted.agreed),
            "{offer} → {}",
            accepted.header_value
        );
    }

    #[test]
    fn browser_offer_is_accepted_as_it_is() {
        let s = pick(
            "permessage-deflate; client_max_window_bits",
            &ServerPolicy::default(),
        );
        let a = s.accepted.unwrap();
        assert_eq!(a.agreed, Agreed::default());
        assert_eq!(a.header_value, "permessage-deflate");
        assert!(s.declined.is_empty());
    }

    #[test]
    fn first_acceptable_offer_wins_and_the_rest_are_reported() {
        let s = pick(
            "x-webkit-deflate-frame, permessage-deflate; bogus, \
             permessage-deflate; server_max_window_bits=10; client_no_context_takeover, \
             permessage-deflate",
            &ServerPolicy::default(),
        );
        let a = s.accepted.unwrap();
        assert_eq!(a.agreed.server_max_window_bits, 10);
        assert!(a.agreed.client_no_context_takeover);
        assert_eq!(
            a.header_value,
            "permessage-deflate; client_no_context_takeover; server_max_window_bits=10"
        );
        assert_eq!(s.declined.len(), 2);
        assert_eq!(s.declined[0].reason.subject, "x-webkit-deflate-frame");
        assert_eq!(s.declined[1].reason.subject, "bogus");
    }

    #[test]
    fn policy_limits_apply_and_the_client_agrees() {
        let policy = ServerPolicy {
            server_no_context_takeover: true,
            client_no_context_takeover: true,
            server_max_window_bits: 9,
            client_max_window_bits: 10,
        };
        for offer in [
            "permessage-deflate; client_max_window_bits",
            "permessage-deflate; client_max_window_bits=12; server_max_window_bits=14",
            "permessage-deflate; client_max_window_bits=8; server_max_window_bits=8",
        ] {
            let a = pick(offer, &policy).accepted.unwrap();
            assert!(a.agreed.server_no_context_takeover && a.agreed.client_no_context_takeover);
            assert!(a.agreed.server_max_window_bits <= 9);
            assert!(a.agreed.client_max_window_bits <= 10);
            client_agrees(offer, &a);
        }
    }

    #[test]
    fn every_offer_form_under_the_default_policy_is_understood_by_the_client() {
        let policy = ServerPolicy::default();
        for offer in [
            "permessage-deflate",
            "permessage-deflate; server_no_context_takeover",
            "permessage-deflate; client_no_context_takeover",
            "permessage-deflate; server_max_window_bits=8",
            "permessage-deflate; client_max_window_bits=9",
            "permessage-deflate; client_max_window_bits",
        ] {
            client_agrees(offer, &pick(offer, &policy).accepted.unwrap());
        }
    }

    #[test]
    fn offer_without_client_window_cannot_meet_a_client_window_policy() {
        let policy = ServerPolicy {
            client_max_window_bits: 12,
            ..ServerPolicy::default()
        };
        let s = pick("permessage-deflate", &policy);
        assert!(s.accepted.is_none());
        assert_eq!(s.declined[0].reason.subject, "client_max_window_bits");
    }

    #[test]
    fn invalid_offers_are_declined_with_the_parameter_named() {
        let s = pick(
            "permessage-deflate; server_max_window_bits=16, permessage-deflate; client_max_window_bits; client_max_window_bits",
            &ServerPolicy::default(),
        );
        assert!(s.accepted.is_none());
        assert_eq!(s.declined[0].reason.subject, "server_max_window_bits=16");
        assert!(s.declined[1].reason.problem.contains("twice"));
    }

    #[test]
    fn malformed_header_is_an_error() {
        assert!(select(["permessage-deflate; a=\"x"], &ServerPolicy::default()).is_err());
    }
}
