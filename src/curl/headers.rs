//! Which of a copied request's headers wscope sends, and why the others are left out.
//!
//! A browser's copy holds the upgrade headers it generated for its own connection (a key, the
//! version, `Connection`, `Upgrade`, the extensions it can negotiate): sending those would make
//! wscope's handshake the browser's, with a key wscope did not choose. Everything that says who
//! the client is (Origin, Cookie, User-Agent, Authorization, Sec-Fetch-*, client hints) is kept,
//! in the order given. Names are compared without regard to case: HTTP/2 copies are lower-case.

use super::cookie;
use super::note::Note;
use crate::error::Error;
use crate::wire::request::parse_header_arg;

/// The `-H` values sorted into what is sent and what is said about the rest.
#[derive(Debug, Default)]
pub(super) struct Sorted {
    /// Headers to send, in order (without Cookie and User-Agent, returned apart).
    pub headers: Vec<(String, String)>,
    /// Values of Cookie headers, normalised, in order.
    pub cookies: Vec<String>,
    /// The last User-Agent header's value.
    pub user_agent: Option<String>,
    /// Names of every header used in some form, in order, for the "kept" note.
    pub kept: Vec<String>,
    /// Why each header left out was left out.
    pub dropped: Vec<Note>,
    pub has_authorization: bool,
    pub has_referer: bool,
}

/// Sorts `-H` values. `host` is the Host wscope sends for the URL; `keep_extensions` keeps the
/// copy's `Sec-WebSocket-Extensions` instead of letting wscope offer its own.
pub(super) fn sort(raw: &[String], host: &str, keep_extensions: bool) -> Result<Sorted, Error> {
    let mut out = Sorted::default();
    for arg in raw {
        let Some((name, value)) = read(arg, &mut out)? else {
            continue;
        };
        match drop_reason(&name, &value, host, keep_extensions) {
            Some(why) => {
                let note = Note::dropped(name, why);
                if !out.dropped.contains(&note) {
                    out.dropped.push(note);
                }
                continue;
            }
            None => out.kept.push(name.clone()),
        }
        match name.to_ascii_lowercase().as_str() {
            "cookie" => out.cookies.push(cookie::normalize(&value)),
            "user-agent" => out.user_agent = Some(value),
            lower => {
                out.has_authorization |= lower == "authorization";
                out.has_referer |= lower == "referer";
                out.headers.push((name, value));
            }
        }
    }
    Ok(out)
}

/// Reads one `-H` value as curl does: `Name: value`, `Name;` for an empty value, `Name:` to
/// remove a header curl would add (nothing to send here), `@file` for headers from a file.
fn read(arg: &str, out: &mut Sorted) -> Result<Option<(String, String)>, Error> {
    let arg = arg.trim_start();
    if arg.starts_with('@') {
        return Err(Error::usage(format!(
            "curl option -H '{arg}' reads headers from a file, which wscope does not"
        ))
        .with_hint("give each header with its own -H 'Name: value'"));
    }
    if let Some(pseudo) = arg.strip_prefix(':') {
        let name = format!(":{}", pseudo.split(':').next().unwrap_or("").trim());
        out.dropped.push(Note::dropped(
            name,
            "an HTTP/2 pseudo-header; wscope's upgrade is HTTP/1.1, its Host from the URL",
        ));
        return Ok(None);
    }
    if !arg.contains(':') {
        if let Some(name) = arg.trim_end().strip_suffix(';') {
            let (name, _) = parse_header_arg(&format!("{name}:"))?;
            return Ok(Some((name, String::new())));
        }
    }
    let (name, value) = parse_header_arg(arg)?;
    if value.is_empty() {
        out.dropped.push(Note::dropped(
            format!("{name}:"),
            "with no value it only stops curl from sending a header of its own",
        ));
        return Ok(None);
    }
    Ok(Some((name, value)))
}

