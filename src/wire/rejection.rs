//! Why a server refused the upgrade, as far as the evidence goes: the status, the headers of the
//! answer, and what our request had or lacked.
//!
//! A 403 is not always about credentials: a wrong path, a missing or unexpected `Origin` and a
//! missing subprotocol are as common. The hint names what this request did and did not send, so
//! the user can see which of those it could be. Pure: the request facts and the answer in, an
//! [`Error`] with a hint out.

use crate::error::{Error, Kind};
use crate::wire::request::Request;
use crate::wire::response::ResponseHead;

/// The error for a non-101 answer that is not being followed as a redirect.
pub fn rejected(head: &ResponseHead, req: &Request) -> Error {
    let status = head.status;
    let reason = head.reason.trim();
    let what = if reason.is_empty() {
        format!("the server rejected the upgrade: {status}")
    } else {
        format!("the server rejected the upgrade: {status} {reason}")
    };
    let e = Error::new(Kind::Rejected, what);
    match hint(head, req) {
        Some(h) => e.with_hint(h),
        None => e,
    }
}

/// [`rejected`], with what the answer's body shows: a Socket.IO server's Engine.IO refusing a
/// client that does not speak it says so in a way that names the option that does; a SockJS
/// endpoint (Spring's STOMP endpoints) greets or describes itself, and its raw WebSocket is
/// elsewhere.
pub(crate) fn rejected_with_body(head: &ResponseHead, req: &Request, body: &[u8]) -> Error {
    let e = rejected(head, req);
    let body = String::from_utf8_lossy(body);
    if let Some(hint) = sockjs_hint(&req.resource, &body) {
        return e.with_hint(hint);
    }
    let engine_io = ["Transport unknown", "Unsupported protocol version"]
        .iter()
        .find(|m| body.contains(*m));
    match engine_io {
        Some(said) if req.resource.contains("/socket.io/") => e.with_hint(format!(
            "this is a Socket.IO server (its Engine.IO answered \"{said}\"): wscope speaks it with --proto socketio and the URL the official client takes, e.g. --proto socketio ws://HOST:PORT/"
        )),
        _ => e,
    }
}

/// A SockJS endpoint answers a GET of its base path with "Welcome to SockJS!" and of its
/// `/info` with a JSON description; its raw WebSocket (no SockJS framing) is at base +
/// `/websocket`.
fn sockjs_hint(resource: &str, body: &str) -> Option<String> {
    let path = resource.split('?').next().unwrap_or(resource);
    let base = if body.starts_with("Welcome to SockJS!") {
        path
    } else if body.contains("\"entropy\"") && body.contains("\"websocket\"") {
        path.strip_suffix("/info")?
    } else {
        return None;
    };
    let base = base.trim_end_matches('/');
    Some(format!(
        "this is a SockJS endpoint: its raw WebSocket is at {base}/websocket (a STOMP broker's: --proto stomp ws://HOST:PORT{base}/websocket)"
    ))
}

fn hint(head: &ResponseHead, req: &Request) -> Option<String> {
    if let Some(loc) = head.get("Location") {
        return Some(format!(
            "it redirects to {loc}; follow redirects with -L/--location"
        ));
    }
    Some(match head.status {
        401 => {
            let scheme = head
                .get("WWW-Authenticate")
                .map(|v| format!(" (it asks for: {v})"))
                .unwrap_or_default();
            if req.authorization {
                format!("the server refused the credentials that were sent{scheme}")
            } else {
                format!(
                    "the server wants credentials{scheme}: -u USER:PASS or -H 'Authorization: ...'"
                )
            }
        }
        403 => format!(
            "a 403 is not always about credentials; this request {}",
            evidence(req).join(", ")
        ),
        404 => format!(
            "there is no WebSocket endpoint at {}: check the URL's path",
            req.resource
        ),
        400 => format!(
            "the server found the request unacceptable; some servers answer 400 to a missing \
             Origin or subprotocol; this request {}",
            evidence(req).join(", ")
        ),
        426 => {
            let wanted = head
                .get("Sec-WebSocket-Version")
                .map(|v| format!(" it supports version {v};"))
                .unwrap_or_default();
            format!(
                "the server wants another protocol version:{wanted} wscope speaks 13 (RFC 6455)"
            )
        }
        429 | 503 => {
            let after = head
                .get("Retry-After")
                .map(|v| format!(" (Retry-After: {v})"))
                .unwrap_or_default();
            format!("the server is busy or limiting requests; try again later{after}")
        }
        _ => return None,
    })
}

