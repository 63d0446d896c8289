//! `wscope replay FILE [URL]`: a recording (`--record`) sent again. Its outgoing data messages
//! go out at their recorded moments (`--speed`, `--no-timing`) on an ordinary client session,
//! so everything the client shows and every option it takes works the same; with `--expect`
//! the messages that arrive are compared with the recorded ones. The session is the caller's
//! (`app` runs a client): replay decides what it sends and judges what came back.

pub(crate) mod diff;
pub mod fuzzing;
pub(crate) mod recording;

use crate::error::{Error, Kind};
use crate::event::DataKind;
use crate::input::schedule::Schedule;
use crate::output::Observer;
use recording::{Recorded, Recording};
use std::path::{Path, PathBuf};

/// What `wscope replay` takes, validated (by `config`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ReplayConfig {
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

/// The session a replay asks for: where to connect, what to send when, and who is told of
/// what arrives (with `--expect`: it compares them with the recording once the session has
/// ended, and its verdict is part of the run's outcome).
pub(crate) struct Replayed {
    pub url: String,
    pub schedule: Schedule,
    pub observer: Option<Box<dyn Observer>>,
    /// The application protocol the recording spoke (`--proto`), by name.
    pub proto: Option<String>,
}

/// Replays the recording on the session `session` runs; with `--expect`, the session's
/// observer fails it with [`Kind::Differs`] when the replies differ (unless the session failed
/// first: a refused connection says more than a diff).
pub(crate) async fn run(
    cfg: ReplayConfig,
    session: impl AsyncFnOnce(Replayed) -> Result<(), Error>,
) -> Result<(), Error> {
    let rec = read(&cfg.file).await?;
    // A protocol's recording goes to the URL the user gave, as the protocol takes it.
    let recorded_url = rec.proto.as_ref().map(|p| &p.url).or(rec.url.as_ref());
    let proto = rec.proto.as_ref().map(|p| p.name.clone());
    let url = match (&cfg.url, recorded_url) {
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
    let observer = cfg
        .expect
        .then(|| Box::new(Arrivals::new(rec.received, cfg.color)) as Box<dyn Observer>);
    session(Replayed {
        url,
        schedule,
        observer,
        proto,
    })
    .await
}

/// Reads and parses the recording; what is wrong with it is an input error.
async fn read(path: &Path) -> Result<Recording, Error> {
    let text = tokio::fs::read_to_string(path)
        .await
        .map_err(|e| Error::new(Kind::Input, format!("{}: cannot read: {e}", path.display())))?;
    checked(path, &text)
}

/// The recording `text` (the contents of `path`) holds, if it holds one to replay. Pure.
fn checked(path: &Path, text: &str) -> Result<Recording, Error> {
    let rec = recording::parse(text).map_err(|e| {
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

/// Messages kept beyond as many as the recording holds: more than that differ anyway.
const MORE_KEPT: usize = 1000;

/// The data messages of the session's first connection, as they arrive: each kept as a
/// [`Recorded`] (a digest and its first bytes), as many as the recording holds and
/// [`MORE_KEPT`] more; the rest are counted. Compared with the recorded ones at the end.
struct Arrivals {
    expected: Vec<Recorded>,
    /// Colour the diff.
    color: bool,
    connections: usize,
    kept: Vec<Recorded>,
    unkept: usize,
}

impl Arrivals {
    fn new(expected: Vec<Recorded>, color: bool) -> Self {
        Arrivals {
            expected,
            color,
            connections: 0,
            kept: Vec::new(),
            unkept: 0,
        }
    }
}

impl Observer for Arrivals {
    fn opened(&mut self) {
        self.connections += 1;
    }

    fn received(&mut self, kind: DataKind, data: &[u8]) {
        if self.connections != 1 {
            return;
        }
        if self.kept.len() < self.expected.len() + MORE_KEPT {
            self.kept.push(Recorded::new(kind, data));
        } else {
            self.unkept += 1;
        }
    }

    /// The diff (or that there is none) on stderr; [`Kind::Differs`] when there is one.
    fn verdict(self: Box<Self>) -> Result<(), Error> {
        match diff::diff(&self.expected, &self.kept, self.unkept, self.color) {
            Some(d) => {
                crate::render::stderr_line(d.trim_end());
                Err(Error::new(
                    Kind::Differs,
                    "the messages received differ from the recording (--expect)",
                ))
            }
            None => {
                crate::render::stderr_line(&format!(
                    "* replay: the {} messages received match the recording",
                    self.kept.len()
                ));
                Ok(())
            }
        }
    }
}
