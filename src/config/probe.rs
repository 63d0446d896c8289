//! `wscope probe`'s options validated into the probe's settings ([`ProbeConfig`]).

use super::connect::connect_config;
use crate::cli::ProbeArgs;
use crate::error::Error;
use crate::probe::card::CardStyle;
use crate::probe::{Group, ProbeConfig};
use crate::term::Terminal;
use crate::wire::target::Target;

/// The largest `--max-probe-size`.
const MAX_PROBE_SIZE: usize = 256 << 20;

/// Validates the options of `wscope probe`.
pub fn probe(args: &ProbeArgs, term: &Terminal) -> Result<ProbeConfig, Error> {
    let hs = &args.handshake;
    let p = &args.probe;
    if hs.deflate_window_bits.is_some() {
        return Err(Error::usage(
            "--deflate-window-bits does not apply to wscope probe (its compression check keeps to the agreed window)",
        ));
    }
    let all = [
        Group::Handshake,
        Group::Messages,
        Group::Control,
        Group::Close,
        Group::Violations,
        Group::Limits,
    ];
    let groups: Vec<Group> = all
        .into_iter()
        .filter(|g| p.only.is_empty() || p.only.contains(g))
        .filter(|g| !p.skip.contains(g))
        .collect();
    if groups.is_empty() {
        return Err(Error::usage("--only and --skip leave no check to run"));
    }
    if p.close_timeout.is_zero() {
        return Err(Error::usage(
            "--close-timeout 0 leaves a probe no time to see what the server does",
        ));
    }
    if p.max_probe_size > MAX_PROBE_SIZE {
        return Err(Error::usage(format!(
            "--max-probe-size is at most {}M (each message tried is held in memory twice)",
            MAX_PROBE_SIZE >> 20
        )));
    }
    let connect = connect_config(hs, &args.tls, p.max_probe_size, None)?;
    let user_offer = connect
        .request
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("Sec-WebSocket-Extensions"));
    let deflate_skip = if hs.no_deflate {
        Some("not offered (--no-deflate)".to_string())
    } else if user_offer {
        Some("the extension offer is the one given with -H".to_string())
    } else {
        None
    };
    Ok(ProbeConfig {
        target: Target::parse(&args.url)?,
        connect,
        groups,
        wait: p.close_timeout,
        max_probe_size: p.max_probe_size,
        idle: p.idle_probe.filter(|d| !d.is_zero()),
        deflate_skip,
        style: CardStyle {
            jsonl: p.jsonl,
            color: term.colors(p.color).0 && !p.jsonl,
        },
    })
}
