//! Following the server's redirects of the upgrade request (`-L`, at most `--max-redirs`):
//! where a `Location` points, as a WebSocket target (http→ws, https→wss, relative resolved).

use super::attempt::{Attempt, Upgraded, attempt};
use super::recorder::Recorder;
use crate::config::ConnectConfig;
use crate::error::{Error, Kind};
use crate::event::Event;
use crate::wire::target::Target;
use crate::wire::response::ResponseHead;

/// The `Location` of a redirecting answer (301, 302, 303, 307, 308).
pub fn location(head: &ResponseHead) -> Option<&str> {
    matches!(head.status, 301 | 302 | 303 | 307 | 308)
        .then(|| head.get("Location"))
        .flatten()
}

/// Where a redirect points, as a WebSocket target.
pub fn target(from: &Target, location: &str) -> Result<Target, Error> {
    let rejected = |what: String| Error::new(Kind::Rejected, what);
    let scheme = if from.secure { "https" } else { "http" };
    let base = url::Url::parse(&format!("{scheme}://{}{}", from.host_header, from.resource))
        .map_err(|e| rejected(format!("cannot follow the redirect: {e}")))?;
    let mut next = base.join(location).map_err(|e| {
        rejected(format!(
            "the redirect Location '{location}' is not a URL: {e}"
        ))
    })?;
    let ws_scheme = match next.scheme() {
        "http" | "ws" => "ws",
        "https" | "wss" => "wss",
        other => {
            return Err(rejected(format!(
                "the redirect points to an unsupported scheme '{other}': {location}"
            )));
        }
    };
    let text = next.as_str().replacen(next.scheme(), ws_scheme, 1);
    next =
        url::Url::parse(&text).map_err(|e| rejected(format!("cannot follow the redirect: {e}")))?;
    Target::parse(next.as_str()).map_err(|e| rejected(e.message))
}

/// More redirects than `--max-redirs` allows.
pub fn too_many(max: u32) -> Error {
    Error::new(
        Kind::Rejected,
        format!("more than {max} redirects; gave up"),
    )
    .with_hint("raise the limit with --max-redirs N")
}

/// Connects, following redirects, until the server accepts the upgrade.
pub(super) async fn establish(
    cfg: &ConnectConfig,
    start: &Target,
    rec: &mut Recorder,
) -> Result<(Target, Box<Upgraded>), Error> {
    let mut target = start.clone();
    let mut redirects = 0;
    let max = cfg.follow_redirects.unwrap_or_default();
    loop {
        match attempt(cfg, &target, rec).await? {
            Attempt::Upgraded(up) => return Ok((target, up)),
            Attempt::Redirect(next) => {
                redirects += 1;
                if redirects > max {
                    return Err(too_many(max));
                }
                rec.emit(Event::Info(format!(
                    "following the redirect to {}",
                    next.display
                )));
                target = next;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_become_websocket_targets() {
        let from = Target::parse("wss://h.example/a/b?x=1").expect("url");
        let t = target(&from, "/c").expect("relative");
        assert_eq!(t.display, "wss://h.example/c");
        let t = target(&from, "http://other:8080/d").expect("absolute");
        assert_eq!((t.secure, t.port, t.resource.as_str()), (false, 8080, "/d"));
        let t = target(&from, "e?y=2").expect("path-relative");
        assert_eq!(t.resource, "/a/e?y=2");
        assert!(target(&from, "ftp://h/").is_err());
    }
}
