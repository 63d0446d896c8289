//! `wscope replay FILE [URL]`: a recording (`--record`) sent again. Its outgoing data messages
//! go out at their recorded moments (`--speed`, `--no-timing`) on an ordinary client session,
//! so everything the client shows and every option it takes works the same; with `--expect`
//! the messages that arrive are compared with the recorded ones.

pub mod diff;
pub mod recording;

use crate::cli::ReplayArgs;
use crate::client::{self, InputSource};
use crate::config;
use crate::error::{Error, Kind};
use crate::input::schedule::Schedule;
use crate::sync::lock;
use crate::term::Terminal;
use recording::Recording;
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Replays the recording; with `--expect`, fails with [`Kind::Differs`] when the replies differ.
pub async fn run(args: &ReplayArgs, term: &Terminal) -> Result<(), Error> {
    if !args.client.io.execute.is_empty() || args.client.io.reflect {
        return Err(Error::usage(
            "wscope replay sends the recording's messages: -e and --reflect do not apply",
        ));
    }
    let rec = read(&args.file).await?;
    let url = match (&args.url, &rec.url) {
        (Some(url), _) | (None, Some(url)) => url.clone(),
        (None, None) => {
            return Err(Error::usage(format!(
                "{} does not say where it connected: give the URL after the file",
                args.file.display()
            )));
        }
    };
    if rec.connections > 1 {
        crate::render::stderr_line(&format!(
            "wscope: warning: the recording holds {} connections (--reconnect); replaying the first",
            rec.connections
        ));
    }
    let timing = (!args.options.no_timing).then_some(args.options.speed);
    let schedule = Schedule::new(rec.sent, timing);
    let cfg = config::build_with(
        &args.client,
        &url,
        None,
        term,
        InputSource::Replay(schedule),
    )?;
    if !args.options.expect {
        return client::run(cfg).await;
    }
    let (_, color) = term.colors(args.client.output.color);
    let seen = Collected::default();
    let result = client::run_observed(cfg, Some(Box::new(seen.clone()))).await;
    let arrived = recording::parse(&String::from_utf8_lossy(&lock(&seen.0)))
        .map_err(|e| Error::new(Kind::Other, format!("reading back this session: {e}")))?
        .received;
    let differs = diff::diff(&rec.received, &arrived, color);
    match &differs {
        Some(d) => crate::render::stderr_line(d.trim_end()),
        None => crate::render::stderr_line(&format!(
            "* replay: the {} messages received match the recording",
            arrived.len()
        )),
    }
    // How the session ended comes first: a refused connection says more than a diff.
    result?;
    match differs {
        Some(_) => Err(Error::new(
            Kind::Differs,
            "the messages received differ from the recording (--expect)",
        )),
        None => Ok(()),
    }
}

/// Reads and parses the recording; what is wrong with it is an input error.
async fn read(path: &Path) -> Result<Recording, Error> {
    let text = tokio::fs::read_to_string(path)
        .await
        .map_err(|e| Error::new(Kind::Input, format!("{}: cannot read: {e}", path.display())))?;
    let rec = recording::parse(&text).map_err(|e| {
        Error::new(Kind::Input, format!("{}: {e}", path.display()))
            .with_hint("a recording is what --record FILE (or --jsonl) wrote")
    })?;
    if rec.connections == 0 {
        return Err(Error::new(
            Kind::Input,
            format!(
                "{}: no connection opened in this recording: nothing to replay",
                path.display()
            ),
        ));
    }
    Ok(rec)
}

/// The session's events as JSON Lines, kept in memory to compare once it has ended.
#[derive(Clone, Default)]
struct Collected(Arc<Mutex<Vec<u8>>>);

impl io::Write for Collected {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        lock(&self.0).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
