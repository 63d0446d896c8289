//! Reaching the server: DNS and TCP within the connect timeout (or a Unix socket), a tunnel
//! through an HTTP or SOCKS5 proxy, and TLS (with what the handshake negotiated, for `-v`).
//! The URL it reaches is a [`crate::wire::target::Target`].

pub(crate) mod connect;
pub mod proxy;
pub mod tls_hello;
pub(crate) mod tls_info;
pub(crate) mod transport;
