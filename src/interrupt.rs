//! Ctrl-C for the whole run, in one place.
//!
//! SIGINT is caught from the moment the runtime starts ([`listen`]); before, it killed the
//! process in the middle of a connect or of the `--reconnect` wait, and a `--record` file lost
//! its last event. The first Ctrl-C is a request that every phase answers in its own way where
//! it waits: connecting (name lookup, TCP, proxy, TLS, the upgrade) and the reconnect wait stop
//! at once ([`Interrupt::or_interrupted`]); a session sends its Close and gives the peer a short
//! while to answer. Then the run ends as usual: the recording gets its last event, the terminal
//! is put back, the exit status is 130. A second Ctrl-C ends the run at once (`app` stops
//! waiting for it), still with 130 and the terminal put back.
//!
//! The REPL's own Ctrl-C (twice in a row: the terminal is in raw mode there, so no signal comes)
//! presses the same button.

use crate::error::{Error, Kind};
use std::sync::OnceLock;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

/// Counts the Ctrl-C presses of a run; every part that waits can watch it.
#[derive(Debug)]
pub(crate) struct Interrupt {
    presses: watch::Sender<u32>,
}

impl Default for Interrupt {
    fn default() -> Self {
        Interrupt {
            presses: watch::Sender::new(0),
        }
    }
}

impl Interrupt {
    /// One Ctrl-C.
    pub(crate) fn press(&self) {
        self.presses.send_modify(|n| *n = n.saturating_add(1));
    }

    /// Whether Ctrl-C was pressed.
    pub(crate) fn pressed(&self) -> bool {
        *self.presses.borrow() > 0
    }

    /// Resolves once Ctrl-C has been pressed (at once if it already was).
    pub(crate) async fn first(&self) {
        self.presses_reach(1).await;
    }

    /// Resolves once Ctrl-C has been pressed twice: time to stop waiting for anything.
    pub(crate) async fn second(&self) {
        self.presses_reach(2).await;
    }

    async fn presses_reach(&self, n: u32) {
        let mut presses = self.presses.subscribe();
        if presses.wait_for(|p| *p >= n).await.is_err() {
            // Nobody can press any more.
            std::future::pending::<()>().await;
        }
    }

    /// Runs `phase` unless Ctrl-C comes first (or came already): then it is dropped where it
    /// stands and the run ends with [`interrupted`].
    pub(crate) async fn or_interrupted<T>(
        &self,
        phase: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        tokio::select! {
            biased;
            _ = self.first() => Err(interrupted()),
            r = phase => r,
        }
    }
}

/// The process's Ctrl-C, which SIGINT presses once [`listen`] has run.
pub(crate) fn global() -> &'static Interrupt {
    static GLOBAL: OnceLock<Interrupt> = OnceLock::new();
    GLOBAL.get_or_init(Interrupt::default)
}

/// From now on every SIGINT presses [`global`]. Needs the runtime: a task of its own waits
/// for the signals.
pub(crate) fn listen() -> Result<(), Error> {
    let mut sigint = signal(SignalKind::interrupt())
        .map_err(|e| Error::new(Kind::Other, format!("cannot catch Ctrl-C: {e}")))?;
    tokio::spawn(async move {
        while sigint.recv().await.is_some() {
            global().press();
        }
    });
    Ok(())
}

/// How a run that Ctrl-C ended fails: exit status 130, nothing more to say on stderr (the
/// user pressed it); JSON Lines and the recording end with it.
pub(crate) fn interrupted() -> Error {
    Error::new(Kind::Interrupted, "interrupted (Ctrl-C)").shown()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;
    use std::time::Duration;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    }

    #[test]
    fn a_phase_ends_at_the_first_press_and_not_before() {
        let rt = runtime();
        let i = Interrupt::default();
        rt.block_on(async {
            let quick = i.or_interrupted(async { Ok(7) }).await;
            assert_eq!(quick.ok(), Some(7));
            let waiting = i.or_interrupted(std::future::pending::<Result<(), Error>>());
            tokio::pin!(waiting);
            assert!(waiting.as_mut().now_or_never().is_none());
            i.press();
            let ended = waiting.await.expect_err("interrupted");
            assert_eq!(ended.kind, Kind::Interrupted);
            // A phase that starts after the press ends at once, without being run.
            let later = i.or_interrupted(async { Ok(1) }).await;
            assert!(later.is_err());
        });
        assert!(i.pressed());
    }

    #[test]
    fn the_second_press_is_its_own_signal() {
        let rt = runtime();
        let i = Interrupt::default();
        rt.block_on(async {
            i.press();
            i.first().await;
            let second = tokio::time::timeout(Duration::from_millis(1), i.second()).await;
            assert!(second.is_err(), "one press is not two");
            i.press();
            i.second().await;
        });
    }

    /// The name lookup is where a run can wait longest without a byte on the wire, and a
    /// lookup that hangs cannot be made on loopback: here it cannot finish because the only
    /// thread that could run it is held, and Ctrl-C ends it all the same.
    #[test]
    fn a_hanging_name_lookup_ends_at_the_press() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(1)
            .build()
            .expect("runtime");
        let i = Interrupt::default();
        let (release, held) = std::sync::mpsc::channel::<()>();
        rt.block_on(async {
            let hold = tokio::task::spawn_blocking(move || {
                let _ = held.recv();
            });
            let lookup = i.or_interrupted(crate::net::connect::tcp(
                "localhost",
                9,
                Duration::from_secs(600),
            ));
            tokio::pin!(lookup);
            assert!(lookup.as_mut().now_or_never().is_none());
            i.press();
            let ended = lookup.await.expect_err("interrupted");
            assert_eq!(ended.kind, Kind::Interrupted);
            let _ = release.send(());
            let _ = hold.await;
        });
    }
}
