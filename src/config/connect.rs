//! How to reach the server and what the upgrade request says: the handshake and TLS options,
//! merged with a copied curl command (`wscope curl`, `--from-curl`) when there is one. The
//! copy gives the request a browser made; wscope's own options given beside it win.

use crate::cli::{ClientArgs, HandshakeArgs, TlsArgs};
use crate::curl::{self, CurlImport};
use crate::error::Error;
use crate::net::connect::TlsOptions;
use crate::net::proxy::ProxyChoice;
use crate::open::ConnectConfig;
use crate::wire::deflate;
use crate::wire::request::{RequestOptions, parse_header_arg};

/// Reads the copied curl command, if any: the words of `wscope curl`, else `--from-curl`.
pub(super) fn curl_import(
    words: Option<&[String]>,
    args: &ClientArgs,
) -> Result<Option<CurlImport>, Error> {
    let keep = args.handshake.keep_extensions;
    match (words, &args.handshake.from_curl) {
        (Some(words), _) => curl::from_args(words, keep).map(Some),
        (None, Some(command)) => curl::from_command_line(command, keep).map(Some),
        (None, None) => Ok(None),
    }
}

/// The connect config from the handshake and TLS options (shared by the client and `wscope
/// probe`), with what a copied curl command gives where wscope's own options are silent.
pub(super) fn connect_config(
    hs: &HandshakeArgs,
    tls: &TlsArgs,
    max_message_size: usize,
    import: Option<&CurlImport>,
) -> Result<ConnectConfig, Error> {
    let user = match &hs.user {
        None => import.and_then(|i| i.user.clone()),
        Some(u) => match u.split_once(':') {
            Some((a, b)) => Some((a.to_string(), b.to_string())),
            None => {
                return Err(Error::usage(format!(
                    "--user '{u}' needs the form USER:PASSWORD"
                )));
            }
        },
    };
    for p in &hs.subprotocols {
        if p.is_empty()
            || p.chars()
                .any(|c| c.is_whitespace() || c == ',' || c.is_control())
        {
            return Err(Error::usage(format!(
                "subprotocol '{p}' is not a valid token (no spaces, commas or control characters)"
            )));
        }
    }
    let imported_ua = import.and_then(|i| i.user_agent.clone());
    Ok(ConnectConfig {
        request: RequestOptions {
            headers: headers(hs, import)?,
            subprotocols: hs.subprotocols.clone(),
            origin: hs.origin.clone(),
            user,
            user_agent: hs
                .user_agent
                .clone()
                .or(imported_ua)
                .unwrap_or_else(|| format!("wscope/{}", env!("CARGO_PKG_VERSION"))),
            extensions: (!hs.no_deflate).then(|| deflate::Params::default().header_value()),
        },
        tls: TlsOptions {
            cacert: tls.cacert.clone(),
            cert: tls.cert.clone(),
            key: tls.key.clone(),
            insecure: tls.insecure || import.is_some_and(|i| i.insecure),
        },
        proxy: ProxyChoice {
            explicit: hs.proxy.clone(),
            noproxy: hs.noproxy.clone(),
        },
        connect_timeout: hs.connect_timeout,
        handshake_timeout: hs.handshake_timeout,
        follow_redirects: (hs.location || import.is_some_and(|i| i.location))
            .then_some(hs.max_redirs),
        max_message_size,
        deflate_window_bits: hs.deflate_window_bits,
        unix_socket: hs.unix_socket.clone(),
    })
}

/// The headers to send beside wscope's own: the copy's (without the Origin or Authorization
/// that `--origin` or `-u` replace), the cookies of the copy and of `--cookie` as one header,
/// then `-H` (which replaces any header of the same name before it).
fn headers(
    hs: &HandshakeArgs,
    import: Option<&CurlImport>,
) -> Result<Vec<(String, String)>, Error> {
    let overridden = |name: &str| {
        (hs.origin.is_some() && name.eq_ignore_ascii_case("Origin"))
            || (hs.user.is_some() && name.eq_ignore_ascii_case("Authorization"))
    };
    let mut headers: Vec<(String, String)> = import
        .map(|i| i.headers.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|(name, _)| !overridden(name))
        .cloned()
        .collect();
    let mut cookies: Vec<String> = import.and_then(|i| i.cookie.clone()).into_iter().collect();
    for c in &hs.cookie {
        cookies.push(curl::parse_cookie_arg(c)?);
    }
    if !cookies.is_empty() {
        headers.push(("Cookie".into(), cookies.join("; ")));
    }
    for h in &hs.headers {
        headers.push(parse_header_arg(h)?);
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    fn connect(args: &[&str]) -> Result<ConnectConfig, Error> {
        let cli = Cli::parse_from(std::iter::once("wscope").chain(args.iter().copied()));
        let import = curl_import(None, &cli.client)?;
        let c = &cli.client;
        connect_config(&c.handshake, &c.tls, c.io.max_message_size, import.as_ref())
    }

    fn header<'a>(c: &'a ConnectConfig, name: &str) -> Vec<&'a str> {
        c.request
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    const COPY: &str = "curl 'https://h.example/ws' -H 'Origin: https://h.example' \
        -H 'Authorization: Bearer t' -H 'User-Agent: Browser/1' -b 'a=1' -k -L";

    #[test]
    fn a_copied_request_gives_headers_cookies_and_flags() {
        let c = connect(&["--from-curl", COPY]).expect("valid");
        assert_eq!(header(&c, "Origin"), ["https://h.example"]);
        assert_eq!(header(&c, "Authorization"), ["Bearer t"]);
        assert_eq!(header(&c, "Cookie"), ["a=1"]);
        assert_eq!(c.request.user_agent, "Browser/1");
        assert!(c.tls.insecure);
        assert_eq!(c.follow_redirects, Some(10));
    }

    #[test]
    fn wscopes_own_options_win_over_the_copy() {
        let c = connect(&[
            "--origin",
            "https://mine.example",
            "-u",
            "me:pw",
            "-A",
            "Mine/2",
            "--cookie",
            "b=2; c=3",
            "-H",
            "X-Extra: 1",
            "--from-curl",
            COPY,
        ])
        .expect("valid");
        assert!(
            header(&c, "Origin").is_empty(),
            "--origin replaces the copy's"
        );
        assert_eq!(c.request.origin.as_deref(), Some("https://mine.example"));
        assert!(
            header(&c, "Authorization").is_empty(),
            "-u replaces the copy's"
        );
        assert_eq!(c.request.user, Some(("me".into(), "pw".into())));
        assert_eq!(c.request.user_agent, "Mine/2");
        assert_eq!(header(&c, "Cookie"), ["a=1; b=2; c=3"]);
        assert_eq!(header(&c, "X-Extra"), ["1"]);
        assert!(connect(&["--cookie", "nofile", "ws://h/"]).is_err());
    }
}
