//! A probe from start to end: the first upgrade with the user's request (following redirects
//! with `-L`; a refusal ends the probe as it ends a client run), then the selected checks,
//! several at a time, their results handed to the card in report order.

use super::ProbeConfig;
use super::card::Card;
use super::catalogue::{CATALOGUE, Check};
use super::checks;
use super::context::{Baseline, Ctx};
use super::upgrade::{Shape, upgrade};
use super::verdict::{CheckResult, Tally};
use crate::error::Error;
use crate::open::redirect::{self, Attempt};
use crate::wire::rejection::rejected;
use crate::wire::target::Target;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use std::time::Instant;
use tokio::sync::Semaphore;

/// Checks running at once (a finished one makes room for the next, whatever its place on the
/// card). Each waits on the server at most `--close-timeout` at a time, so this many keep a
/// whole probe of a local server within a few seconds without opening a flood of connections
/// to a remote one.
const AT_ONCE: usize = 16;

/// Runs the probe, printing the card as it goes; the tally decides the exit status.
pub(super) async fn run(cfg: ProbeConfig, card: &mut Card) -> Result<Tally, Error> {
    let started = Instant::now();
    let (target, baseline) = baseline(&cfg).await?;
    card.begin(baseline.peer.as_ref().map(|p| p.to_string()).as_deref());
    let selected: Vec<Check> = CATALOGUE
        .iter()
        .filter(|s| cfg.groups.contains(&s.group))
        .map(|s| s.check)
        .collect();
    let ctx = Ctx::new(cfg, target, baseline);
    let gate = Semaphore::new(AT_ONCE);
    let mut running: FuturesUnordered<_> = selected
        .iter()
        .enumerate()
        .map(|(i, &check)| {
            let (ctx, gate) = (&ctx, &gate);
            async move {
                let _turn = gate.acquire().await.ok();
                (i, timed(ctx, check).await)
            }
        })
        .collect();
    // Results are printed in report order: each waits here for those before it.
    let mut done: Vec<Option<CheckResult>> = vec![None; selected.len()];
    let (mut next, mut tally) = (0, Tally::default());
    while let Some((i, r)) = running.next().await {
        if let Some(slot) = done.get_mut(i) {
            *slot = Some(r);
        }
        while let Some(r) = done.get_mut(next).and_then(Option::take) {
            tally.add(r.outcome.verdict);
            card.line(&r);
            next += 1;
        }
    }
    card.end(&tally, started.elapsed());
    Ok(tally)
}

async fn timed(ctx: &Ctx, check: Check) -> CheckResult {
    let t0 = Instant::now();
    let outcome = checks::run(ctx, check).await;
    CheckResult {
        check,
        outcome,
        took: t0.elapsed(),
    }
}

/// The first upgrade, as the user's request asks (following redirects with `-L`): a 101 to
/// probe, or the error a client run would end with.
async fn baseline(cfg: &ProbeConfig) -> Result<(Target, Baseline), Error> {
    let connect = &cfg.connect;
    redirect::follow(connect, &cfg.target, &mut |_| {}, async |target, _| {
        let a = upgrade(connect, target, &Shape::default())
            .await
            .map_err(|e| e.into_error())?;
        if a.head.status != 101 {
            return match redirect::next(connect, target, &a.head) {
                Some(next) => Ok(Attempt::Redirect(next?)),
                None => Err(rejected(&a.head, &a.request)),
            };
        }
        let baseline = Baseline {
            head: a.head.clone(),
            request: a.request.clone(),
            took: a.took,
            peer: a.peer.clone(),
        };
        a.into_conn().finish().await;
        Ok(Attempt::Done(baseline))
    })
    .await
}
