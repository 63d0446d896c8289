//! Reading curl's options from a list of words: one table says, for every option wscope knows,
//! whether it takes a value and what becomes of it (used, ignored with a note, or refused).
//!
//! Short options may be bundled (`-sSk`) and may carry their value attached (`-Hfoo: bar`,
//! `-XGET`); long options take theirs as the next word or after `=` (`--header=...`). An option
//! not in the table is an error naming it: guessing whether it takes a value would misread the
//! rest of the command.

use super::note::Note;
use crate::error::Error;

/// What the options said, before headers, cookies and the URL are interpreted.
#[derive(Debug, Default)]
pub(super) struct CurlArgs {
    pub urls: Vec<String>,
    /// `-H` values in order, as given.
    pub headers: Vec<String>,
    /// `-b` values in order, as given.
    pub cookies: Vec<String>,
    pub insecure: bool,
    pub user_agent: Option<String>,
    pub referer: Option<String>,
    pub user: Option<String>,
    pub location: bool,
    pub globoff: bool,
    /// Options ignored or taken, in the order given (each said once).
    pub notes: Vec<Note>,
}

#[derive(Clone, Copy)]
enum Effect {
    Url,
    Header,
    Cookie,
    Insecure,
    UserAgent,
    Referer,
    User,
    Location,
    Globoff,
    Method,
    /// Accepted, changes nothing; the note says why.
    Ignore(&'static str),
    /// Refused; the message says why and the hint what to do instead.
    Refuse(&'static str, &'static str),
    /// Refused: wscope has an option of its own for it, named here.
    Elsewhere(&'static str),
}

struct Spec {
    long: &'static str,
    short: Option<char>,
    takes_value: bool,
    effect: Effect,
}

const fn spec(long: &'static str, short: Option<char>, value: bool, effect: Effect) -> Spec {
    Spec {
        long,
        short,
        takes_value: value,
        effect,
    }
}

const OUTPUT: Effect = Effect::Ignore("curl's own output; wscope's is set by its own options");
const HTTP_VERSION: Effect = Effect::Ignore("wscope upgrades over HTTP/1.1");
const BODY: Effect = Effect::Refuse(
    "a WebSocket upgrade request has no body",
    "send messages once connected (wscope -e MSG, stdin or the REPL)",
);
const AUTH_SCHEME: Effect = Effect::Refuse(
    "wscope authenticates with Basic only",
    "use -u user:password for Basic, or pass the Authorization header with -H",
);

/// Every curl option wscope understands.
const OPTIONS: &[Spec] = &[
    spec("url", None, true, Effect::Url),
    spec("header", Some('H'), true, Effect::Header),
    spec("cookie", Some('b'), true, Effect::Cookie),
    spec("insecure", Some('k'), false, Effect::Insecure),
    spec("user-agent", Some('A'), true, Effect::UserAgent),
    spec("referer", Some('e'), true, Effect::Referer),
    spec("user", Some('u'), true, Effect::User),
    spec("location", Some('L'), false, Effect::Location),
    spec("globoff", Some('g'), false, Effect::Globoff),
    spec("request", Some('X'), true, Effect::Method),
    spec(
        "compressed",
        None,
        false,
        Effect::Ignore(
            "it asks for a compressed HTTP body; WebSocket messages are compressed by \
             permessage-deflate, which wscope negotiates itself",
        ),
    ),
    spec(
        "basic",
        None,
        false,
        Effect::Ignore("wscope's credentials are always Basic"),
    ),
    spec("http1.1", None, false, HTTP_VERSION),
    spec("http1.0", Some('0'), false, HTTP_VERSION),
    spec("http2", None, false, HTTP_VERSION),
    spec("http2-prior-knowledge", None, false, HTTP_VERSION),
    spec("http3", None, false, HTTP_VERSION),
    spec("http3-only", None, false, HTTP_VERSION),
    spec("silent", Some('s'), false, OUTPUT),
    spec("show-error", Some('S'), false, OUTPUT),
    spec("include", Some('i'), false, OUTPUT),
    spec("verbose", Some('v'), false, OUTPUT),
    spec("no-buffer", Some('N'), false, OUTPUT),
    spec("no-progress-meter", None, false, OUTPUT),
    spec("progress-bar", Some('#'), false, OUTPUT),
    spec("fail", Some('f'), false, OUTPUT),
    spec("fail-with-body", None, false, OUTPUT),
    spec("output", Some('o'), true, OUTPUT),
    spec("dump-header", Some('D'), true, OUTPUT),
    spec("write-out", Some('w'), true, OUTPUT),
    spec("cookie-jar", Some('c'), true, OUTPUT),
    spec("data", Some('d'), true, BODY),
    spec("data-raw", None, true, BODY),
    spec("data-binary", None, true, BODY),
    spec("data-ascii", None, true, BODY),
    spec("data-urlencode", None, true, BODY),
    spec("json", None, true, BODY),
    spec("form", Some('F'), true, BODY),
    spec("form-string", None, true, BODY),
    spec("upload-file", Some('T'), true, BODY),
    spec(
        "head",
        Some('I'),
        false,
        Effect::Refuse(
            "a HEAD request cannot be upgraded to a WebSocket",
            "remove -I",
        ),
    ),
    spec("digest", None, false, AUTH_SCHEME),
    spec("ntlm", None, false, AUTH_SCHEME),
    spec("negotiate", None, false, AUTH_SCHEME),
    spec("anyauth", None, false, AUTH_SCHEME),
    spec(
        "config",
        Some('K'),
        true,
        Effect::Refuse(
            "it reads more options from a file",
            "put the options in the command itself",
        ),
    ),
    spec(
        "max-time",
        Some('m'),
        true,
        Effect::Ignore(
            "a limit on curl's whole transfer; wscope's limits are --connect-timeout and \
             --handshake-timeout",
        ),
    ),
    spec("proxy", Some('x'), true, Effect::Elsewhere("--proxy")),
    spec("noproxy", None, true, Effect::Elsewhere("--noproxy")),
    spec("cacert", None, true, Effect::Elsewhere("--cacert")),
    spec("cert", Some('E'), true, Effect::Elsewhere("--cert")),
    spec("key", None, true, Effect::Elsewhere("--key")),
    spec(
        "connect-timeout",
        None,
        true,
        Effect::Elsewhere("--connect-timeout"),
    ),
    spec("max-redirs", None, true, Effect::Elsewhere("--max-redirs")),
];

fn by_long(name: &str) -> Option<&'static Spec> {
    OPTIONS.iter().find(|s| s.long == name)
}

fn by_short(c: char) -> Option<&'static Spec> {
    OPTIONS.iter().find(|s| s.short == Some(c))
}

