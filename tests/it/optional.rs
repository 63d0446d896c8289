//! What some tests need that a machine may lack: the third-party servers (installed from the
//! package registries by tests/peers/setup.sh), RabbitMQ, `man` with groff, an IPv6 loopback. One policy
//! for all of it, in [`require`]: where something is missing, its tests are skipped with one
//! loud line on stderr saying how to get it; in CI (`CI=true`, as CI runs `.ci/run`) a missing
//! thing is a failure instead, so that a green CI run has run every test.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::Command;
use std::sync::Mutex;

/// What the policy says about a test whose need is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Skip it, saying so.
    Skip,
    /// Fail it: CI must run everything.
    Fail,
}

/// The policy, from the value of `CI` in the environment: set to anything but empty, `0` or
/// `false`, it is a CI run.
pub fn policy(ci: Option<&str>) -> Missing {
    match ci.map(str::trim) {
        None | Some("" | "0") => Missing::Skip,
        Some(v) if v.eq_ignore_ascii_case("false") => Missing::Skip,
        Some(_) => Missing::Fail,
    }
}

/// `Some` with what `found` holds; when it is an error, the policy decides: `None` after one
/// line on stderr (once per test process and need) saying what is skipped and how to install
/// `need`, or a failure naming the same in CI. A test returns at once on `None`.
pub fn require<T>(need: &str, found: Result<T, String>, install: &str) -> Option<T> {
    let why = match found {
        Ok(t) => return Some(t),
        Err(why) => why,
    };
    let ci = std::env::var("CI").ok();
    match policy(ci.as_deref()) {
        Missing::Fail => panic!(
            "missing: {need}, and CI={} runs every test: {why}\nto install: {install}",
            ci.unwrap_or_default()
        ),
        Missing::Skip => {
            static SAID: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
            let first = SAID
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(need.to_string());
            if first {
                // Straight to the process's stderr: the test harness captures eprintln!.
                let _ = writeln!(std::io::stderr(), "\n{}\n", skip_line(need, &why, install));
            }
            None
        }
    }
}

/// The one line that says what is skipped, why, and how to install what is missing.
fn skip_line(need: &str, why: &str, install: &str) -> String {
    let why = why.lines().next().unwrap_or_default();
    format!("*** SKIPPED: the tests that need {need} ({why}); to run them: {install}")
}

/// Whether `program` is an executable file in a directory of `PATH`: `Err` says it is not.
pub fn on_path(program: &str) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path).any(|dir| {
        std::fs::metadata(dir.join(program))
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    });
    found
        .then_some(())
        .ok_or_else(|| format!("no {program} on PATH"))
}

/// Whether `program --version` runs: `Err` says why not.
pub fn runs(program: &str) -> Result<(), String> {
    match Command::new(program).arg("--version").output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!("`{program} --version` failed ({})", out.status)),
        Err(e) => Err(format!("cannot run `{program}`: {e}")),
    }
}

#[test]
fn missing_things_skip_locally_and_fail_in_ci() {
    assert_eq!(policy(None), Missing::Skip);
    for off in ["", "0", "false", "FALSE", " false "] {
        assert_eq!(policy(Some(off)), Missing::Skip, "CI={off:?}");
    }
    for on in ["true", "1", "yes", "TRUE"] {
        assert_eq!(policy(Some(on)), Missing::Fail, "CI={on:?}");
    }
}

#[test]
fn what_is_there_is_handed_on_and_what_is_not_is_said_in_one_line() {
    assert_eq!(require("nothing", Ok(7), "nothing to do"), Some(7));
    assert_eq!(
        skip_line(
            "man",
            "cannot run `man`: not found\nmore",
            "apt-get install man-db"
        ),
        "*** SKIPPED: the tests that need man (cannot run `man`: not found); to run them: \
         apt-get install man-db"
    );
}
