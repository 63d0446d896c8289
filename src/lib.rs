//! wscope: a command-line WebSocket client and debugger.
//!
//! Data flows `cli` → `connect` (TCP, TLS) → `handshake` (the upgrade, done by wscope so the bytes
//! are kept verbatim) → `tap` (frame headers both ways, on the plaintext side of TLS) →
//! `session` (the event loop) → `render` (text or JSON Lines). The session produces
//! [`event::Event`]s; renderers consume them.

pub mod app;
pub mod backoff;
pub mod cli;
pub mod client;
pub mod command;
pub mod connect;
pub mod error;
pub mod event;
pub mod frame;
pub mod generate;
pub mod handshake;
pub mod input_thread;
pub mod output_thread;
pub mod pipe;
pub mod proxy;
pub mod render;
pub mod repl;
pub mod request;
pub mod response;
pub mod serve;
pub mod session;
pub mod stats;
pub mod sync;
pub mod tap;
pub mod target;
pub mod term;
pub mod tls_hello;
pub mod tls_info;
pub mod wire;
