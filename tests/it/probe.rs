//! `wscope probe`, end to end: against a server that keeps every rule (no FAIL, exit 0), the
//! same server breaking one rule at a time (that rule, and only it, a FAIL with its RFC
//! section; exit 14), the card as text and as JSON Lines, group selection, the limits, and the
//! time a whole probe takes.

use crate::probe_server::{Break, MAX_MESSAGE, model_server};
use crate::support::{
    PROMPTLY, command, raw_server, read_head, run, run_cmd, self_signed, temp_file, tls_echo_server,
};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// A wait long enough that a loaded machine (the whole suite at once) is never taken for a
/// server that does not answer; only checks of a rule the server breaks wait it out.
const PATIENT: &str = "--close-timeout=8";

/// Every `probe` object of a `--jsonl` run, by check name, and the summary.
pub fn card(stdout: &str) -> (BTreeMap<String, Value>, Value) {
    let mut checks = BTreeMap::new();
    let mut summary = Value::Null;
    for line in stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        match v["type"].as_str() {
            Some("probe") => {
                let name = v["check"].as_str().expect("check").to_string();
                checks.insert(name, v);
            }
            Some("probe_summary") => summary = v,
            other => panic!("unexpected object {other:?}: {line}"),
        }
    }
    (checks, summary)
}

/// The checks with this verdict.
pub fn with_verdict(checks: &BTreeMap<String, Value>, verdict: &str) -> Vec<String> {
    checks
        .iter()
        .filter(|(_, v)| v["verdict"] == verdict)
        .map(|(k, _)| k.clone())
        .collect()
}

#[test]
fn a_server_that_keeps_every_rule_gets_no_fail_and_exit_0() {
    let server = model_server(Break::None);
    let r = run(&["probe", "--jsonl", PATIENT, &server.url("/")], b"");
    let (checks, summary) = card(&r.out());
    assert_eq!(r.code, 0, "{}\n{}", r.out(), r.stderr);
    assert_eq!(checks.len(), 27, "{checks:#?}");
    assert!(with_verdict(&checks, "fail").is_empty(), "{checks:#?}");
    assert!(with_verdict(&checks, "warn").is_empty(), "{checks:#?}");
    assert_eq!(summary["exit_code"], 0);
    assert_eq!(summary["checks"], 27);
    let observed = |name: &str| checks[name]["observed"].as_str().unwrap_or("").to_string();
    assert!(
        observed("echo").starts_with("echoes text and binary unchanged"),
        "{}",
        observed("echo")
    );
    assert!(observed("close-pending").starts_with("the reply came first"));
    let exact = format!("{MAX_MESSAGE} B (1 MiB); {} B: Close 1009", MAX_MESSAGE + 1);
    assert!(
        observed("max-message").starts_with(&exact),
        "{}",
        observed("max-message")
    );
    assert_eq!(
        checks["deflate"]["verdict"], "info",
        "the server does not compress"
    );
    assert_eq!(checks["deflate-message"]["verdict"], "skip");
    assert_eq!(checks["idle-timeout"]["verdict"], "skip");
    for (name, v) in &checks {
        assert!(
            v["section"].as_str().unwrap_or("").starts_with("RFC "),
            "{name}: {v}"
        );
    }
}

