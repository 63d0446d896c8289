//! The `Sec-WebSocket-Extensions` header grammar (RFC 6455 §9.1): a comma-separated list of
//! extensions, each a token followed by `;`-separated parameters with an optional token or
//! quoted-string value. Negotiation (`params.rs`, `accept.rs`) works on the parsed form.

use super::params::NegotiationError;

/// One element of the extension list, e.g. `permessage-deflate; server_max_window_bits=10`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Extension {
    pub name: String,
    pub params: Vec<Param>,
}

/// One extension parameter; `value` is unquoted already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Param {
    pub name: String,
    pub value: Option<String>,
}

impl Extension {
    /// The element as text again, for messages that quote what the peer sent.
    pub(crate) fn text(&self) -> String {
        let mut s = self.name.clone();
        for p in &self.params {
            s.push_str("; ");
            s.push_str(&p.text());
        }
        s
    }
}

impl Param {
    /// `name` or `name=value`.
    pub(crate) fn text(&self) -> String {
        match &self.value {
            Some(v) => format!("{}={v}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A `tchar` of RFC 7230 §3.2.6.
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

pub(super) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_tchar)
}

/// Splits `s` at `sep` where it is not inside a quoted string.
fn split_outside_quotes(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            parts.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&s[start..]);
    parts
}

/// A parameter value: a token, or a quoted string whose content is returned unescaped.
fn parse_value(raw: &str, param: &str) -> Result<String, NegotiationError> {
    let bad = |problem: &str| NegotiationError::new(format!("{param}={raw}"), problem);
    if let Some(inner) = raw.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = inner.chars();
        loop {
            match chars.next() {
                Some('\\') => match chars.next() {
                    Some(c) => out.push(c),
                    None => return Err(bad("unterminated quoted string (RFC 6455 §9.1)")),
                },
                Some('"') => break,
                Some(c) => out.push(c),
                None => return Err(bad("unterminated quoted string (RFC 6455 §9.1)")),
            }
        }
        if chars.next().is_some() {
            return Err(bad(
                "text after the closing quote of the value (RFC 6455 §9.1)",
            ));
        }
        Ok(out)
    } else if is_token(raw) {
        Ok(raw.to_string())
    } else {
        Err(bad(
            "the value is neither a token nor a quoted string (RFC 6455 §9.1)",
        ))
    }
}

fn parse_param(raw: &str) -> Result<Param, NegotiationError> {
    let (name, value) = match raw.split_once('=') {
        Some((n, v)) => (n.trim(), Some(v.trim())),
        None => (raw.trim(), None),
    };
    if !is_token(name) {
        return Err(NegotiationError::new(
            raw.trim(),
            "a parameter name must be a token (RFC 6455 §9.1)",
        ));
    }
    let value = value.map(|v| parse_value(v, name)).transpose()?;
    Ok(Param {
        name: name.to_string(),
        value,
    })
}

/// Parses every value of the header (several header lines count as one comma-joined list).
/// Empty list elements are skipped, as HTTP lists allow.
pub(crate) fn parse_extensions<'a>(
    values: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Extension>, NegotiationError> {
    let mut out = Vec::new();
    for value in values {
        for element in split_outside_quotes(value, ',') {
            if element.trim().is_empty() {
                continue;
            }
            let mut pieces = split_outside_quotes(element, ';').into_iter();
            let name = pieces.next().unwrap_or_default().trim();
            if !is_token(name) {
                return Err(NegotiationError::new(
                    element.trim(),
                    "an extension name must be a token (RFC 6455 §9.1)",
                ));
            }
            let params = pieces.map(parse_param).collect::<Result<Vec<_>, _>>()?;
            out.push(Extension {
                name: name.to_string(),
                params,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(name: &str, value: Option<&str>) -> Param {
        Param {
            name: name.into(),
            value: value.map(Into::into),
        }
    }

    #[test]
    fn parses_lists_params_and_quoted_values() {
        let exts = parse_extensions([
            "permessage-deflate ; client_max_window_bits; server_max_window_bits = \"10\"",
            " , x-foo;a=\"b\\\"c\", bar",
        ])
        .unwrap();
        assert_eq!(exts.len(), 3);
        assert_eq!(exts[0].name, "permessage-deflate");
        assert_eq!(
            exts[0].params,
            vec![
                param("client_max_window_bits", None),
                param("server_max_window_bits", Some("10"))
            ]
        );
        assert_eq!(exts[1].params, vec![param("a", Some("b\"c"))]);
        assert_eq!(exts[2].text(), "bar");
    }

    #[test]
    fn commas_and_semicolons_inside_quotes_do_not_split() {
        let exts = parse_extensions(["e; a=\"x,y;z\""]).unwrap();
        assert_eq!(exts.len(), 1);
        assert_eq!(exts[0].params, vec![param("a", Some("x,y;z"))]);
    }

    #[test]
    fn syntax_errors_name_the_element() {
        let e = parse_extensions(["permessage-deflate; a=\"open"]).unwrap_err();
        assert!(e.to_string().contains("a=\"open"), "{e}");
        let e = parse_extensions(["; a"]).unwrap_err();
        assert!(e.to_string().contains("extension name"), "{e}");
        let e = parse_extensions(["p; a=\"x\"y"]).unwrap_err();
        assert!(e.to_string().contains("after the closing quote"), "{e}");
        let e = parse_extensions(["p; a=b c"]).unwrap_err();
        assert!(e.to_string().contains("a=b c"), "{e}");
        let e = parse_extensions(["p; =1"]).unwrap_err();
        assert!(e.to_string().contains("parameter name"), "{e}");
    }

    #[test]
    fn nothing_but_empty_elements_is_an_empty_list() {
        assert!(parse_extensions([" , ,", ""]).unwrap().is_empty());
    }
}
