//! What every check of one probe shares: the configuration, the target (after redirects), the
//! first upgrade's answer, and two findings several checks build on, made once by whichever
//! check asks first: whether the endpoint echoes, and how it answers an unknown subprotocol.

use super::ProbeConfig;
use super::checks::messages::{Echo, detect_echo};
use super::conn::Conn;
use super::upgrade::{Shape, upgrade};
use super::verdict::Outcome;
use crate::net::transport::Peer;
use crate::wire::request::Request;
use crate::wire::response::ResponseHead;
use crate::wire::target::Target;
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// The subprotocol a check offers that no server can know.
pub(super) const PROBE_PROTOCOL: &str = "x-wscope-probe";

/// The first upgrade: the user's request as it is, answered with a 101.
pub(super) struct Baseline {
    pub head: ResponseHead,
    pub request: Request,
    pub took: Duration,
    pub peer: Option<Peer>,
}

/// How the server answered an offer of the user's subprotocols and [`PROBE_PROTOCOL`].
pub(super) enum Offered {
    Answered {
        head: ResponseHead,
        offered: Vec<String>,
    },
    /// No HTTP answer, or no connection (the reason).
    Unanswered(String),
}

/// The shared state of one probe.
pub(super) struct Ctx {
    pub cfg: ProbeConfig,
    /// Where the checks connect: the URL, or where its redirects led (`-L`).
    pub target: Target,
    pub baseline: Baseline,
    echo: OnceCell<Echo>,
    offered: OnceCell<Offered>,
}

impl Ctx {
    pub(super) fn new(cfg: ProbeConfig, target: Target, baseline: Baseline) -> Self {
        Ctx {
            cfg,
            target,
            baseline,
            echo: OnceCell::new(),
            offered: OnceCell::new(),
        }
    }

    /// When an answer the server owes from now on is late (`--close-timeout`).
    pub(super) fn deadline(&self) -> Instant {
        Instant::now() + self.cfg.wait
    }

    /// An ordinary connection, upgraded as the user's request asks (no extension offered).
    /// When there is none this time, the check is skipped with the reason.
    pub(super) async fn open(&self) -> Result<Conn, Outcome> {
        match upgrade(&self.cfg.connect, &self.target, &Shape::default()).await {
            Ok(a) if a.head.status == 101 => Ok(a.into_conn()),
            Ok(a) => Err(Outcome::skip(format!(
                "the upgrade was refused this time: {} {}",
                a.head.status, a.head.reason
            ))),
            Err(e) => Err(Outcome::skip(format!(
                "no connection: {}",
                e.error().message
            ))),
        }
    }

    /// Whether the endpoint echoes messages (found out once).
    pub(super) async fn echo(&self) -> &Echo {
        self.echo.get_or_init(|| detect_echo(self)).await
    }

    /// The answer to an offer of an unknown subprotocol (asked once).
    pub(super) async fn offered(&self) -> &Offered {
        self.offered.get_or_init(|| self.offer_unknown()).await
    }

    async fn offer_unknown(&self) -> Offered {
        let shape = Shape {
            protocols: vec![PROBE_PROTOCOL.to_string()],
            ..Shape::default()
        };
        match upgrade(&self.cfg.connect, &self.target, &shape).await {
            Ok(a) => {
                let head = a.head.clone();
                let offered = a.request.offered_protocols.clone();
                if head.status == 101 {
                    a.into_conn().finish().await;
                }
                Offered::Answered { head, offered }
            }
            Err(e) => Offered::Unanswered(e.error().message.clone()),
        }
    }
}
