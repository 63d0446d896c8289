//! The command line validated, once, into the settings each component takes: a client run
//! ([`client`]: [`crate::client::Config`], with how to reach and upgrade from [`connect`]),
//! `wscope probe` ([`probe`]), `wscope serve` ([`serve`]), `wscope replay` ([`replay`]). Options that combine become one enum there; nothing downstream
//! re-derives them from flags. Only `app` calls in here.

mod client;
mod connect;
mod probe;
mod replay;
mod serve;

pub use client::build;
pub use connect::curl_import;
pub use probe::probe;
pub use replay::{replay, replay_client};
pub use serve::serve;

#[cfg(test)]
mod tests;
