//! Reading a browser's "Copy as cURL" command into what wscope needs to open the same WebSocket.
//!
//! `wscope curl <curl arguments>` receives words its shell already split; `--from-curl
//! 'curl ...'` receives the whole command as one string, split here as bash would
//! ([`from_command_line`]). Both go through the same curl option reader (`from_args`), then:
//! the URL becomes ws:// or wss://, the headers the browser generated for its own upgrade are
//! dropped, the ones that say who the client is are kept in order, cookies from `-b` and
//! `Cookie` headers become one string, and every decision is written down as a `Note` for
//! stderr. Pure: no files, no environment, no network.

mod args;
mod cookie;
mod headers;
mod note;
mod words;
mod ws_url;

#[cfg(test)]
mod browser_samples;

pub(crate) use cookie::parse_cookie_arg;
pub(crate) use note::Note;
pub use words::split;

use crate::error::Error;
use crate::wire::request::parse_header_arg;

/// A curl command read as wscope options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurlImport {
    /// The ws:// or wss:// URL (http:// and https:// converted), already accepted by
    /// [`crate::wire::target::Target::parse`].
    pub url: String,
    /// Headers to send, in the order given (Referer from `-e` last). Without Cookie and
    /// User-Agent, which are in [`Self::cookie`] and [`Self::user_agent`].
    pub headers: Vec<(String, String)>,
    /// Every cookie from `Cookie` headers, then from `-b`, as one `a=b; c=d` string.
    pub cookie: Option<String>,
    /// `-k`/`--insecure` on a wss:// URL: do not verify the server's certificate.
    pub insecure: bool,
    /// From a `User-Agent` header, else from `-A` (the header wins, as in curl).
    pub user_agent: Option<String>,
    /// `-u user:password`, unless an `Authorization` header was given (it wins, as in curl).
    pub user: Option<(String, String)>,
    /// `-L`/`--location`: follow redirects of the upgrade request.
    pub location: bool,
    /// What was kept, converted, dropped and ignored, one line each, for stderr.
    pub(crate) notes: Vec<Note>,
}

/// Reads a whole pasted command (`curl 'wss://...' -H ...`), splitting it as bash would.
pub fn from_command_line(command: &str, keep_extensions: bool) -> Result<CurlImport, Error> {
    from_args(&words::split(command)?, keep_extensions)
}

/// Reads curl's arguments, with or without the leading `curl` word. `keep_extensions` sends
/// the copy's `Sec-WebSocket-Extensions` instead of the extensions wscope negotiates itself.
pub(crate) fn from_args<S: AsRef<str>>(
    args: &[S],
    keep_extensions: bool,
) -> Result<CurlImport, Error> {
    let words: Vec<String> = args.iter().map(|a| a.as_ref().to_string()).collect();
    let words = match words.split_first() {
        Some((first, rest)) if is_curl(first) => rest,
        _ => &words[..],
    };
    if words.is_empty() {
        return Err(Error::usage("the curl command is empty")
            .with_hint("paste the command from the browser's \"Copy as cURL\""));
    }
    let args = args::parse(words)?;
    let ws = ws_url::websocket_url(the_url(&args.urls)?, args.globoff)?;
    let secure = ws.target.secure;
    let mut sorted = headers::sort(&args.headers, &ws.target.host_header, keep_extensions)?;

    let mut notes = ws.notes;
    if !sorted.kept.is_empty() {
        notes.push(Note::kept(
            format!("headers {}", sorted.kept.join(", ")),
            "",
        ));
    }
    notes.append(&mut sorted.dropped);

    let cookie = merge_cookies(&sorted.cookies, &args.cookies, &mut notes)?;
    let user_agent = user_agent(sorted.user_agent, args.user_agent, &mut notes);
    let user = match args.user {
        Some(_) if sorted.has_authorization => {
            notes.push(Note::ignored(
                "--user",
                "the Authorization header given with -H wins, as in curl",
            ));
            None
        }
        Some(user) => {
            notes.push(Note::kept("--user", "sent as Basic credentials"));
            Some(user_and_password(&user)?)
        }
        None => None,
    };
    let mut headers = sorted.headers;
    if let Some(referer) = args.referer {
        referer_header(&referer, sorted.has_referer, &mut headers, &mut notes)?;
    }
    if args.insecure {
        notes.push(if secure {
            Note::kept(
                "--insecure",
                "the server's certificate will not be verified",
            )
        } else {
            Note::ignored("--insecure", "ws:// has no TLS")
        });
    }
    if args.location {
        notes.push(Note::kept(
            "--location",
            "redirects of the upgrade are followed",
        ));
    }
    notes.extend(args.notes);
    Ok(CurlImport {
        url: ws.url,
        headers,
        cookie,
        insecure: args.insecure && secure,
        user_agent,
        user,
        location: args.location,
        notes,
    })
}

