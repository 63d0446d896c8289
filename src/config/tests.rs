//! Unit tests of turning the command line into a validated config.

use super::client::build;
use super::*;
use crate::cli::Cli;
use crate::client::{Config, FrameDump, InputSource, Mode, Reconnect};
use crate::error::Error;
use crate::input::framing::Framing;
use crate::probe::{Group, ProbeConfig};
use crate::term::Terminal;
use clap::Parser;
use std::time::Duration;

const PIPED: Terminal = Terminal {
    stdin: false,
    stdout: false,
    stderr: false,
};
const TTY: Terminal = Terminal {
    stdin: true,
    stdout: true,
    stderr: true,
};

fn config(args: &[&str], term: &Terminal) -> Result<Config, Error> {
    let mut argv = vec!["wscope"];
    argv.extend_from_slice(args);
    argv.push("ws://h/");
    let cli = Cli::parse_from(argv);
    build(&cli.client, "ws://h/", None, term)
}

#[test]
fn config_validates_headers_and_user() {
    let c = config(&["-H", "X-A: 1", "-u", "a:b"], &PIPED).expect("valid");
    assert_eq!(c.connect.request.headers, vec![("X-A".into(), "1".into())]);
    assert_eq!(c.connect.request.user, Some(("a".into(), "b".into())));
    assert!(config(&["-H", "nocolon"], &PIPED).is_err());
    assert!(config(&["-u", "nopass"], &PIPED).is_err());
    assert!(config(&["-s", "two words"], &PIPED).is_err());
}

#[test]
fn the_input_source_decides_the_mode() {
    assert_eq!(config(&[], &TTY).expect("ok").mode(), Mode::Repl);
    assert_eq!(config(&["--jsonl"], &TTY).expect("ok").mode(), Mode::Pipe);
    let c = config(&["-e", "a", "-e", "b"], &TTY).expect("ok");
    assert_eq!(c.input, InputSource::Execute(vec!["a".into(), "b".into()]));
    let c = config(&["-0", "-b"], &PIPED).expect("ok");
    assert_eq!(
        c.input,
        InputSource::Stdin {
            binary: true,
            framing: Framing::Nul
        }
    );
    let c = config(&["-0", "--input", "json"], &PIPED).expect("ok");
    assert_eq!(c.style.separator, 0);
    assert!(matches!(
        c.input,
        InputSource::Stdin {
            framing: Framing::Json,
            ..
        }
    ));
    assert!(config(&["--input", "json", "-b"], &PIPED).is_err());
    let c = config(&["--reflect", "-n", "2"], &TTY).expect("ok");
    assert_eq!(c.input, InputSource::Reflect);
    assert!(c.session.reflect);
    assert_eq!(c.session.end.count, Some(2));
    assert_eq!(
        c.session.end.close_at(std::time::Instant::now(), None),
        None
    );
}

#[test]
fn display_options_become_one_config_with_the_filter_compiled() {
    let c = config(&[], &PIPED).expect("ok");
    assert!(!c.display.transforms());
    let c = config(
        &[
            "--pretty",
            "--filter",
            ".a",
            "-r",
            "--filter-strict",
            "--decode",
            "auto",
        ],
        &PIPED,
    )
    .expect("ok");
    let d = &c.display;
    assert!(d.pretty && d.raw_output && d.strict);
    assert_eq!(d.filter.as_ref().map(|f| f.expr.as_str()), Some(".a"));
    assert_eq!(d.decode, Some(crate::display::decode::Decode::Auto));
    assert_eq!(d.max_size, 64 << 20);
    let e = config(&["--filter", "map(", "--decode", "gzip"], &PIPED).unwrap_err();
    assert_eq!(e.kind, crate::error::Kind::Usage);
    assert!(
        e.message.starts_with("--filter: error at column 5: "),
        "{}",
        e.message
    );
    assert!(Cli::try_parse_from(["wscope", "--decode", "brotli", "ws://h/"]).is_err());
}

#[test]
fn frame_dump_and_reconnect_are_one_choice_each() {
    assert_eq!(config(&[], &PIPED).expect("ok").frames, FrameDump::Off);
    assert_eq!(
        config(&["-x"], &PIPED).expect("ok").frames,
        FrameDump::Lines { capture: 0 }
    );
    assert_eq!(
        config(&["-x", "--jsonl"], &PIPED).expect("ok").frames,
        FrameDump::Lines { capture: 64 }
    );
    let c = config(&["-X", "--dump-bytes", "8"], &PIPED).expect("ok");
    assert_eq!(c.frames, FrameDump::HexDump { bytes: 8 });
    assert_eq!(c.style.frame_dump, Some(8));
    let c = config(&["--reconnect", "--reconnect-max", "3"], &PIPED).expect("ok");
    assert_eq!(c.reconnect, Reconnect::On { max: Some(3) });
    assert!(c.session.replay);
    assert!(!config(&[], &PIPED).expect("ok").session.replay);
}

fn probe_config(args: &[&str]) -> Result<ProbeConfig, Error> {
    let mut argv = vec!["wscope", "probe"];
    argv.extend_from_slice(args);
    argv.push("ws://h/");
    match Cli::parse_from(argv).command {
        Some(crate::cli::Sub::Probe(p)) => probe(&p, &PIPED),
        other => panic!("not a probe: {other:?}"),
    }
}

#[test]
fn probe_options_become_groups_limits_and_a_reason_to_skip_compression() {
    let all = probe_config(&[]).expect("ok");
    assert_eq!(all.groups.len(), 6);
    assert_eq!(
        (all.wait, all.max_probe_size, all.idle),
        (Duration::from_secs(3), 8 << 20, None)
    );
    assert_eq!(all.deflate_skip, None);
    let some = probe_config(&["--only", "close,violations", "--skip", "close"]).expect("ok");
    assert_eq!(some.groups, [Group::Violations]);
    let c = probe_config(&["--no-deflate", "--idle-probe", "2"]).expect("ok");
    assert_eq!(
        c.deflate_skip.as_deref(),
        Some("not offered (--no-deflate)")
    );
    assert_eq!(c.idle, Some(Duration::from_secs(2)));
    let c = probe_config(&["-H", "Sec-WebSocket-Extensions: x"]).expect("ok");
    assert!(c.deflate_skip.is_some());
    for bad in [
        &["--only", "limits", "--skip", "limits"][..],
        &["--close-timeout", "0"],
        &["--max-probe-size", "1G"],
        &["--deflate-window-bits", "9"],
    ] {
        assert!(probe_config(bad).is_err(), "{bad:?}");
    }
}
