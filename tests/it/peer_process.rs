//! What every third-party server of tests/peers/ shares as a child process: its dependencies
//! installed on first use by tests/peers/setup.sh (once per test process and part, bounded), and
//! a `Reporter`: the running server, which prints its port as its first stdout line and then one
//! JSON event per line; it collects them, and kills the server's whole process group when dropped.

use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Upper bound for installing one part on a fresh machine (registries may be slow).
const SETUP_LIMIT: Duration = Duration::from_secs(900);
/// Upper bound for [`Reporter::wait_for`].
const EVENT_LIMIT: Duration = Duration::from_secs(10);

/// Where the server scripts are and where setup.sh installed their dependencies.
pub struct Dirs {
    pub sources: PathBuf,
    pub installed: PathBuf,
}

/// The installed `part`, for a test that checked [`installed`] first.
pub fn dirs(part: &'static str) -> &'static Dirs {
    installed(part).unwrap_or_else(|| panic!("setup.sh {part}: check installed({part:?}) first"))
}

/// Runs setup.sh once per test process for `part` ("" for its default parts, the Python venv
/// and the Node packages; "eth" for the Ethereum node); every later call returns its outcome.
/// `None` when it failed: the calling test is skipped, or fails in CI (see
/// [`crate::optional`]).
pub fn installed(part: &'static str) -> Option<&'static Dirs> {
    type Outcome = &'static Result<Dirs, String>;
    static SETUPS: OnceLock<Mutex<HashMap<&'static str, Outcome>>> = OnceLock::new();
    let setups = SETUPS.get_or_init(Default::default);
    // One lock across the run: setup.sh holds a lock of its own anyway, and a test asking for a
    // part while another installs it must wait for that install.
    let mut done = setups.lock().unwrap_or_else(|e| e.into_inner());
    let outcome = *done
        .entry(part)
        .or_insert_with(|| Box::leak(Box::new(set_up(part))));
    drop(done);
    let need = if part.is_empty() {
        "the third-party servers".to_string()
    } else {
        format!("the third-party servers' part {part:?}")
    };
    crate::optional::require(
        &need,
        outcome.as_ref().map_err(String::clone),
        &format!(
            "bash tests/peers/setup.sh target/peers {part} (python3 with venv, npm and the \
             package registries)"
        ),
    )
}

fn set_up(part: &str) -> Result<Dirs, String> {
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers");
    // Beside the profile directory of the binary under test: inside the target directory
    // wherever CARGO_TARGET_DIR (or --target) put it.
    let installed = Path::new(env!("CARGO_BIN_EXE_wscope"))
        .ancestors()
        .nth(2)
        .ok_or("no target directory above the wscope binary")?
        .join("peers");
    let script = sources.join("setup.sh");
    let mut cmd = Command::new("bash");
    cmd.arg(&script).arg(&installed);
    if !part.is_empty() {
        cmd.arg(part);
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    let (out, err) = crate::support::collect(&mut child);
    let end = Instant::now() + SETUP_LIMIT;
    let status = loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            break Some(st);
        }
        if Instant::now() > end {
            // setup.sh leads its own process group: pip and npm go with it.
            kill_group(&mut child);
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.join().unwrap_or_default()),
        String::from_utf8_lossy(&err.join().unwrap_or_default())
    );
    // What setup.sh says went wrong comes first: the line a skipped run shows.
    let cause = output
        .lines()
        .rfind(|l| l.starts_with("ERROR:") || l.starts_with("npm error"))
        .or_else(|| output.lines().rfind(|l| l.starts_with("setup.sh:")))
        .unwrap_or("no message");
    match status {
        Some(st) if st.success() => Ok(Dirs { sources, installed }),
        Some(st) => Err(format!(
            "{} {part} failed ({st}): {cause}\nIt needs python3 with venv, npm and the package \
             registries. Its output:\n{output}",
            script.display()
        )),
        None => Err(format!(
            "{} {part} did not finish within {SETUP_LIMIT:?}; its output:\n{output}",
            script.display()
        )),
    }
}

/// Kills the process group `child` leads, then reaps it.
fn kill_group(child: &mut Child) {
    // SAFETY: kill(2) on the group this child leads; no memory is involved.
    unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
    let _ = child.wait();
}

/// The events a server printed, and a signal for each new one.
#[derive(Default)]
struct Events {
    list: Mutex<Vec<Value>>,
    added: Condvar,
}

/// A running third-party server; killed with its process group (and reaped) when dropped, even
/// when a test panics.
pub struct Reporter {
    /// What failure messages call it.
    pub name: String,
    pub port: u16,
    /// How long the server took from spawn to printing its port.
    pub started_in: Duration,
    child: Child,
    /// Held open: servers started with --exit-with-stdin exit when it closes, also if this test
    /// process dies.
    _stdin: ChildStdin,
    events: Arc<Events>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Reporter {
    /// Starts `cmd` in its own process group and waits up to `limit` for its port line.
    pub fn spawn(name: &str, mut cmd: Command, limit: Duration) -> Reporter {
        let began = Instant::now();
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the {name} server: {e}"));
        let stdin = child.stdin.take().expect("stdin");
        let stderr = keep_stderr(&mut child);
        let events = Arc::new(Events::default());
        let (port_tx, port_rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        let ev = events.clone();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let Some(Ok(first)) = lines.next() else {
                return;
            };
            let _ = port_tx.send(first);
            for line in lines.map_while(Result::ok) {
                let event = serde_json::from_str(&line)
                    .unwrap_or_else(|_| serde_json::json!({"event": "unparsed", "line": line}));
                ev.list.lock().expect("events").push(event);
                ev.added.notify_all();
            }
        });
        let first = port_rx.recv_timeout(limit);
        let mut server = Reporter {
            name: name.to_string(),
            port: 0,
            started_in: began.elapsed(),
            child,
            _stdin: stdin,
            events,
            stderr,
        };
        match first.as_ref().map(|l| l.trim().parse::<u16>()) {
            Ok(Ok(port)) => server.port = port,
            Ok(Err(_)) => server.fail(&format!("printed {first:?} instead of its port")),
            Err(RecvTimeoutError::Timeout) => {
                server.fail(&format!("printed no port within {limit:?}"))
            }
            Err(RecvTimeoutError::Disconnected) => server.fail("exited before printing its port"),
        }
        server
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("ws://127.0.0.1:{}{}", self.port, path)
    }

    /// The events so far, in order.
    pub fn events(&self) -> Vec<Value> {
        self.events.list.lock().expect("events").clone()
    }

    /// What the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().expect("stderr")).into_owned()
    }

    /// Waits (bounded) for an event satisfying `pred` and returns it.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let end = Instant::now() + EVENT_LIMIT;
        let mut list = self.events.list.lock().expect("events");
        loop {
            if let Some(e) = list.iter().find(|e| pred(e)) {
                return e.clone();
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let seen = list.clone();
                drop(list);
                panic!(
                    "{}: no {what} event within {EVENT_LIMIT:?}; events: {seen:#?}\nstderr:\n{}",
                    self.name,
                    self.stderr()
                );
            }
            list = self
                .events
                .added
                .wait_timeout(list, left)
                .expect("events")
                .0;
        }
    }

    /// Waits (bounded) for the first event named `kind` (`open`, `message`, `close`...).
    pub fn wait_event(&self, kind: &str) -> Value {
        self.wait_for(kind, |e| e["event"] == kind)
    }

    /// Kills the server and fails with what it wrote to stderr.
    fn fail(&mut self, what: &str) -> ! {
        kill_group(&mut self.child);
        panic!(
            "the {} server {what}; stderr:\n{}",
            self.name,
            self.stderr()
        );
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        kill_group(&mut self.child);
    }
}

/// Collects the child's stderr on a thread as it comes, for failure messages.
fn keep_stderr(child: &mut Child) -> Arc<Mutex<Vec<u8>>> {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let mut pipe = child.stderr.take().expect("stderr");
    let b = buf.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n @ 1..) = pipe.read(&mut chunk) {
            b.lock().expect("stderr").extend_from_slice(&chunk[..n]);
        }
    });
    buf
}
