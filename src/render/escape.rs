//! Keeping the terminal safe and credentials hidden: control characters a server sends are
//! shown escaped (so it cannot drive the terminal), and Authorization, Proxy-Authorization and
//! Cookie values are masked unless `--show-credentials`, on the screen, in JSON Lines and in
//! recordings alike (URL passwords: `wire::target::shown_url`). Pure.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Escapes characters that could drive a terminal (C0 except tab and newline, DEL, C1).
pub(crate) fn escape_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
}

/// Escapes bytes that are not UTF-8 or that could drive a terminal.
pub(crate) fn escape_bytes(b: &[u8]) -> String {
    let lossy = String::from_utf8_lossy(b);
    escape_terminal(&lossy).into_owned()
}

/// Masks credentials in a header line unless asked to show them: the value of Authorization
/// and Proxy-Authorization after the scheme, the value of every cookie in Cookie.
pub(crate) fn mask_credentials(line: &str, show: bool) -> Cow<'_, str> {
    if show {
        return Cow::Borrowed(line);
    }
    let Some((name, value)) = line.split_once(':') else {
        return Cow::Borrowed(line);
    };
    let n = name.trim();
    if n.eq_ignore_ascii_case("authorization") || n.eq_ignore_ascii_case("proxy-authorization") {
        let value = value.trim();
        let scheme = value.split_whitespace().next().unwrap_or("");
        if scheme.len() < value.len() {
            Cow::Owned(format!("{name}: {scheme} ****"))
        } else {
            Cow::Owned(format!("{name}: ****"))
        }
    } else if n.eq_ignore_ascii_case("cookie") {
        let cookies: Vec<String> = value
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| match c.split_once('=') {
                Some((cookie, _)) => format!("{cookie}=****"),
                None => "****".to_string(),
            })
            .collect();
        Cow::Owned(format!("{name}: {}", cookies.join("; ")))
    } else {
        Cow::Borrowed(line)
    }
}

/// An HTTP head as text, credentials masked unless asked to show them.
pub(crate) fn mask_head(bytes: &[u8], show: bool) -> String {
    let text = String::from_utf8_lossy(bytes);
    if show {
        return text.into_owned();
    }
    text.split("\r\n")
        .map(|l| mask_credentials(l, false))
        .collect::<Vec<_>>()
        .join("\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_only() {
        assert_eq!(escape_terminal("a\tb\nc"), "a\tb\nc");
        assert_eq!(escape_terminal("\x1b[31mred\r"), "\\x1b[31mred\\x0d");
        assert_eq!(escape_terminal("\u{9b}2J"), "\\x9b2J");
        assert_eq!(escape_terminal("héllo ✓"), "héllo ✓");
    }

    #[test]
    fn credentials_are_masked() {
        assert_eq!(
            mask_credentials("Authorization: Basic dTpw", false),
            "Authorization: Basic ****"
        );
        assert_eq!(
            mask_credentials("authorization: tok", false),
            "authorization: ****"
        );
        assert_eq!(
            mask_credentials("Authorization: Basic dTpw", true),
            "Authorization: Basic dTpw"
        );
        assert_eq!(mask_credentials("X: y", false), "X: y");
        assert_eq!(
            mask_head(
                b"GET / HTTP/1.1\r\nProxy-Authorization: Basic abc\r\n\r\n",
                false
            ),
            "GET / HTTP/1.1\r\nProxy-Authorization: Basic ****\r\n\r\n"
        );
        let head = b"GET / HTTP/1.1\r\nCookie: session=s3cret; theme=dark\r\n\r\n";
        assert_eq!(
            mask_head(head, false),
            "GET / HTTP/1.1\r\nCookie: session=****; theme=****\r\n\r\n"
        );
        assert_eq!(mask_head(head, true).as_bytes(), head);
        assert_eq!(mask_credentials("cookie: token", false), "cookie: ****");
    }
}