/// The command's one URL.
fn the_url(urls: &[String]) -> Result<&str, Error> {
    match urls {
        [one] => Ok(one),
        [] => Err(Error::usage("the curl command has no URL")),
        [first, second, ..] => Err(Error::usage(format!(
            "the curl command has more than one URL ('{first}', '{second}'...): wscope \
             connects to one"
        ))),
    }
}

/// The User-Agent: a header given with -H wins over `-A`, as in curl.
fn user_agent(
    header: Option<String>,
    option: Option<String>,
    notes: &mut Vec<Note>,
) -> Option<String> {
    match (header, option) {
        (Some(header), Some(_)) => {
            notes.push(Note::ignored(
                "--user-agent",
                "the User-Agent header given with -H wins, as in curl",
            ));
            Some(header)
        }
        (Some(header), None) => Some(header),
        (None, Some(option)) => {
            notes.push(Note::kept("--user-agent", ""));
            Some(option)
        }
        (None, None) => None,
    }
}

fn is_curl(word: &str) -> bool {
    let program = word.rsplit(['/', '\\']).next().unwrap_or(word);
    program == "curl" || program.eq_ignore_ascii_case("curl.exe")
}

/// One cookie string from the Cookie headers and the `-b` values, in that order. curl itself
/// sends only the Cookie header when both are given; merging keeps what the user added.
fn merge_cookies(
    from_headers: &[String],
    from_options: &[String],
    notes: &mut Vec<Note>,
) -> Result<Option<String>, Error> {
    let mut all: Vec<String> = from_headers
        .iter()
        .filter(|c| !c.is_empty())
        .cloned()
        .collect();
    for value in from_options {
        all.push(parse_cookie_arg(value)?);
    }
    match (from_headers.len(), from_options.is_empty()) {
        (0, false) => notes.push(Note::kept("cookies from -b", "")),
        (1.., false) => notes.push(Note::converted(
            "the Cookie header and -b cookies into one Cookie header",
            "curl itself would send only the -H one",
        )),
        (2.., true) => notes.push(Note::converted("several Cookie headers into one", "")),
        _ => {}
    }
    Ok((!all.is_empty()).then(|| all.join("; ")))
}

fn user_and_password(user: &str) -> Result<(String, String), Error> {
    match user.split_once(':') {
        Some((name, password)) => Ok((name.to_string(), password.to_string())),
        None => Err(Error::usage(format!(
            "curl option --user '{user}' has no password: curl would ask for it"
        ))
        .with_hint("write -u user:password")),
    }
}