/// Reads the curl arguments (the leading `curl` word already removed or never there).
pub(super) fn parse(words: &[String]) -> Result<CurlArgs, Error> {
    let mut out = CurlArgs::default();
    let mut rest = words.iter();
    let mut options_ended = false;
    while let Some(word) = rest.next() {
        if options_ended || word == "-" || !word.starts_with('-') {
            out.urls.push(word.clone());
        } else if word == "--" {
            options_ended = true;
        } else if let Some(long) = word.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((name, value)) => (name, Some(value.to_string())),
                None => (long, None),
            };
            let spec = by_long(name).ok_or_else(|| unknown(&format!("--{name}")))?;
            let value = match (spec.takes_value, attached) {
                (true, Some(v)) => Some(v),
                (true, None) => Some(next_value(&mut rest, spec)?),
                (false, None) => None,
                (false, Some(_)) => {
                    return Err(Error::usage(format!("curl option --{name} takes no value")));
                }
            };
            apply(&mut out, spec, value)?;
        } else {
            short_cluster(&mut out, word, &mut rest)?;
        }
    }
    Ok(out)
}

/// `-sSk`, `-H value`, `-Hvalue`, `-kHvalue`: flags until one takes a value.
fn short_cluster(
    out: &mut CurlArgs,
    word: &str,
    rest: &mut std::slice::Iter<'_, String>,
) -> Result<(), Error> {
    for (at, c) in word.char_indices().skip(1) {
        let spec = by_short(c).ok_or_else(|| unknown(&format!("-{c}")))?;
        if spec.takes_value {
            let attached = word.get(at + c.len_utf8()..).unwrap_or("");
            let value = if attached.is_empty() {
                next_value(rest, spec)?
            } else {
                attached.to_string()
            };
            return apply(out, spec, Some(value));
        }
        apply(out, spec, None)?;
    }
    Ok(())
}

