//! `wscope replay`'s options validated: the replay's own settings ([`ReplayConfig`]) and, once
//! the recording has said where and what, the client run that sends it.

use super::client::build_with;
use crate::cli::ReplayArgs;
use crate::client::{Config, InputSource};
use crate::error::Error;
use crate::input::schedule::Schedule;
use crate::replay::ReplayConfig;
use crate::term::Terminal;

/// Validates the options of `wscope replay` (the client options are validated with the URL,
/// by [`replay_client`]).
pub(crate) fn replay(args: &ReplayArgs, term: &Terminal) -> Result<ReplayConfig, Error> {
    if !args.client.io.execute.is_empty() || args.client.io.reflect {
        return Err(Error::usage(
            "wscope replay sends the recording's messages: -e and --reflect do not apply",
        ));
    }
    let opts = &args.options;
    Ok(ReplayConfig {
        file: args.file.clone(),
        url: args.url.clone(),
        timing: (!opts.no_timing).then_some(opts.speed),
        expect: opts.expect,
        color: term.colors(args.client.output.color).1,
    })
}

/// The client run of a replay: the recording's messages (`schedule`) sent to `url`, with the
/// client options given to `wscope replay`.
pub(crate) fn replay_client(
    args: &ReplayArgs,
    url: &str,
    schedule: Schedule,
    proto: Option<&str>,
    term: &Terminal,
) -> Result<Config, Error> {
    let recorded = proto.map(super::proto::recorded).transpose()?;
    let input = InputSource::Replay(schedule);
    build_with(&args.client, url, None, term, input, recorded)
}
