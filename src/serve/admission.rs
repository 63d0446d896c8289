//! Which upgrade requests `wscope serve` takes, decided before it answers 101.
//!
//! A web page in the user's browser can open a WebSocket to any local port; its request carries
//! the page's `Origin`. A server that runs a program for each connection (`--coproc`) must not
//! let such a page drive that program (cross-site WebSocket hijacking), so it refuses every
//! Origin that `--allow-origin` does not name (403). Clients that are not browsers send no
//! Origin and are served. `--max-clients` bounds the connections served at once (429, as
//! websocketd answers).

use super::handshake::{Refusal, Request};
use crate::error::Error;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Which `Origin` values are accepted (by default: all).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct OriginPolicy {
    /// Origins named with `--allow-origin`, normalised.
    allowed: Vec<String>,
    /// `--allow-origin '*'`.
    any: bool,
    /// Refuse an Origin not named (with `--coproc`, or once any origin is named).
    only_listed: bool,
    /// Why, for the refusal's body.
    coproc: bool,
}

impl OriginPolicy {
    /// From `--allow-origin` values; `coproc`: a program runs for each connection.
    pub(crate) fn new(allow: &[String], coproc: bool) -> Result<Self, Error> {
        let mut allowed = Vec::new();
        for origin in allow {
            if origin.trim() == "*" {
                continue;
            }
            let normal = normalize(origin).ok_or_else(|| {
                Error::usage(format!("--allow-origin '{origin}' is not an origin"))
                    .with_hint("an origin is scheme://host[:port], as browsers send it, or '*'")
            })?;
            allowed.push(normal);
        }
        Ok(OriginPolicy {
            any: allow.iter().any(|o| o.trim() == "*"),
            only_listed: coproc || !allow.is_empty(),
            allowed,
            coproc,
        })
    }

    /// Whether a request with this `Origin` header (if any) is served.
    pub(crate) fn check(&self, origin: Option<&str>) -> Result<(), Refusal> {
        let Some(origin) = origin else {
            return Ok(());
        };
        if self.any || !self.only_listed {
            return Ok(());
        }
        let normal = normalize(origin).unwrap_or_else(|| origin.trim().to_ascii_lowercase());
        if self.allowed.contains(&normal) {
            return Ok(());
        }
        let why = if self.coproc {
            format!(
                "origin {origin} is not allowed: this server runs a program for each connection, \
                 and only origins named with --allow-origin may reach it"
            )
        } else {
            format!("origin {origin} is not allowed (--allow-origin)")
        };
        Err(Refusal { status: 403, why })
    }
}

/// An origin as browsers compare them: scheme, host and port, lower case, default port left
/// out; `None` when it is not a URL with a host.
fn normalize(origin: &str) -> Option<String> {
    let url = url::Url::parse(origin.trim()).ok()?;
    url.host()?;
    let serialized = url.origin().ascii_serialization();
    (serialized != "null").then_some(serialized)
}

/// Origins and capacity together: what each upgrade request is checked against.
pub(super) struct Admission {
    pub origins: OriginPolicy,
    /// `--max-clients`: the slots, and how many there are.
    slots: Option<(Arc<Semaphore>, u32)>,
}

impl Admission {
    pub(super) fn new(origins: OriginPolicy, max_clients: Option<u32>) -> Self {
        Admission {
            origins,
            slots: max_clients.map(|n| (Arc::new(Semaphore::new(n as usize)), n)),
        }
    }

    /// Checks the request; a served connection holds its slot (if slots are counted) until it
    /// ends.
    pub(super) fn admit(&self, request: &Request) -> Result<Option<OwnedSemaphorePermit>, Refusal> {
        self.origins.check(request.get("Origin"))?;
        let Some((slots, max)) = &self.slots else {
            return Ok(None);
        };
        slots
            .clone()
            .try_acquire_owned()
            .map(Some)
            .map_err(|_| Refusal {
                status: 429,
                why: format!("too many clients: this server serves {max} at once (--max-clients)"),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::transport::Peer;

    fn policy(allow: &[&str], coproc: bool) -> OriginPolicy {
        let allow: Vec<String> = allow.iter().map(|s| s.to_string()).collect();
        OriginPolicy::new(&allow, coproc).expect("valid")
    }

    fn status(p: &OriginPolicy, origin: Option<&str>) -> Option<u16> {
        p.check(origin).err().map(|r| r.status)
    }

    #[test]
    fn a_program_is_not_driven_by_a_web_page_unless_its_origin_is_named() {
        let p = policy(&[], true);
        assert_eq!(status(&p, None), None, "no Origin: not a browser");
        assert_eq!(status(&p, Some("https://evil.example")), Some(403));
        assert_eq!(status(&p, Some("null")), Some(403));
        let p = policy(&["https://app.example", "http://localhost:8080"], true);
        assert_eq!(status(&p, Some("https://APP.example:443")), None);
        assert_eq!(status(&p, Some("http://localhost:8080")), None);
        assert_eq!(status(&p, Some("http://localhost:8081")), Some(403));
        assert_eq!(status(&p, Some("http://app.example")), Some(403));
        assert_eq!(
            status(&policy(&["*"], true), Some("https://any.example")),
            None
        );
        assert!(OriginPolicy::new(&["not an origin".into()], true).is_err());
    }

    #[test]
    fn echo_and_broadcast_serve_any_origin_unless_told() {
        assert_eq!(status(&policy(&[], false), Some("https://a.example")), None);
        let p = policy(&["https://a.example"], false);
        assert_eq!(status(&p, Some("https://b.example")), Some(403));
    }

    #[test]
    fn the_slots_bound_the_clients_served_at_once() {
        let a = Admission::new(policy(&[], false), Some(1));
        let r = Request {
            resource: "/".into(),
            headers: Vec::new(),
            peer: Peer::Unix(None),
            http_minor: 1,
        };
        let first = a.admit(&r).expect("first");
        let refused = a.admit(&r).expect_err("second");
        assert_eq!(refused.status, 429);
        drop(first);
        assert!(a.admit(&r).is_ok(), "a slot frees when its connection ends");
    }
}
