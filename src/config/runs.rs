//! The client runs the command line asks for: `wscope URL` (or `--from-curl`), `wscope curl`
//! and `wscope demo`, each refused where its options cannot apply before the client options
//! are validated ([`super::client`]).

use super::client::build;
use super::connect::curl_import;
use crate::cli::ClientArgs;
use crate::client::Config;
use crate::error::Error;
use crate::term::Terminal;

/// The subcommands, which clap takes for the URL when an option comes before them.
const SUBCOMMANDS: [&str; 5] = ["demo", "serve", "curl", "probe", "replay"];

/// `wscope [OPTIONS] URL` or `wscope [OPTIONS] --from-curl 'curl ...'`.
pub(crate) fn client(
    url: Option<&str>,
    args: &ClientArgs,
    term: &Terminal,
) -> Result<Config, Error> {
    // `wscope -v demo`: after an option, clap takes a subcommand's name for the URL.
    if let Some(sub) = url.filter(|u| SUBCOMMANDS.contains(u)) {
        return Err(Error::usage(format!(
            "options go after the subcommand: wscope {sub} [OPTIONS]"
        ))
        .with_hint(match sub {
            "curl" => {
                "to combine wscope's options with a copied command, use --from-curl 'curl ...'"
            }
            _ => "each subcommand takes its own options (wscope help SUBCOMMAND)",
        }));
    }
    if url.is_some() && args.handshake.from_curl.is_some() {
        return Err(Error::usage(
            "give the URL or --from-curl 'curl ...', not both (the copied command has its URL)",
        ));
    }
    let import = curl_import(None, args)?;
    build(args, url.unwrap_or_default(), import.as_ref(), term)
}

/// `wscope curl WORDS...`: the copied command's request with the top level's options.
pub(crate) fn curl(words: &[String], args: &ClientArgs, term: &Terminal) -> Result<Config, Error> {
    let import = curl_import(Some(words), args)?;
    build(args, "", import.as_ref(), term)
}

/// `wscope demo [OPTIONS]`, refused where its options cannot apply; the client run is built
/// once its server listens ([`Demo::client`]).
pub(crate) fn demo(args: &ClientArgs) -> Result<Demo<'_>, Error> {
    if args.handshake.from_curl.is_some() || args.handshake.unix_socket.is_some() {
        return Err(Error::usage(
            "wscope demo connects to its own server: --from-curl and --unix-socket do not apply",
        ));
    }
    Ok(Demo { args })
}

/// `wscope demo`'s options, checked.
pub(crate) struct Demo<'a> {
    args: &'a ClientArgs,
}

impl Demo<'_> {
    /// The client run against the demo's server at `url`.
    pub(crate) fn client(&self, url: &str, term: &Terminal) -> Result<Config, Error> {
        build(self.args, url, None, term)
    }
}
