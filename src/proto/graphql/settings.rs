//! What `--proto graphql` was given, the subprotocols it offers, and the dialect it speaks once
//! the server has answered.
//!
//! Servers choose differently (tests/peers/README.md has what each did): the `graphql-ws`
//! library selects `graphql-transport-ws` wherever it stands in the offer; Strawberry (and the
//! servers that speak both) the first of the two it speaks; Apollo's
//! `subscriptions-transport-ws` the *first* offered, whatever it is, and then closes with 1002
//! unless that was `graphql-ws`. So wscope offers `graphql-transport-ws, graphql-ws` (the new
//! dialect wherever a server speaks both: the legacy one has no pong and Strawberry runs no
//! queries on it) and, when a server selects `graphql-transport-ws` and closes with 1002 before
//! it sent anything, connects once more offering `graphql-ws` alone ([`Settings::offer_again`]).
//! `--graphql-dialect` pins one dialect: only its subprotocol is offered, and it is spoken even
//! when the server selects none.

use super::message::Dialect;
use super::words;
use crate::error::Error;
use crate::event::ProtoNote;

/// The offer when no dialect is pinned, in order of preference.
const BOTH: &[&str] = &["graphql-transport-ws", "graphql-ws"];
const TRANSPORT_WS: &[&str] = &["graphql-transport-ws"];
const LEGACY: &[&str] = &["graphql-ws"];

/// `--proto graphql`'s options, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settings {
    /// `--graphql-dialect`: the dialect to speak whatever the server selects (None: the one it
    /// selects).
    pub dialect: Option<Dialect>,
    /// The `connection_init` payload (`--connect-payload`), a JSON object as typed.
    pub payload: Option<String>,
}

impl Settings {
    /// The subprotocols to offer when the user offers none (`-s`).
    pub(crate) fn subprotocols(&self) -> &'static [&'static str] {
        match self.dialect {
            None => BOTH,
            Some(Dialect::TransportWs) => TRANSPORT_WS,
            Some(Dialect::Legacy) => LEGACY,
        }
    }

    /// The offer for one more connection, when the server selected `selected` and closed with
    /// `code` before it sent anything: `subscriptions-transport-ws` answers the usual offer so.
    pub(crate) fn offer_again(
        &self,
        selected: Option<&str>,
        code: Option<u16>,
    ) -> Option<&'static [&'static str]> {
        let legacy_refusal =
            selected == Some(Dialect::TransportWs.subprotocol()) && code == Some(1002);
        (self.dialect.is_none() && legacy_refusal).then_some(LEGACY)
    }

    /// The dialect to speak with the subprotocol the server selected, and what to say about it.
    pub(crate) fn dialect_for(
        &self,
        selected: Option<&str>,
    ) -> Result<(Dialect, Option<ProtoNote>), Error> {
        let chosen = selected.and_then(Dialect::from_subprotocol);
        match (chosen, self.dialect) {
            (Some(d), None) => Ok((d, None)),
            (Some(d), Some(pinned)) if d == pinned => Ok((d, None)),
            (Some(d), Some(pinned)) => Ok((d, Some(words::other_dialect_selected(d, pinned)))),
            (None, Some(pinned)) => Ok((pinned, Some(words::speaking_pinned(pinned, selected)))),
            (None, None) => Err(words::no_dialect(selected)),
        }
    }
}
