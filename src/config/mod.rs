//! The command line validated, once, into the settings each component takes, by component:
//!
//! ```text
//! runs     wscope URL | --from-curl, wscope curl, wscope demo ─► client::Config
//!            client   the client options (input, session, output, display, frames, reconnect)
//!            connect  how to reach and upgrade (open::ConnectConfig), a copied curl command merged in
//!            proto    --proto: the application protocol (session::ProtoConfig) and the URL it
//!                     really connects to
//! probe    wscope probe  ─► probe::ProbeConfig
//! serve    wscope serve  ─► serve::ServeConfig
//! replay   wscope replay ─► replay::ReplayConfig, then the client run that sends the recording
//! ```
//!
//! Options that combine become one enum there; nothing downstream re-derives them from flags,
//! and nothing but `app` calls in here.

mod client;
mod connect;
mod probe;
mod proto;
mod replay;
mod runs;
mod serve;
mod stomp;

pub(crate) use probe::probe;
pub(crate) use replay::{replay, replay_client};
pub(crate) use runs::{client, curl, demo};
pub(crate) use serve::serve;

#[cfg(test)]
mod tests;