#[test]
fn each_rule_broken_alone_is_the_one_fail_with_its_section() {
    let cases = [
        (Break::Accept, "upgrade", "RFC 6455 §4.2.2"),
        (Break::Version, "version", "RFC 6455 §4.4"),
        (Break::VersionHeader, "version", "RFC 6455 §4.4"),
        (Break::KeyMissing, "key-missing", "RFC 6455 §4.2.1"),
        (Break::KeyLength, "key-malformed", "RFC 6455 §4.2.1"),
        (
            Break::Subprotocol,
            "subprotocol-unoffered",
            "RFC 6455 §4.2.2",
        ),
        (Break::DeflateAnswer, "deflate", "RFC 7692 §7"),
        (Break::Fragments, "fragmented", "RFC 6455 §5.4"),
        (Break::PongPayload, "ping", "RFC 6455 §5.5.3"),
        (Break::CloseUnanswered, "close-echo", "RFC 6455 §5.5.1"),
        (Break::Unmasked, "unmasked", "RFC 6455 §5.1"),
        (Break::ReservedOpcode, "reserved-opcode", "RFC 6455 §5.2"),
        (
            Break::ReservedControlOpcode,
            "reserved-control-opcode",
            "RFC 6455 §5.2",
        ),
        (Break::Rsv, "rsv-bits", "RFC 6455 §5.2"),
        (
            Break::FragmentedControl,
            "fragmented-control",
            "RFC 6455 §5.5",
        ),
        (
            Break::OversizedControl,
            "oversized-control",
            "RFC 6455 §5.5",
        ),
        (
            Break::OrphanContinuation,
            "orphan-continuation",
            "RFC 6455 §5.4",
        ),
        (Break::Utf8Text, "invalid-utf8-text", "RFC 6455 §8.1"),
        (
            Break::Utf8CloseReason,
            "invalid-utf8-close-reason",
            "RFC 6455 §8.1",
        ),
        (Break::CloseCode, "invalid-close-code", "RFC 6455 §7.4.1"),
    ];
    // All at once: most of them wait out --close-timeout for a frame the server took.
    let failures: Vec<String> = std::thread::scope(|s| {
        let runs: Vec<_> = cases
            .iter()
            .map(|&(brk, check, section)| {
                s.spawn(move || {
                    let server = model_server(brk);
                    let r = run(&["probe", "--jsonl", PATIENT, &server.url("/")], b"");
                    let (checks, summary) = card(&r.out());
                    let fails = with_verdict(&checks, "fail");
                    let ok = r.code == 14
                        && fails == [check]
                        && checks[check]["section"] == section
                        && summary["exit_code"] == 14;
                    (!ok).then(|| {
                        format!(
                            "{brk:?}: exit {}, FAIL {fails:?}, {check}: {}",
                            r.code, checks[check]
                        )
                    })
                })
            })
            .collect();
        runs.into_iter()
            .filter_map(|h| h.join().expect("thread"))
            .collect()
    });
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_text_card_has_a_line_per_check_under_group_headings_and_colour_on_request() {
    let server = model_server(Break::Unmasked);
    let r = run(&["probe", "--color", "never", &server.url("/")], b"");
    assert_eq!(r.code, 14, "{}", r.stderr);
    let out = r.out();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with(&format!("wscope probe {}", server.url("/"))),
        "{out}"
    );
    for group in [
        "handshake",
        "messages",
        "control",
        "close",
        "violations",
        "limits",
    ] {
        assert!(lines.contains(&group), "no heading {group}: {out}");
    }
    let verdicts = lines
        .iter()
        .filter(|l| {
            ["  PASS", "  FAIL", "  WARN", "  INFO", "  SKIP"]
                .iter()
                .any(|v| l.starts_with(v))
        })
        .count();
    assert_eq!(verdicts, 27, "{out}");
    let fail = lines
        .iter()
        .find(|l| l.starts_with("  FAIL"))
        .expect("a FAIL line");
    assert!(
        fail.contains("unmasked frame: 1002") && fail.contains("§5.1"),
        "{fail}"
    );
    assert!(fail.contains("accepted: still open after 3.0s"), "{fail}");
    assert!(out.contains("27 checks in "), "{out}");
    assert!(
        out.contains("the server broke a MUST of RFC 6455/7692 (exit status 14)"),
        "{out}"
    );
    assert!(!out.contains('\x1b'), "no colour with --color never");
    assert!(r.stderr.is_empty(), "{}", r.stderr);

    let r = run(
        &[
            "probe",
            "--color",
            "always",
            "--only",
            "handshake",
            &server.url("/"),
        ],
        b"",
    );
    assert!(r.out().contains("\x1b[32mPASS\x1b[0m"), "{}", r.out());
    let mut c = command(&[
        "probe",
        "--color",
        "always",
        "--only",
        "handshake",
        &server.url("/"),
    ]);
    c.env("NO_COLOR", "1");
    let r = run_cmd(c, b"", Duration::from_secs(30));
    assert!(
        r.out().contains("\x1b[32mPASS"),
        "--color always beats NO_COLOR"
    );
    let mut c = command(&["probe", "--only", "handshake", &server.url("/")]);
    c.env("NO_COLOR", "1");
    assert!(
        !run_cmd(c, b"", Duration::from_secs(30))
            .out()
            .contains('\x1b')
    );
}

#[test]
fn only_and_skip_select_groups() {
    let server = model_server(Break::None);
    let r = run(
        &[
            "probe",
            "--jsonl",
            "--only",
            "violations,close",
            &server.url("/"),
        ],
        b"",
    );
    let (checks, summary) = card(&r.out());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let groups: std::collections::BTreeSet<&str> = checks
        .values()
        .filter_map(|v| v["group"].as_str())
        .collect();
    assert_eq!(
        groups.into_iter().collect::<Vec<_>>(),
        ["close", "violations"]
    );
    assert_eq!(summary["checks"], 12);
    let r = run(
        &[
            "probe",
            "--jsonl",
            "--skip",
            "limits",
            "--skip",
            "violations",
            &server.url("/"),
        ],
        b"",
    );
    let (checks, _) = card(&r.out());
    assert_eq!(checks.len(), 15, "{checks:#?}");
    assert!(!checks.contains_key("max-message") && !checks.contains_key("unmasked"));
    let r = run(
        &[
            "probe",
            "--only",
            "limits",
            "--skip",
            "limits",
            &server.url("/"),
        ],
        b"",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("leave no check to run"), "{}", r.stderr);
    let r = run(&["probe", "--only", "frames", &server.url("/")], b"");
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn limits_follow_max_probe_size_and_idle_probe() {
    let server = model_server(Break::None);
    let url = server.url("/");
    let r = run(
        &[
            "probe",
            "--jsonl",
            "--only",
            "limits",
            "--max-probe-size",
            "64K",
            &url,
        ],
        b"",
    );
    let (checks, _) = card(&r.out());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        checks["max-message"]["observed"],
        "accepts 65536 B (64 KiB), the largest tried (--max-probe-size)"
    );
    assert_eq!(checks["idle-timeout"]["verdict"], "skip");

    let idle_server = model_server(Break::IdleClose);
    let url = idle_server.url("/");
    let r = run(
        &[
            "probe",
            "--jsonl",
            "--only",
            "limits",
            "--idle-probe",
            "25",
            &url,
        ],
        b"",
    );
    let (checks, _) = card(&r.out());
    let idle = checks["idle-timeout"]["observed"].as_str().unwrap_or("");
    let after: f64 = idle
        .strip_prefix("Close 1001 (going away) after ")
        .and_then(|rest| rest.strip_suffix('s'))
        .and_then(|secs| secs.parse().ok())
        .unwrap_or_else(|| panic!("{idle}"));
    // The server closes after a second of quiet; the probe would wait 25 s for that.
    assert!((1.0..PROMPTLY.as_secs_f64()).contains(&after), "{idle}");
    assert!(r.took < Duration::from_secs(20), "{:?}", r.took);
}

