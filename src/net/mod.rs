//! Reaching the server: the URL as a target, DNS and TCP within the connect timeout (or a Unix
//! socket), a tunnel through an HTTP or SOCKS5 proxy, and TLS (with what the handshake
//! negotiated, for `-v`).

pub mod connect;
pub mod observe;
pub mod proxy;
pub mod target;
pub mod tls_hello;
pub mod tls_info;
pub mod transport;