/// What the request had or lacked, among the usual reasons for a refusal.
fn evidence(req: &Request) -> Vec<String> {
    let mut said = vec![format!("asked for the path {}", req.resource)];
    said.push(match &req.origin {
        Some(o) => format!("sent Origin {o} (is it allowed?)"),
        None => "sent no Origin (browsers always do: --origin URL)".to_string(),
    });
    said.push(if req.offered_protocols.is_empty() {
        "offered no subprotocol (-s NAME)".to_string()
    } else {
        format!(
            "offered the subprotocols {}",
            req.offered_protocols.join(", ")
        )
    });
    said.push(match (req.authorization, req.cookie) {
        (false, false) => {
            "sent no credentials (-u USER:PASS, -H 'Authorization: ...' or -H 'Cookie: ...')"
                .to_string()
        }
        (true, false) => "sent an Authorization header".to_string(),
        (false, true) => "sent a Cookie header".to_string(),
        (true, true) => "sent an Authorization and a Cookie header".to_string(),
    });
    said
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::request::{RequestOptions, build};
    use crate::wire::response::parse_head;
    use crate::wire::target::Target;

    fn req(opts: RequestOptions) -> Request {
        let t = Target::parse("ws://h/api/stream").expect("url");
        build(&t, &opts, "k")
    }

    fn head(text: &str) -> ResponseHead {
        parse_head(text.as_bytes()).expect("head")
    }

    #[test]
    fn an_empty_reason_phrase_leaves_no_trailing_blank() {
        let e = rejected(
            &head("HTTP/1.1 403 \r\n\r\n"),
            &req(RequestOptions::default()),
        );
        assert_eq!(e.message, "the server rejected the upgrade: 403");
        let e = rejected(
            &head("HTTP/1.1 403\r\n\r\n"),
            &req(RequestOptions::default()),
        );
        assert_eq!(e.message, "the server rejected the upgrade: 403");
    }

    #[test]
    fn a_403_names_what_the_request_lacked() {
        let e = rejected(
            &head("HTTP/1.1 403 Forbidden\r\n\r\n"),
            &req(RequestOptions::default()),
        );
        let h = e.hint.expect("hint");
        assert!(h.contains("not always about credentials"), "{h}");
        assert!(h.contains("path /api/stream"), "{h}");
        assert!(h.contains("no Origin"), "{h}");
        assert!(h.contains("no subprotocol"), "{h}");
        assert!(h.contains("no credentials"), "{h}");
    }

    #[test]
    fn a_403_names_what_the_request_had() {
        let opts = RequestOptions {
            origin: Some("https://app.example".into()),
            subprotocols: vec!["chat".into()],
            headers: vec![("Cookie".into(), "s=1".into())],
            user: Some(("a".into(), "b".into())),
            ..RequestOptions::default()
        };
        let h = rejected(&head("HTTP/1.1 403 Forbidden\r\n\r\n"), &req(opts))
            .hint
            .expect("hint");
        assert!(h.contains("sent Origin https://app.example"), "{h}");
        assert!(h.contains("offered the subprotocols chat"), "{h}");
        assert!(h.contains("Authorization and a Cookie"), "{h}");
    }

    #[test]
    fn a_401_depends_on_whether_credentials_went_out() {
        let challenge = head("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\n\r\n");
        let h = rejected(&challenge, &req(RequestOptions::default()))
            .hint
            .expect("hint");
        assert!(h.contains("wants credentials (it asks for: Bearer)"), "{h}");
        let opts = RequestOptions {
            user: Some(("a".into(), "b".into())),
            ..RequestOptions::default()
        };
        let h = rejected(&challenge, &req(opts)).hint.expect("hint");
        assert!(h.contains("refused the credentials"), "{h}");
    }

    #[test]
    fn an_engine_io_refusal_names_the_protocol() {
        let t = Target::parse("ws://h/socket.io/").expect("url");
        let r = build(&t, &RequestOptions::default(), "k");
        let head = head("HTTP/1.1 400 Bad Request\r\n\r\n");
        let body = br#"{"code":0,"message":"Transport unknown"}"#;
        let hint = rejected_with_body(&head, &r, body).hint.expect("hint");
        assert!(hint.contains("--proto socketio"), "{hint}");
        let plain = rejected_with_body(&head, &req(RequestOptions::default()), body);
        assert!(!plain.hint.unwrap_or_default().contains("socketio"));
    }

    #[test]
    fn a_sockjs_endpoint_names_its_raw_websocket() {
        let answer = head("HTTP/1.1 200 OK\r\nContent-Type: text/plain;charset=UTF-8\r\n\r\n");
        let at = |path: &str| {
            build(
                &Target::parse(&format!("ws://h{path}")).expect("url"),
                &RequestOptions::default(),
                "k",
            )
        };
        let hint = |path: &str, body: &[u8]| {
            rejected_with_body(&answer, &at(path), body)
                .hint
                .unwrap_or_default()
        };
        let welcome = b"Welcome to SockJS!\n";
        assert!(
            hint("/stomp", welcome).contains("raw WebSocket is at /stomp/websocket"),
            "{}",
            hint("/stomp", welcome)
        );
        assert!(hint("/app/stomp/?x=1", welcome).contains("ws://HOST:PORT/app/stomp/websocket"));
        let info = br#"{"entropy":-1,"origins":["*:*"],"cookie_needed":true,"websocket":true}"#;
        assert!(hint("/stomp/info", info).contains("/stomp/websocket"));
        assert!(!hint("/stomp/other", info).contains("SockJS"));
    }

    #[test]
    fn other_statuses() {
        let r = req(RequestOptions::default());
        let hint = |t: &str| rejected(&head(t), &r).hint.unwrap_or_default();
        let cases = [
            ("HTTP/1.1 404 Not Found\r\n\r\n", "/api/stream"),
            (
                "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 8\r\n\r\n",
                "version 8",
            ),
            (
                "HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n",
                "-L/--location",
            ),
            (
                "HTTP/1.1 503 Busy\r\nRetry-After: 5\r\n\r\n",
                "Retry-After: 5",
            ),
        ];
        for (answer, says) in cases {
            assert!(hint(answer).contains(says), "{answer:?}: {}", hint(answer));
        }
        assert_eq!(rejected(&head("HTTP/1.1 500 Oops\r\n\r\n"), &r).hint, None);
    }
}
