//! The checks, grouped by area as the report card is: [`handshake`] (and [`deflate`]),
//! [`messages`], [`control`], [`closing`], [`violations`], [`limits`]. Each check opens its
//! own connections and returns an [`Outcome`]; the judgement of what the server did is a pure
//! function beside it. [`reaction`] words how a connection ended, for all of them.

pub(super) mod closing;
pub(super) mod control;
pub(super) mod deflate;
pub(super) mod handshake;
pub(super) mod limits;
pub(super) mod messages;
pub(super) mod reaction;
pub(super) mod size_search;
pub(super) mod violations;

use super::catalogue::Check;
use super::context::Ctx;
use super::verdict::Outcome;

/// Runs one check.
pub(super) async fn run(ctx: &Ctx, check: Check) -> Outcome {
    match check {
        Check::Upgrade => handshake::upgrade(ctx),
        Check::Version => handshake::version(ctx).await,
        Check::KeyMissing => handshake::key_missing(ctx).await,
        Check::KeyMalformed => handshake::key_malformed(ctx).await,
        Check::SubprotocolUnoffered => handshake::subprotocol_unoffered(ctx).await,
        Check::SubprotocolOffered => handshake::subprotocol_offered(ctx).await,
        Check::Deflate => deflate::negotiation(ctx).await,
        Check::DeflateMessage => deflate::message(ctx).await,
        Check::Echo => ctx.echo().await.outcome.clone(),
        Check::Fragmented => messages::fragmented(ctx).await,
        Check::PingPong => control::ping(ctx).await,
        Check::PongUnsolicited => control::unsolicited_pong(ctx).await,
        Check::PingRtt => control::rtt(ctx).await,
        Check::CloseEcho => closing::close_echo(ctx).await,
        Check::ClosePending => closing::close_pending(ctx).await,
        Check::MaxMessage => limits::max_message(ctx).await,
        Check::IdleTimeout => limits::idle(ctx).await,
        violation => violations::run(ctx, violation).await,
    }
}
