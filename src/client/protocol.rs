//! What the client does between connections for an application protocol (`--proto`): a
//! second offer of subprotocols when the server answered the protocol's own offer by closing
//! at once (see `proto::Settings::offer_again`).

use super::Config;
use crate::error::{Cause, Error};
use crate::event::{self, Event};
use crate::open;
use crate::stats::Stats;

/// The subprotocols to offer on one more connection, when the application protocol's own
/// offer (no `-s`) had the server select one and close at once, before any message, with a
/// code the protocol knows this answer by (`proto::Settings::offer_again`). Once a run: the
/// second offer is no longer the protocol's own.
pub(super) fn second_offer(
    cfg: &Config,
    connect: &open::ConnectConfig,
    e: &Error,
    selected: Option<&str>,
    stats: &Stats,
) -> Option<&'static [&'static str]> {
    let p = cfg.session.proto.as_ref()?;
    let Cause::PeerClosed(code) = e.cause else {
        return None;
    };
    let offered = connect.request.subprotocols.iter().map(String::as_str);
    let own_offer = offered.eq(p.settings.subprotocols().iter().copied());
    if !own_offer || stats.snapshot().msgs_in > 0 {
        return None;
    }
    p.settings.offer_again(selected, Some(code))
}

/// What is said before connecting again with another offer (the REPL and `-v` show it).
pub(super) fn offering_again(
    cfg: &Config,
    e: &Error,
    selected: Option<&str>,
    offer: &[&str],
) -> Event {
    let protocol = cfg
        .session
        .proto
        .as_ref()
        .map_or("", |p| p.settings.kind().name());
    let closed = match e.cause {
        Cause::PeerClosed(code) => format!("closed with {code}"),
        _ => "closed".to_string(),
    };
    Event::Proto(event::ProtoNote {
        protocol,
        kind: "offer_again",
        level: event::NoteLevel::Info,
        text: format!(
            "the server selected {} and {closed} at once: connecting again, offering {}",
            selected.unwrap_or("no subprotocol"),
            offer.join(", ")
        ),
        facts: vec![("offer", event::Fact::Text(offer.join(", ")))],
    })
}
