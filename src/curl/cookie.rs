//! Cookie strings (`name=value; other=value`) as curl's `-b` and wscope's `--cookie` take them.
//!
//! curl reads a `-b` value without `=` as the name of a cookie file; wscope reads no files for a
//! request, so such a value is refused rather than sent as a cookie.

use crate::error::Error;

/// Validates a cookie string and returns it in the form it is sent: pairs joined by `"; "`.
pub(crate) fn parse_cookie_arg(arg: &str) -> Result<String, Error> {
    let trimmed = arg.trim();
    if trimmed.is_empty() {
        return Err(Error::usage("empty cookie string")
            .with_hint("give the cookies as 'name=value; other=value'"));
    }
    if !trimmed.contains('=') {
        return Err(Error::usage(format!(
            "cookie '{trimmed}' has no '=': curl reads such a value as a cookie file, which \
             wscope does not"
        ))
        .with_hint("give the cookies themselves: 'name=value; other=value'"));
    }
    if let Some(bad) = trimmed
        .chars()
        .find(|c| (c.is_control() && *c != '\t') || *c == '\u{7f}')
    {
        return Err(Error::usage(format!(
            "cookie string contains the control character {bad:?}"
        )));
    }
    Ok(normalize(trimmed))
}

/// The pairs of a cookie string, trimmed, empty ones left out, joined by `"; "`.
pub(super) fn normalize(value: &str) -> String {
    value
        .split(';')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_strings_are_normalised() {
        assert_eq!(parse_cookie_arg(" a=b;c=d ; ").expect("ok"), "a=b; c=d");
        assert_eq!(parse_cookie_arg("s=x=y==").expect("ok"), "s=x=y==");
        assert_eq!(
            parse_cookie_arg("a=1; nameless; b=").expect("ok"),
            "a=1; nameless; b="
        );
        assert_eq!(normalize(";; a=1 ;"), "a=1");
    }

    #[test]
    fn cookie_files_and_bad_strings_are_refused() {
        let e = parse_cookie_arg("cookies.txt").expect_err("file");
        assert_eq!(
            e.message,
            "cookie 'cookies.txt' has no '=': curl reads such a value as a cookie file, which \
             wscope does not"
        );
        assert!(e.hint.is_some());
        assert_eq!(
            parse_cookie_arg("  ").expect_err("empty").message,
            "empty cookie string"
        );
        assert_eq!(
            parse_cookie_arg("a=b\r\nX-Injected: 1")
                .expect_err("crlf")
                .message,
            "cookie string contains the control character '\\r'"
        );
    }
}