fn next_value(rest: &mut std::slice::Iter<'_, String>, spec: &Spec) -> Result<String, Error> {
    rest.next()
        .cloned()
        .ok_or_else(|| Error::usage(format!("curl option {} needs a value", display_name(spec))))
}

fn display_name(spec: &Spec) -> String {
    match spec.short {
        Some(c) => format!("-{c}/--{}", spec.long),
        None => format!("--{}", spec.long),
    }
}

fn unknown(name: &str) -> Error {
    Error::usage(format!("unknown curl option '{name}'")).with_hint(
        "wscope reads the options browsers put in \"Copy as cURL\" (-H, -b, -k, -A, -e, -u, \
         --compressed...): remove this one, or give wscope its own equivalent",
    )
}

fn apply(out: &mut CurlArgs, spec: &Spec, value: Option<String>) -> Result<(), Error> {
    let value = value.unwrap_or_default();
    match spec.effect {
        Effect::Url => out.urls.push(value),
        Effect::Header => out.headers.push(value),
        Effect::Cookie => out.cookies.push(value),
        Effect::Insecure => out.insecure = true,
        Effect::UserAgent => out.user_agent = Some(value),
        Effect::Referer => out.referer = Some(value),
        Effect::User => out.user = Some(value),
        Effect::Location => out.location = true,
        Effect::Globoff => out.globoff = true,
        Effect::Method => method(out, &value)?,
        Effect::Ignore(why) => note_once(out, Note::ignored(format!("--{}", spec.long), why)),
        Effect::Refuse(why, hint) => {
            return Err(Error::usage(format!(
                "curl option {} is not taken: {why}",
                display_name(spec)
            ))
            .with_hint(hint));
        }
        Effect::Elsewhere(option) => {
            return Err(Error::usage(format!(
                "curl option {} is not taken: give wscope its own {option} option instead",
                display_name(spec)
            )));
        }
    }
    Ok(())
}

/// `-X`: the upgrade is a GET; a browser's HTTP/2 WebSocket shows as CONNECT.
fn method(out: &mut CurlArgs, method: &str) -> Result<(), Error> {
    let why = match method.to_ascii_uppercase().as_str() {
        "GET" => "the upgrade request is always a GET",
        "CONNECT" => {
            "a browser's WebSocket over HTTP/2 is a CONNECT; wscope upgrades an HTTP/1.1 GET"
        }
        _ => {
            return Err(Error::usage(format!(
                "curl option -X {method} is not taken: a WebSocket upgrade is a GET request"
            ))
            .with_hint("remove -X"));
        }
    };
    note_once(out, Note::ignored(format!("-X {method}"), why));
    Ok(())
}

