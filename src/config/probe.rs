//! `wscope probe`'s options validated into the probe's settings ([`ProbeConfig`]).

use super::connect::connect_config;
use crate::cli::{ProbeArgs, ProbeGroup};
use crate::error::Error;
use crate::probe::card::CardStyle;
use crate::probe::{Group, ProbeConfig};
use crate::term::Terminal;
use crate::wire::target::Target;

/// The largest `--max-probe-size`.
const MAX_PROBE_SIZE: usize = 256 << 20;

/// Validates the options of `wscope probe`.
pub(crate) fn probe(args: &ProbeArgs, term: &Terminal) -> Result<ProbeConfig, Error> {
    let hs = &args.handshake;
    let p = &args.probe;
    if hs.deflate_window_bits.is_some() {
        return Err(Error::usage(
            "--deflate-window-bits does not apply to wscope probe (its compression check keeps to the agreed window)",
        ));
    }
    let only: Vec<Group> = p.only.iter().map(|g| group(*g)).collect();
    let skip: Vec<Group> = p.skip.iter().map(|g| group(*g)).collect();
    let groups: Vec<Group> = ALL_GROUPS
        .into_iter()
        .filter(|g| only.is_empty() || only.contains(g))
        .filter(|g| !skip.contains(g))
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

/// Every group of checks, in the order of the card.
const ALL_GROUPS: [Group; 6] = [
    Group::Handshake,
    Group::Messages,
    Group::Control,
    Group::Close,
    Group::Violations,
    Group::Limits,
];

/// The probe's group that `--only` or `--skip` names.
fn group(g: ProbeGroup) -> Group {
    match g {
        ProbeGroup::Handshake => Group::Handshake,
        ProbeGroup::Messages => Group::Messages,
        ProbeGroup::Control => Group::Control,
        ProbeGroup::Close => Group::Close,
        ProbeGroup::Violations => Group::Violations,
        ProbeGroup::Limits => Group::Limits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::catalogue::CATALOGUE;
    use clap::ValueEnum;

    #[test]
    fn the_groups_the_command_line_names_are_the_probes_own() {
        let named: Vec<(String, &str)> = ProbeGroup::value_variants()
            .iter()
            .filter_map(|g| {
                Some((
                    g.to_possible_value()?.get_name().to_string(),
                    group(*g).name(),
                ))
            })
            .collect();
        assert_eq!(named.len(), ALL_GROUPS.len());
        assert!(named.iter().all(|(cli, own)| cli == own), "{named:?}");
        assert!(CATALOGUE.iter().all(|s| ALL_GROUPS.contains(&s.group)));
    }
}
