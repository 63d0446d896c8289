//! `wscope probe URL`: an RFC 6455 / RFC 7692 report card for any server, in seconds. A series
//! of short connections, each sending what one rule is about (often breaking it on purpose),
//! each judged on what the server did: PASS, FAIL (a MUST broken), WARN (a SHOULD, or a
//! questionable choice), INFO (a measured fact), SKIP (with the reason).
//!
//! ```text
//! runner ─► first upgrade (context: shared findings) ─► checks/ (by area, several at once)
//!        ─► card/ (text or JSON Lines, in report order) ─► the tally, the exit status
//! ```
//!
//! [`catalogue`] lists the checks; [`verdict`] is the report model; [`frames`] builds the
//! frames sent (a pure encoder); [`upgrade`] opens a connection with a shaped request;
//! [`conn`] writes frames and gathers what comes back into [`seen`], every wait bounded.

pub(crate) mod card;
pub(crate) mod catalogue;
mod checks;
mod conn;
mod context;
pub(crate) mod frames;
mod runner;
pub(crate) mod seen;
mod upgrade;
pub(crate) mod verdict;

pub(crate) use catalogue::Group;

use crate::error::Error;
use crate::net::connect::INSECURE_WARNING;
use crate::open::ConnectConfig;
use crate::wire::target::Target;
use card::{Card, CardStyle};
use std::time::Duration;

/// What a probe needs, validated (see `config::probe`).
#[derive(Debug, Clone)]
pub(crate) struct ProbeConfig {
    pub target: Target,
    /// How to connect and the user's request (headers, subprotocols, credentials).
    pub connect: ConnectConfig,
    /// The groups of checks to run.
    pub groups: Vec<Group>,
    /// How long to wait for each answer the server owes (`--close-timeout`).
    pub wait: Duration,
    /// The largest message the limits check tries.
    pub max_probe_size: usize,
    /// How long to keep an idle connection open (`--idle-probe`; off when `None`).
    pub idle: Option<Duration>,
    /// Why the compression checks cannot run (`--no-deflate`, or an offer of the user's).
    pub deflate_skip: Option<String>,
    pub style: CardStyle,
}

/// Runs the probe and prints its card; an error when the server broke a MUST (or the probe
/// could not start).
pub(crate) async fn run(cfg: ProbeConfig) -> Result<(), Error> {
    if cfg.connect.tls.insecure {
        let warning = format!("wscope: warning: {INSECURE_WARNING}");
        crate::render::stderr_line(&warning);
    }
    let mut card = Card::new(cfg.style, &cfg.target.display);
    match runner::run(cfg, &mut card).await {
        Ok(tally) => match tally.failure() {
            Some(kind) => Err(Error::new(
                kind,
                format!(
                    "the server broke a MUST of RFC 6455 or 7692 ({} FAIL on the report card)",
                    tally.fail
                ),
            )
            .shown()),
            None => Ok(()),
        },
        Err(e) => {
            card.failed(&e);
            Err(e)
        }
    }
}
