//! `wscope replay FILE [URL]`: a recording (`--record`) sent again. Its outgoing data messages
//! go out at their recorded moments (`--speed`, `--no-timing`) on an ordinary client session,
//! so everything the client shows and every option it takes works the same; with `--expect`
//! the messages that arrive are compared with the recorded ones. The session is the caller's
//! (`app` runs a client): replay decides what it sends and judges what came back.

pub mod diff;
pub mod recording;

use crate::error::{Error, Kind};
use crate::input::schedule::Schedule;
use crate::output::thread::Sink;
use crate::sync::lock;
use recording::Recording;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What `wscope replay` takes, validated (by `config`).
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayConfig {
    /// The recording.
    pub file: PathBuf,
    /// Where to connect instead of the recorded URL.
    pub url: Option<String>,
    /// The recorded timing played this many times as fast; `None`: no waits (`--no-timing`).
    pub timing: Option<f64>,
    /// Compare the messages received with the recorded ones (`--expect`).
    pub expect: bool,
    /// Colour the diff (on stderr).
    pub color: bool,
}

/// The session a replay asks for: where to connect, what to send when, and where its events
/// go as JSON Lines (with `--expect`, to be compared once it has ended).
pub struct Replayed {
    pub url: String,
    pub schedule: Schedule,
    pub observer: Option<Sink>,
}

/// Replays the recording on the session `session` runs; with `--expect`, fails with
/// [`Kind::Differs`] when the replies differ.
pub async fn run(
    cfg: ReplayConfig,
    session: impl AsyncFnOnce(Replayed) -> Result<(), Error>,
) -> Result<(), Error> {
    let rec = read(&cfg.file).await?;
    let url = match (&cfg.url, &rec.url) {
        (Some(url), _) | (None, Some(url)) => url.clone(),
        (None, None) => {
            return Err(Error::usage(format!(
                "{} does not say where it connected: give the URL after the file",
                cfg.file.display()
            )));
        }
    };
    if rec.connections > 1 {
        crate::render::stderr_line(&format!(
            "wscope: warning: the recording holds {} connections (--reconnect); replaying the first",
            rec.connections
        ));
    }
    let schedule = Schedule::new(rec.sent, cfg.timing);
    if !cfg.expect {
        return session(Replayed {
            url,
            schedule,
            observer: None,
        })
        .await;
    }
    let seen = Collected::default();
    let result = session(Replayed {
        url,
        schedule,
        observer: Some(Box::new(seen.clone())),
    })
    .await;
    let arrived = recording::parse(&String::from_utf8_lossy(&lock(&seen.0)))
        .map_err(|e| Error::new(Kind::Other, format!("reading back this session: {e}")))?
        .received;
    let differs = diff::diff(&rec.received, &arrived, cfg.color);
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