fn drop_reason(name: &str, value: &str, host: &str, keep_extensions: bool) -> Option<&'static str> {
    match name.to_ascii_lowercase().as_str() {
        "sec-websocket-key" => Some("wscope generates its own"),
        "sec-websocket-version" => Some("wscope sends 13"),
        "connection" => Some("wscope sends Connection: Upgrade"),
        "upgrade" => Some("wscope sends Upgrade: websocket"),
        "sec-websocket-extensions" if !keep_extensions => {
            Some("wscope negotiates the extensions it supports")
        }
        "accept-encoding" => {
            Some("wscope shows a refused upgrade's body as it arrives, without decompressing it")
        }
        "content-length" => Some("the upgrade request has no body"),
        "host" if value.eq_ignore_ascii_case(host) => Some("wscope sends the same from the URL"),
        "authority" => Some("Chromium's copy of the HTTP/2 pseudo-header :authority"),
        "protocol" if value.eq_ignore_ascii_case("websocket") => {
            Some("Chromium's copy of the HTTP/2 pseudo-header :protocol")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sort_ok(raw: &[&str], keep_extensions: bool) -> Sorted {
        let owned: Vec<String> = raw.iter().map(|s| s.to_string()).collect();
        sort(&owned, "h.example", keep_extensions).unwrap_or_else(|e| panic!("{raw:?}: {e}"))
    }

    fn dropped(s: &Sorted) -> Vec<String> {
        s.dropped.iter().map(|n| n.to_string()).collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn upgrade_headers_are_dropped_identity_headers_kept_in_order() {
        let s = sort_ok(
            &[
                "Upgrade: websocket",
                "Origin: https://h.example",
                "sec-websocket-key: abc==",
                "Sec-Fetch-Site: same-origin",
                "Connection: keep-alive, Upgrade",
                "authorization: Bearer t",
                "Sec-WebSocket-Version: 13",
                "Sec-WebSocket-Protocol: chat, json",
                "sec-websocket-extensions: permessage-deflate; client_max_window_bits",
                "Accept-Encoding: gzip",
                "Referer: https://h.example/app",
            ],
            false,
        );
        assert_eq!(
            s.headers,
            pairs(&[
                ("Origin", "https://h.example"),
                ("Sec-Fetch-Site", "same-origin"),
                ("authorization", "Bearer t"),
                ("Sec-WebSocket-Protocol", "chat, json"),
                ("Referer", "https://h.example/app"),
            ])
        );
        assert!(s.has_authorization && s.has_referer);
        assert_eq!(
            dropped(&s),
            [
                "dropped Upgrade (wscope sends Upgrade: websocket)",
                "dropped sec-websocket-key (wscope generates its own)",
                "dropped Connection (wscope sends Connection: Upgrade)",
                "dropped Sec-WebSocket-Version (wscope sends 13)",
                "dropped sec-websocket-extensions (wscope negotiates the extensions it supports)",
                "dropped Accept-Encoding (wscope shows a refused upgrade's body as it arrives, \
                 without decompressing it)",
            ]
        );
    }

    #[test]
    fn extensions_are_kept_when_asked() {
        let s = sort_ok(&["Sec-WebSocket-Extensions: permessage-deflate"], true);
        assert_eq!(
            s.headers,
            pairs(&[("Sec-WebSocket-Extensions", "permessage-deflate")])
        );
        assert!(s.dropped.is_empty());
    }

    #[test]
    fn cookie_and_user_agent_are_returned_apart() {
        let s = sort_ok(
            &[
                "cookie: a=1;b=2",
                "User-Agent: first",
                "X-A: 1",
                "Cookie: c=3",
                "user-agent: second",
            ],
            false,
        );
        assert_eq!(s.headers, pairs(&[("X-A", "1")]));
        assert_eq!(s.cookies, ["a=1; b=2", "c=3"]);
        assert_eq!(s.user_agent.as_deref(), Some("second"));
        assert_eq!(
            s.kept,
            ["cookie", "User-Agent", "X-A", "Cookie", "user-agent"]
        );
    }

    #[test]
    fn http2_pseudo_headers_and_chromium_copies_of_them_are_dropped() {
        let s = sort_ok(
            &[
                ":authority: h.example",
                ":method: GET",
                "authority: h.example",
                "protocol: websocket",
                "Protocol: v2",
            ],
            false,
        );
        assert_eq!(s.headers, pairs(&[("Protocol", "v2")]));
        assert_eq!(
            dropped(&s),
            [
                "dropped :authority (an HTTP/2 pseudo-header; wscope's upgrade is HTTP/1.1, its \
                 Host from the URL)",
                "dropped :method (an HTTP/2 pseudo-header; wscope's upgrade is HTTP/1.1, its \
                 Host from the URL)",
                "dropped authority (Chromium's copy of the HTTP/2 pseudo-header :authority)",
                "dropped protocol (Chromium's copy of the HTTP/2 pseudo-header :protocol)",
            ]
        );
    }

    #[test]
    fn host_is_dropped_only_when_it_says_what_the_url_says() {
        let s = sort_ok(&["Host: H.example", "Content-Length: 0"], false);
        assert!(s.headers.is_empty());
        assert_eq!(
            dropped(&s),
            [
                "dropped Host (wscope sends the same from the URL)",
                "dropped Content-Length (the upgrade request has no body)",
            ]
        );
        let s = sort_ok(&["Host: other.example"], false);
        assert_eq!(s.headers, pairs(&[("Host", "other.example")]));
    }

    #[test]
    fn curl_empty_header_forms() {
        let s = sort_ok(&["X-Empty;", "Accept:", "X-Empty;  "], false);
        assert_eq!(s.headers, pairs(&[("X-Empty", ""), ("X-Empty", "")]));
        assert_eq!(
            dropped(&s),
            ["dropped Accept: (with no value it only stops curl from sending a header of its own)"]
        );
    }

    #[test]
    fn invalid_headers_are_refused() {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let e = sort(&owned(&["@headers.txt"]), "h", false).expect_err("file");
        assert_eq!(
            e.message,
            "curl option -H '@headers.txt' reads headers from a file, which wscope does not"
        );
        let e = sort(&owned(&["no colon"]), "h", false).expect_err("colon");
        assert!(e.message.contains("has no colon"));
        let e = sort(&owned(&["Bad Name: x"]), "h", false).expect_err("name");
        assert!(e.message.contains("not allowed in an HTTP header name"));
        let e = sort(&owned(&["X: a\r\nInjected: 1"]), "h", false).expect_err("crlf");
        assert!(e.message.contains("control character"));
        let e = sort(&owned(&["Bad Name;"]), "h", false).expect_err("name;");
        assert!(e.message.contains("not allowed in an HTTP header name"));
    }
}
