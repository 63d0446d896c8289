//! Following the server's redirects of the upgrade request (`-L`, at most `--max-redirs`):
//! which answers are followed, where a `Location` points as a WebSocket target (http→ws,
//! https→wss, relative resolved), and the loop of attempts, the same for the client and the
//! probe.

use super::ConnectConfig;
use crate::error::{Error, Kind};
use crate::event::{Event, Info};
use crate::wire::response::ResponseHead;
use crate::wire::target::Target;

/// What one attempt at the upgrade led to.
pub(crate) enum Attempt<T> {
    /// An answer that is not to be followed (for the client: a valid 101).
    Done(T),
    /// A redirect to follow.
    Redirect(Target),
}

/// Where the answer `head` to a request for `from` sends the next attempt: `Some` with `-L`
/// for a redirect (an error when its `Location` is no WebSocket target), `None` otherwise.
pub(crate) fn next(
    cfg: &ConnectConfig,
    from: &Target,
    head: &ResponseHead,
) -> Option<Result<Target, Error>> {
    cfg.follow_redirects?;
    location(head).map(|loc| target(from, loc))
}

/// The `Location` of a redirecting answer (301, 302, 303, 307, 308).
fn location(head: &ResponseHead) -> Option<&str> {
    matches!(head.status, 301 | 302 | 303 | 307 | 308)
        .then(|| head.get("Location"))
        .flatten()
}

/// Where a redirect points, as a WebSocket target.
fn target(from: &Target, location: &str) -> Result<Target, Error> {
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
fn too_many(max: u32) -> Error {
    Error::new(
        Kind::Rejected,
        format!("more than {max} redirects; gave up"),
    )
    .with_hint("raise the limit with --max-redirs N")
}

/// Tries `start`, then each redirect an attempt returns (counted against `--max-redirs`, each
/// said as it is followed), until an attempt is done.
pub(crate) async fn follow<T>(
    cfg: &ConnectConfig,
    start: &Target,
    emit: &mut dyn FnMut(Event),
    mut attempt: impl AsyncFnMut(&Target, &mut dyn FnMut(Event)) -> Result<Attempt<T>, Error>,
) -> Result<(Target, T), Error> {
    let mut target = start.clone();
    let mut redirects = 0;
    let max = cfg.follow_redirects.unwrap_or_default();
    loop {
        match attempt(&target, emit).await? {
            Attempt::Done(done) => return Ok((target, done)),
            Attempt::Redirect(next) => {
                redirects += 1;
                if redirects > max {
                    return Err(too_many(max));
                }
                emit(Event::Info(Info::Redirect {
                    to: next.url.clone(),
                }));
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
