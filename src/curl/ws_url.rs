//! The URL of a curl command as the ws:// or wss:// URL wscope connects to.
//!
//! Browsers show a WebSocket's URL as ws(s)://, proxies and hand-written commands often as
//! http(s)://: the upgrade is the same request, so http becomes ws and https wss. Chromium also
//! escapes `[]{}` with backslashes because curl expands them as URL patterns; the escapes are
//! undone here as curl would, and an unescaped pattern is refused (it names several URLs).

use super::note::Note;
use crate::error::Error;
use crate::wire::target::Target;

/// The URL wscope will connect to, with what changed on the way.
#[derive(Debug)]
pub(super) struct WsUrl {
    pub url: String,
    pub target: Target,
    pub notes: Vec<Note>,
}

pub(super) fn websocket_url(raw: &str, globoff: bool) -> Result<WsUrl, Error> {
    let mut notes = Vec::new();
    let raw = raw.trim();
    let unglobbed = if globoff {
        raw.to_string()
    } else {
        unescape_globs(raw)?
    };
    let without_fragment = match unglobbed.split_once('#') {
        Some((before, _)) => {
            notes.push(Note::dropped(
                "the URL's #fragment",
                "it is never sent, as in curl",
            ));
            before.to_string()
        }
        None => unglobbed,
    };
    let url = match scheme_of(&without_fragment) {
        Some((scheme, rest)) => {
            let ws = match scheme.to_ascii_lowercase().as_str() {
                "http" => "ws",
                "https" => "wss",
                "ws" => "ws",
                "wss" => "wss",
                _ => {
                    return Err(Error::usage(format!(
                        "the curl command's URL has the scheme '{scheme}://': wscope connects \
                         to ws:// and wss:// (and reads http:// and https:// as those)"
                    )));
                }
            };
            if !scheme.eq_ignore_ascii_case(ws) {
                notes.push(Note::converted(format!("{scheme}:// to {ws}://"), ""));
            }
            format!("{ws}{rest}")
        }
        None => {
            notes.push(Note::converted(
                "the URL without a scheme to ws://",
                "curl assumes http://",
            ));
            format!("ws://{without_fragment}")
        }
    };
    let target = Target::parse(&url)?;
    Ok(WsUrl { url, target, notes })
}

/// Splits `scheme` from `://rest` when the URL starts with a syntactically valid scheme.
fn scheme_of(url: &str) -> Option<(&str, &str)> {
    let at = url.find("://")?;
    let scheme = url.get(..at)?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| (scheme, url.get(at..).unwrap_or("")))
}

/// Undoes curl's `\[ \] \{ \}` escapes; refuses a pattern curl would expand into several URLs.
/// A `[` that opens the host is an IPv6 literal, which curl does not expand either.
fn unescape_globs(url: &str) -> Result<String, Error> {
    let mut out = String::with_capacity(url.len());
    let mut chars = url.chars().peekable();
    let mut column = 0usize;
    while let Some(c) = chars.next() {
        column += 1;
        match c {
            '\\' if chars
                .peek()
                .is_some_and(|n| matches!(n, '[' | ']' | '{' | '}')) =>
            {
                if let Some(n) = chars.next() {
                    column += 1;
                    out.push(n);
                }
            }
            '{' => return Err(glob_error(c, column)),
            '[' if !opens_host(&out) => return Err(glob_error(c, column)),
            _ => out.push(c),
        }
    }
    Ok(out)
}

fn opens_host(before: &str) -> bool {
    if before.ends_with("://") {
        return true;
    }
    match before.split_once("://") {
        Some((_, authority)) => before.ends_with('@') && !authority.contains('/'),
        None => before.is_empty() || (before.ends_with('@') && !before.contains('/')),
    }
}

fn glob_error(c: char, column: usize) -> Error {
    Error::usage(format!(
        "the URL has an unescaped '{c}' at character {column}: curl would expand it as a \
         pattern naming several URLs, and wscope opens one"
    ))
    .with_hint(format!("write it as \\{c}, or add -g (--globoff)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str, globoff: bool) -> (String, Vec<String>) {
        let u = websocket_url(raw, globoff).unwrap_or_else(|e| panic!("{raw}: {e}"));
        (u.url, u.notes.iter().map(|n| n.to_string()).collect())
    }

    fn err(raw: &str) -> Error {
        websocket_url(raw, false).expect_err(raw)
    }

    #[test]
    fn http_schemes_become_websocket_schemes() {
        assert_eq!(
            ok("https://h.example/ws?a=1", false),
            (
                "wss://h.example/ws?a=1".into(),
                vec!["converted https:// to wss://".into()]
            )
        );
        assert_eq!(
            ok("HTTP://h:8080/", false),
            (
                "ws://h:8080/".into(),
                vec!["converted HTTP:// to ws://".into()]
            )
        );
        assert_eq!(ok("wss://h/", false), ("wss://h/".into(), vec![]));
        assert_eq!(ok("WS://h/", false), ("ws://h/".into(), vec![]));
        assert_eq!(
            ok("localhost:9001/x", false),
            (
                "ws://localhost:9001/x".into(),
                vec!["converted the URL without a scheme to ws:// (curl assumes http://)".into()]
            )
        );
    }

    #[test]
    fn other_schemes_are_refused() {
        assert_eq!(
            err("ftp://h/").message,
            "the curl command's URL has the scheme 'ftp://': wscope connects to ws:// and \
             wss:// (and reads http:// and https:// as those)"
        );
        assert!(err("file:///etc/passwd").message.contains("'file://'"));
    }

    #[test]
    fn curl_glob_escapes_are_undone_and_patterns_refused() {
        assert_eq!(
            ok(r"wss://h/s?t\[\]=a&o=\{x\}", false).0,
            "wss://h/s?t[]=a&o={x}"
        );
        assert_eq!(ok("ws://[::1]:9001/x", false).0, "ws://[::1]:9001/x");
        assert_eq!(ok("ws://u:p@[::1]/", false).0, "ws://u:p@[::1]/");
        assert_eq!(ok("wss://h/a[1]", true).0, "wss://h/a[1]");
        let e = err("wss://h/file[1-3]");
        assert_eq!(
            e.message,
            "the URL has an unescaped '[' at character 13: curl would expand it as a pattern \
             naming several URLs, and wscope opens one"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("write it as \\[, or add -g (--globoff)")
        );
        assert!(err("wss://{a,b}.h/").message.contains("'{'"));
    }

    #[test]
    fn fragments_are_dropped_and_bad_urls_refused_by_target() {
        assert_eq!(
            ok("https://h/p#top", false),
            (
                "wss://h/p".into(),
                vec![
                    "dropped the URL's #fragment (it is never sent, as in curl)".into(),
                    "converted https:// to wss://".into()
                ]
            )
        );
        assert!(err("https://").message.contains("no host"));
        assert!(err("ws://h:99999/").message.contains("invalid port"));
    }
}