fn note_once(out: &mut CurlArgs, note: Note) {
    if !out.notes.contains(&note) {
        out.notes.push(note);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(words: &[&str]) -> CurlArgs {
        let owned: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        parse(&owned).unwrap_or_else(|e| panic!("{words:?}: {e}"))
    }

    fn parse_err(words: &[&str]) -> Error {
        let owned: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        parse(&owned).expect_err("should fail")
    }

    fn notes(args: &CurlArgs) -> Vec<String> {
        args.notes.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn short_long_attached_and_equals_forms() {
        let a = parse_ok(&[
            "-H",
            "A: 1",
            "-HB: 2",
            "--header",
            "C: 3",
            "--header=D: 4=x",
            "-kLgHE: 5",
            "--url",
            "https://h/",
            "-bx=1",
            "--cookie=y=2",
            "-Aua",
            "-e",
            "https://r/",
            "-uu:p",
        ]);
        assert_eq!(a.headers, ["A: 1", "B: 2", "C: 3", "D: 4=x", "E: 5"]);
        assert_eq!(a.urls, ["https://h/"]);
        assert_eq!(a.cookies, ["x=1", "y=2"]);
        assert!(a.insecure && a.location && a.globoff);
        assert_eq!(a.user_agent.as_deref(), Some("ua"));
        assert_eq!(a.referer.as_deref(), Some("https://r/"));
        assert_eq!(a.user.as_deref(), Some("u:p"));
        assert!(a.notes.is_empty());
    }

    #[test]
    fn positional_urls_and_end_of_options() {
        let a = parse_ok(&["wss://a/", "--", "-weird", "-"]);
        assert_eq!(a.urls, ["wss://a/", "-weird", "-"]);
    }

    #[test]
    fn ignored_options_are_noted_once_each() {
        let a = parse_ok(&[
            "-sS",
            "-s",
            "--compressed",
            "-X",
            "GET",
            "--request=get",
            "--http1.1",
            "--http2",
            "-i",
            "-v",
            "-o",
            "/dev/null",
            "-XCONNECT",
            "--basic",
        ]);
        assert_eq!(
            notes(&a),
            [
                "ignored --silent (curl's own output; wscope's is set by its own options)",
                "ignored --show-error (curl's own output; wscope's is set by its own options)",
                "ignored --compressed (it asks for a compressed HTTP body; WebSocket messages \
                 are compressed by permessage-deflate, which wscope negotiates itself)",
                "ignored -X GET (the upgrade request is always a GET)",
                "ignored -X get (the upgrade request is always a GET)",
                "ignored --http1.1 (wscope upgrades over HTTP/1.1)",
                "ignored --http2 (wscope upgrades over HTTP/1.1)",
                "ignored --include (curl's own output; wscope's is set by its own options)",
                "ignored --verbose (curl's own output; wscope's is set by its own options)",
                "ignored --output (curl's own output; wscope's is set by its own options)",
                "ignored -X CONNECT (a browser's WebSocket over HTTP/2 is a CONNECT; wscope \
                 upgrades an HTTP/1.1 GET)",
                "ignored --basic (wscope's credentials are always Basic)",
            ]
        );
        assert!(a.urls.is_empty());
    }

    #[test]
    fn unknown_options_are_named() {
        let e = parse_err(&["--frobnicate", "x"]);
        assert_eq!(e.message, "unknown curl option '--frobnicate'");
        assert!(e.hint.is_some());
        assert_eq!(parse_err(&["-sZ"]).message, "unknown curl option '-Z'");
        assert_eq!(
            parse_err(&["--frob=1"]).message,
            "unknown curl option '--frob'"
        );
    }

    #[test]
    fn missing_and_unexpected_values() {
        assert_eq!(
            parse_err(&["url", "-H"]).message,
            "curl option -H/--header needs a value"
        );
        assert_eq!(
            parse_err(&["--url"]).message,
            "curl option --url needs a value"
        );
        assert_eq!(
            parse_err(&["--insecure=yes"]).message,
            "curl option --insecure takes no value"
        );
    }

    #[test]
    fn refused_options_say_why_and_what_instead() {
        let e = parse_err(&["--data-raw", "{}"]);
        assert_eq!(
            e.message,
            "curl option --data-raw is not taken: a WebSocket upgrade request has no body"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("send messages once connected (wscope -e MSG, stdin or the REPL)")
        );
        assert!(parse_err(&["-dx=1"]).message.contains("-d/--data"));
        assert!(parse_err(&["-I"]).message.contains("HEAD"));
        assert!(parse_err(&["--digest"]).message.contains("Basic only"));
        assert!(parse_err(&["-K", "f"]).message.contains("from a file"));
        assert_eq!(
            parse_err(&["-x", "http://p:3128"]).message,
            "curl option -x/--proxy is not taken: give wscope its own --proxy option instead"
        );
        let e = parse_err(&["-X", "POST"]);
        assert_eq!(
            e.message,
            "curl option -X POST is not taken: a WebSocket upgrade is a GET request"
        );
    }

    #[test]
    fn the_table_has_no_duplicate_names() {
        for (i, a) in OPTIONS.iter().enumerate() {
            for b in &OPTIONS[i + 1..] {
                assert_ne!(a.long, b.long);
                assert!(a.short.is_none() || a.short != b.short, "{}", a.long);
            }
        }
    }
}
