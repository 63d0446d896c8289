//! wscope: a command-line WebSocket client and debugger.
//!
//! Data flows `cli` → `connect` (TCP, TLS) → `handshake` (the upgrade, done by wscope so the bytes
//! are kept verbatim) → `tap` (frame headers both ways, on the plaintext side of TLS) →
//! `session` (the event loop) → `render` (text or JSON Lines). The session produces
//! [`event::Event`]s; renderers consume them.

pub mod app;
pub mod cli;
pub mod client;
pub mod config;
pub mod error;
pub mod event;
pub mod generate;
pub mod input;
pub mod net;
pub mod output;
pub mod render;
pub mod serve;
pub mod session;
pub mod stats;
pub mod sync;
pub mod term;
pub mod units;
pub mod wire;
