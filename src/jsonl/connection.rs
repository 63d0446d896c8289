//! Establishing a connection as JSON Lines: `connected`, `proxy`, `tls`, `request`,
//! `response` and `open`; and `reconnect` and `timing` around a session.

use super::time::Millis;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// TCP (or the Unix socket) is up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Connected<'a> {
    /// The URL (its password masked unless `--show-credentials`), or `proxy URL`.
    #[serde(borrow)]
    pub url: Cow<'a, str>,
    #[serde(default)]
    pub peer: String,
    #[serde(default)]
    pub dns_ms: Millis,
    #[serde(default)]
    pub tcp_ms: Millis,
}

/// A tunnel through a proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Proxy {
    pub proxy: String,
    pub source: String,
    /// The CONNECT request (credentials masked) and answer, verbatim (HTTP proxies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    pub proxy_ms: Millis,
}

/// TLS is up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Tls {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cipher: Option<String>,
    pub tls_ms: Millis,
    /// Whether the certificate was verified (not with `--insecure`).
    pub verified: bool,
    /// What the server's certificate says, an item a line.
    pub certificate: Vec<String>,
}

/// How long each step of establishing the session took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Timings {
    pub dns_ms: Millis,
    pub proxy_ms: Option<Millis>,
    pub tcp_ms: Millis,
    pub tls_ms: Option<Millis>,
    pub upgrade_ms: Millis,
}

/// The upgrade request, verbatim (credentials masked unless `--show-credentials`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Request<'a> {
    #[serde(borrow)]
    pub head: Cow<'a, str>,
}

/// The answer to the upgrade, verbatim; the body of a rejection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Response<'a> {
    #[serde(borrow)]
    pub head: Cow<'a, str>,
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub body: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_truncated: Option<bool>,
    pub timings: Timings,
}

/// The WebSocket is open: what the server agreed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Open {
    #[serde(default)]
    pub subprotocol: Option<String>,
    /// As the server wrote them.
    #[serde(default)]
    pub extensions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deflate: Option<Deflate>,
    /// With `--proto`: the application protocol spoken on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proto: Option<super::app::Proto>,
}

/// The permessage-deflate parameters in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Deflate {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    pub server_max_window_bits: u8,
    pub client_max_window_bits: u8,
}

/// The connection ended or failed; `--reconnect` tries again after the delay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Reconnect {
    pub attempt: u32,
    pub max: Option<u32>,
    pub delay_ms: Millis,
    pub reason: String,
}

/// The `--timing` summary at the end of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Timing {
    #[serde(flatten)]
    pub timings: Timings,
    pub first_message_ms: Option<Millis>,
    pub total_ms: Millis,
}
