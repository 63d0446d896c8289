//! Generated documentation stays in sync with the CLI; colour follows --color, NO_COLOR and
//! terminal detection.

use crate::support::*;
use std::path::Path;
use std::process::Command;

const UPDATE: &str = "cargo run -q -- --generate all";

fn readable_diff(path: &str, want: &str, got: &str) -> String {
    let mut out = format!("{path} is out of date with the CLI; update it with: {UPDATE}\n");
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        if w != g {
            out.push_str(&format!(
                "first difference at line {}:\n- {g}\n+ {w}\n",
                i + 1
            ));
            return out;
        }
    }
    out.push_str(&format!(
        "files differ in length: checked in {} lines, generated {} lines\n",
        got.lines().count(),
        want.lines().count()
    ));
    out
}

#[test]
fn completions_and_man_page_match_the_cli() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, bytes) in wscope::generate::all().expect("generate") {
        let want = String::from_utf8(bytes).expect("utf8");
        let got = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
        assert!(want == got, "{}", readable_diff(&path, &want, &got));
    }
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(
        wscope::generate::all().expect("first"),
        wscope::generate::all().expect("second")
    );
}

#[test]
fn man_page_renders_without_warnings_and_has_the_exit_status_table() {
    let tools = crate::optional::runs("man").and_then(|()| crate::optional::runs("groff"));
    let install = "apt-get install man-db groff-base (as .ci/run does)";
    if crate::optional::require("man and groff", tools, install).is_none() {
        return;
    }
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("man/wscope.1");
    let out = Command::new("man")
        .arg("--warnings")
        .arg("-l")
        .arg(&page)
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
        .expect("man");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "man failed: {stderr}");
    assert!(stderr.trim().is_empty(), "man printed warnings: {stderr}");
    let text = String::from_utf8_lossy(&out.stdout);
    for heading in [
        "EXIT STATUS",
        "REPL COMMANDS",
        "PIPE MODE",
        "ENVIRONMENT",
        "FILES",
        "EXAMPLES",
        "SEE ALSO",
    ] {
        assert!(text.contains(heading), "man page lacks {heading}");
    }
    for (code, _) in wscope::error::EXIT_STATUS_TABLE {
        assert!(
            text.contains(&format!("       {code}")),
            "exit status {code} missing"
        );
    }
}

fn bash_complete(words: &[&str]) -> Vec<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/wscope.bash");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let prog = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; _wscope wscope '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(prog)
        .output()
        .expect("bash");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completion_completes_options_and_color_values() {
    let reply = bash_complete(&["wscope", "--subp"]);
    assert_eq!(reply, vec!["--subprotocol"], "{reply:?}");
    let mut reply = bash_complete(&["wscope", "--sub"]);
    reply.sort();
    assert_eq!(reply, vec!["--subprotocol", "--subscribe"], "{reply:?}");
    let mut reply = bash_complete(&["wscope", "--color", ""]);
    reply.sort();
    assert_eq!(reply, vec!["always", "auto", "never"]);
}

fn has_escape(s: &[u8]) -> bool {
    s.contains(&0x1b)
}

#[test]
fn no_escape_codes_when_piped_or_no_color_and_always_when_asked() {
    let srv = echo_server();
    let r = run(&["-v", &srv.url("/")], b"\x1b[31mred\n");
    assert_eq!(r.code, 0);
    assert!(
        !has_escape(r.stderr.as_bytes()),
        "piped stderr has no colour"
    );
    assert_eq!(r.stdout, b"\x1b[31mred\n", "piped data stays byte-exact");

    let mut c = command(&["-v", "--color", "auto", &srv.url("/")]);
    c.env("NO_COLOR", "1");
    let r = run_cmd(c, b"x\n", RUN_LIMIT);
    assert!(!has_escape(r.stderr.as_bytes()));

    let r = run(&["-v", "--color", "always", &srv.url("/")], b"x\n");
    assert!(
        has_escape(r.stderr.as_bytes()),
        "--color always colours even when piped"
    );
    assert_eq!(r.stdout, b"x\n", "received data is never coloured");

    let mut c = command(&["-v", &srv.url("/")]);
    c.env("WSCOPE_COLOR", "always");
    let r = run_cmd(c, b"x\n", RUN_LIMIT);
    assert!(has_escape(r.stderr.as_bytes()), "WSCOPE_COLOR is honoured");
}

#[test]
fn readme_repl_table_matches_the_help() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let help = wscope::input::command::help_text(None);
    let own = wscope::input::command::COMMANDS
        .iter()
        .map(|c| (c.name, c.help, c.example, help.clone()));
    let protocols = wscope::proto::ProtoKind::ALL.iter().flat_map(|&p| {
        let help = wscope::input::command::help_text(Some(p));
        p.commands()
            .iter()
            .map(move |c| (c.name, c.help, c.example, help.clone()))
    });
    for (name, what, example, help) in own.chain(protocols) {
        assert!(
            help.contains(name) && help.contains(what) && help.contains(example),
            "/help lacks {name}"
        );
        // Two protocols may have a command of the same name (/ack): each has its row.
        let rows: Vec<&str> = readme
            .lines()
            .filter(|l| {
                l.starts_with(&format!("| `{name} ")) || l.starts_with(&format!("| `{name}`"))
            })
            .collect();
        let row = rows
            .iter()
            .find(|r| r.contains(&what.replace('|', "\\|")))
            .or(rows.first())
            .unwrap_or_else(|| panic!("README's REPL table lacks {name}"));
        assert!(
            row.contains(&what.replace('|', "\\|")),
            "README describes {name} differently: {row}"
        );
        assert!(
            row.contains(&format!("`{}`", example)),
            "README example for {name} differs: {row}"
        );
    }
    for (code, what) in wscope::error::EXIT_STATUS_TABLE {
        assert!(
            readme.contains(&format!("| {code} | {what} |")),
            "README exit status {code} differs"
        );
    }
}