#[test]
fn a_probe_that_cannot_start_ends_as_a_client_run_would() {
    let refused = run(&["probe", "ws://127.0.0.1:1/"], b"");
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("wscope: error: cannot connect"),
        "{}",
        refused.stderr
    );
    let forbidden = raw_server(|mut tcp, _| async move {
        read_head(&mut tcp).await;
        let _ = tcp
            .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            .await;
    });
    let r = run(&["probe", "--jsonl", &forbidden.url("/")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    let error: Value = serde_json::from_str(r.out().trim()).expect("one error object");
    assert_eq!(
        (error["type"].as_str(), error["exit_code"].as_u64()),
        (Some("error"), Some(5))
    );
    assert!(
        r.stderr.contains("rejected the upgrade: 403 Forbidden"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_whole_probe_of_wscope_serve_takes_well_under_10_seconds() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let listener = rt
        .block_on(wscope::serve::bind(([127, 0, 0, 1], 0).into()))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    rt.spawn(wscope::serve::echo_server(listener));
    let r = run(&["probe", "--jsonl", &format!("ws://{addr}/")], b"");
    let (checks, summary) = card(&r.out());
    assert_eq!(r.code, 0, "{}\n{}", r.out(), r.stderr);
    assert!(r.took < Duration::from_secs(10), "{:?}", r.took);
    assert_eq!(summary["checks"], 27);
    assert_eq!(checks["deflate"]["verdict"], "pass");
    assert_eq!(
        checks["deflate-message"]["verdict"], "pass",
        "{}",
        checks["deflate-message"]
    );
    assert_eq!(checks["fragmented"]["verdict"], "pass");
    // A client that breaks a rule gets its close code, not a dropped connection.
    assert_eq!(
        with_verdict(&checks, "warn"),
        Vec::<String>::new(),
        "{}",
        r.out()
    );
}

#[test]
fn wss_with_the_tls_options_and_redirects_with_l() {
    let (cert, key) = self_signed();
    let srv = tls_echo_server(&cert, &key);
    let url = format!("wss://localhost:{}/", srv.addr.port());
    let ca = temp_file("probe-ca.pem", cert.as_bytes());
    let r = run(
        &[
            "probe",
            "--jsonl",
            "--cacert",
            ca.to_str().expect("path"),
            &url,
        ],
        b"",
    );
    let (checks, _) = card(&r.out());
    assert_eq!(checks.len(), 27, "{}\n{}", r.out(), r.stderr);
    assert_eq!(checks["upgrade"]["verdict"], "pass");
    assert_eq!(checks["ping"]["verdict"], "pass");
    let skipped = with_verdict(&checks, "skip");
    assert_eq!(skipped, ["deflate-message", "idle-timeout"], "{checks:#?}");
    let r = run(&["probe", "--only", "handshake", &url], b"");
    assert_eq!(r.code, 4, "without --cacert: {}", r.stderr);

    let target = model_server(Break::None);
    let to = target.url("/");
    let redirect = raw_server(move |mut tcp, _| {
        let to = to.clone();
        async move {
            read_head(&mut tcp).await;
            let answer =
                format!("HTTP/1.1 301 Moved\r\nLocation: {to}\r\nContent-Length: 0\r\n\r\n");
            let _ = tcp.write_all(answer.as_bytes()).await;
        }
    });
    let r = run(
        &["probe", "--only", "handshake", &redirect.url("/old")],
        b"",
    );
    assert_eq!(r.code, 5, "not followed without -L: {}", r.stderr);
    let r = run(
        &[
            "probe",
            "-L",
            "--jsonl",
            "--only",
            "control",
            &redirect.url("/old"),
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(card(&r.out()).0["ping"]["verdict"], "pass");
}