/// `-e URL` (curl's `;auto` suffix asks it to update the Referer on redirects: not needed).
fn referer_header(
    referer: &str,
    header_given: bool,
    headers: &mut Vec<(String, String)>,
    notes: &mut Vec<Note>,
) -> Result<(), Error> {
    let value = referer.strip_suffix(";auto").unwrap_or(referer).trim();
    if header_given {
        notes.push(Note::ignored(
            "--referer",
            "the Referer header given with -H wins, as in curl",
        ));
    } else if value.is_empty() {
        notes.push(Note::ignored("--referer", "it gives no URL"));
    } else {
        headers.push(parse_header_arg(&format!("Referer: {value}"))?);
        notes.push(Note::kept("--referer", "sent as the Referer header"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(args: &[&str]) -> CurlImport {
        from_args(args, false).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }

    fn refused(args: &[&str]) -> Error {
        from_args(args, false).expect_err("should be refused")
    }

    fn notes(i: &CurlImport) -> Vec<String> {
        i.notes.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn both_entry_points_read_the_same() {
        let line = from_command_line(
            "curl 'https://h/x' -H 'Origin: https://h' -b 'a=1' -k",
            false,
        )
        .expect("line");
        let argv = import(&["https://h/x", "-H", "Origin: https://h", "-b", "a=1", "-k"]);
        assert_eq!(line, argv);
        assert_eq!(argv.url, "wss://h/x");
        assert!(argv.insecure);
    }

    #[test]
    fn leading_curl_word_forms() {
        for first in ["curl", "/usr/bin/curl", "curl.exe", "CURL.EXE"] {
            assert_eq!(import(&[first, "ws://h/"]).url, "ws://h/", "{first}");
        }
    }

    #[test]
    fn a_minimal_command_has_no_notes() {
        let i = import(&["wss://h/"]);
        assert_eq!(
            i,
            CurlImport {
                url: "wss://h/".into(),
                headers: vec![],
                cookie: None,
                insecure: false,
                user_agent: None,
                user: None,
                location: false,
                notes: vec![],
            }
        );
    }

    #[test]
    fn cookies_from_headers_and_options_are_merged() {
        let i = import(&[
            "ws://h/",
            "-b",
            "x=9",
            "-H",
            "Cookie: a=1; b=2",
            "--cookie",
            "y=8;",
        ]);
        assert_eq!(i.cookie.as_deref(), Some("a=1; b=2; x=9; y=8"));
        assert_eq!(
            notes(&i),
            [
                "kept headers Cookie",
                "converted the Cookie header and -b cookies into one Cookie header (curl itself \
                 would send only the -H one)",
            ]
        );
        let i = import(&["ws://h/", "-H", "Cookie: a=1", "-H", "cookie: b=2"]);
        assert_eq!(i.cookie.as_deref(), Some("a=1; b=2"));
        assert_eq!(notes(&i)[1], "converted several Cookie headers into one");
        let i = import(&["ws://h/", "-b", "a=1", "-b", "b=2"]);
        assert_eq!(i.cookie.as_deref(), Some("a=1; b=2"));
        assert_eq!(notes(&i), ["kept cookies from -b"]);
    }

    #[test]
    fn headers_given_with_h_win_over_options_as_in_curl() {
        let i = import(&[
            "ws://h/",
            "-A",
            "opt-agent",
            "-H",
            "User-Agent: hdr-agent",
            "-u",
            "u:p",
            "-H",
            "Authorization: Bearer t",
            "-e",
            "https://opt/",
            "-H",
            "Referer: https://hdr/",
        ]);
        assert_eq!(i.user_agent.as_deref(), Some("hdr-agent"));
        assert_eq!(i.user, None);
        assert_eq!(
            i.headers,
            [
                ("Authorization".to_string(), "Bearer t".to_string()),
                ("Referer".to_string(), "https://hdr/".to_string()),
            ]
        );
        assert_eq!(
            notes(&i)[1..],
            [
                "ignored --user-agent (the User-Agent header given with -H wins, as in curl)",
                "ignored --user (the Authorization header given with -H wins, as in curl)",
                "ignored --referer (the Referer header given with -H wins, as in curl)",
            ]
        );
    }

    #[test]
    fn options_alone_are_taken() {
        let i = import(&[
            "-A",
            "agent/1",
            "-u",
            "alice:s3:cret",
            "-e",
            "https://r/;auto",
            "-L",
            "ws://h/",
        ]);
        assert_eq!(i.user_agent.as_deref(), Some("agent/1"));
        assert_eq!(i.user, Some(("alice".into(), "s3:cret".into())));
        assert_eq!(
            i.headers,
            [("Referer".to_string(), "https://r/".to_string())]
        );
        assert!(i.location);
        assert_eq!(
            notes(&i),
            [
                "kept --user-agent",
                "kept --user (sent as Basic credentials)",
                "kept --referer (sent as the Referer header)",
                "kept --location (redirects of the upgrade are followed)",
            ]
        );
        let i = import(&["ws://h/", "-e", ";auto", "-k"]);
        assert!(i.headers.is_empty());
        assert!(!i.insecure);
        assert_eq!(
            notes(&i),
            [
                "ignored --referer (it gives no URL)",
                "ignored --insecure (ws:// has no TLS)",
            ]
        );
    }

    #[test]
    fn every_refusal_of_the_command_as_a_whole() {
        assert_eq!(refused(&[]).message, "the curl command is empty");
        assert_eq!(refused(&["curl"]).message, "the curl command is empty");
        assert_eq!(
            refused(&["curl", "-k"]).message,
            "the curl command has no URL"
        );
        assert_eq!(
            refused(&["ws://a/", "ws://b/", "ws://c/"]).message,
            "the curl command has more than one URL ('ws://a/', 'ws://b/'...): wscope connects \
             to one"
        );
        assert_eq!(
            refused(&["ws://h/", "-u", "alice"]).message,
            "curl option --user 'alice' has no password: curl would ask for it"
        );
        assert_eq!(
            refused(&["ws://h/", "-b", "jar.txt"]).message,
            "cookie 'jar.txt' has no '=': curl reads such a value as a cookie file, which \
             wscope does not"
        );
        assert!(
            refused(&["ws://h/", "-e", "https://r/\x07"])
                .message
                .contains("control character")
        );
        assert!(refused(&["ftp://h/"]).message.contains("'ftp://'"));
        assert!(
            refused(&["ws://h/", "-H", "@f"])
                .message
                .contains("from a file")
        );
        assert!(
            refused(&["ws://h/", "--data", "x"])
                .message
                .contains("no body")
        );
        assert!(
            from_command_line("curl 'ws://h/", false)
                .expect_err("quote")
                .message
                .starts_with("unterminated single quote")
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn any_words_are_read_or_refused_without_panicking(
            words in proptest::collection::vec(
                "-[A-Za-z#0]{0,3}|--[a-z.0-9=-]{0,12}|[ -~]{0,20}|wss?://[a-z]{1,5}/[ -~]{0,8}",
                0..8,
            ),
            keep in proptest::bool::ANY,
        ) {
            let _ = from_args(&words, keep);
        }
    }
}
