//! `wscope replay FILE [URL]`: a recording (`--record`) sent again. Its outgoing data messages
//! go out at their recorded moments (`--speed`, `--no-timing`) on an ordinary client session,
//! so everything the client shows and every option it takes works the same; with `--expect`
//! the messages that arrive are compared with the recorded ones. The session is the caller's
//! (`app` runs a client): replay decides what it sends and judges what came back.

pub(crate) mod diff;
pub(crate) mod recording;

use crate::error::{Error, Kind};
use crate::event::DataKind;
use crate::input::schedule::Schedule;
use crate::output::Observer;
use crate::sync::lock;
use recording::{Recorded, Recording};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
/// what arrives (with `--expect`, to be compared once it has ended).
pub(crate) struct Replayed {
    pub url: String,
    pub schedule: Schedule,
    pub observer: Option<Box<dyn Observer>>,
}

/// Replays the recording on the session `session` runs; with `--expect`, fails with
/// [`Kind::Differs`] when the replies differ.
pub(crate) async fn run(
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
    let arrivals = Arrivals::new(rec.received.len() + MORE_KEPT);
    let result = session(Replayed {
        url,
        schedule,
        observer: Some(Box::new(arrivals.clone())),
    })
    .await;
    let arrived = std::mem::take(&mut *lock(&arrivals.0));
    let differs = diff::diff(&rec.received, &arrived.kept, arrived.unkept, cfg.color);
    match &differs {
        Some(d) => crate::render::stderr_line(d.trim_end()),
        None => crate::render::stderr_line(&format!(
            "* replay: the {} messages received match the recording",
            arrived.kept.len()
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

/// Messages kept beyond as many as the recording holds: more than that differ anyway.
const MORE_KEPT: usize = 1000;

/// The data messages of the session's first connection, as they arrive: each kept as a
/// [`Recorded`] (a digest and its first bytes), and at most `limit` of them; the rest are
/// counted.
#[derive(Clone)]
struct Arrivals(Arc<Mutex<Arrived>>);

#[derive(Default)]
struct Arrived {
    limit: usize,
    connections: usize,
    kept: Vec<Recorded>,
    unkept: usize,
}

impl Arrivals {
    fn new(limit: usize) -> Self {
        Arrivals(Arc::new(Mutex::new(Arrived {
            limit,
            ..Arrived::default()
        })))
    }
}

impl Observer for Arrivals {
    fn opened(&mut self) {
        lock(&self.0).connections += 1;
    }

    fn received(&mut self, kind: DataKind, data: &[u8]) {
        let mut a = lock(&self.0);
        if a.connections != 1 {
            return;
        }
        if a.kept.len() < a.limit {
            a.kept.push(Recorded::new(kind, data));
        } else {
            a.unkept += 1;
        }
    }
}
