//! Third-party WebSocket servers as child processes: the servers users actually run (Python
//! `websockets`, uvicorn on its websockets and wsproto protocols, aiohttp, Node `ws`), from the
//! scripts in tests/peers/. Their dependencies are installed on first use by tests/peers/setup.sh
//! (once per test process, bounded); where that fails, the tests that need them are skipped
//! (failed in CI) by the policy in [`crate::optional`]. Each server prints its port, then one JSON event per line for
//! what it saw; a `Peer` collects them, and kills the server when dropped.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Upper bound for installing the dependencies on a fresh machine (registries may be slow).
const SETUP_LIMIT: Duration = Duration::from_secs(900);
/// Upper bound for a server to print its port.
const START_LIMIT: Duration = Duration::from_secs(30);
/// Upper bound for [`Peer::wait_for`].
const EVENT_LIMIT: Duration = Duration::from_secs(10);

/// A server implementation under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impl {
    Websockets,
    UvicornWebsockets,
    UvicornWsproto,
    Aiohttp,
    NodeWs,
}

impl Impl {
    pub const ALL: [Impl; 5] = [
        Impl::Websockets,
        Impl::UvicornWebsockets,
        Impl::UvicornWsproto,
        Impl::Aiohttp,
        Impl::NodeWs,
    ];

    /// The name server.py's `--impl` takes (`ws` for Node's).
    pub fn name(self) -> &'static str {
        match self {
            Impl::Websockets => "websockets",
            Impl::UvicornWebsockets => "uvicorn-websockets",
            Impl::UvicornWsproto => "uvicorn-wsproto",
            Impl::Aiohttp => "aiohttp",
            Impl::NodeWs => "ws",
        }
    }

    fn command(self, dirs: &Dirs, deflate: bool) -> Command {
        let mut c = if self == Impl::NodeWs {
            let mut c = Command::new("node");
            c.arg(dirs.sources.join("server.mjs"))
                .arg("--node-dir")
                .arg(dirs.installed.join("node"));
            c
        } else {
            let mut c = Command::new(dirs.installed.join("venv/bin/python"));
            // No __pycache__ inside the source tree.
            c.env("PYTHONDONTWRITEBYTECODE", "1")
                .arg(dirs.sources.join("server.py"))
                .args(["--impl", self.name()]);
            c
        };
        c.args(["--deflate", if deflate { "on" } else { "off" }])
            .arg("--exit-with-stdin");
        c
    }
}

/// Where the server scripts are and where setup.sh installed their dependencies.
pub struct Dirs {
    sources: PathBuf,
    installed: PathBuf,
}

/// Runs setup.sh once per test process; every later call returns its outcome. `None` when it
/// failed: the calling test is skipped, or fails in CI (see [`crate::optional`]).
pub fn installed() -> Option<&'static Dirs> {
    static SETUP: OnceLock<Result<Dirs, String>> = OnceLock::new();
    crate::optional::require(
        "the third-party servers",
        SETUP.get_or_init(set_up).as_ref().map_err(String::clone),
        "bash tests/peers/setup.sh (python3 with venv, npm and the package registries)",
    )
}

/// The installed servers, for a test that checked [`installed`] first.
fn dirs() -> &'static Dirs {
    installed().expect("the third-party servers: check peers::installed() first")
}

fn set_up() -> Result<Dirs, String> {
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers");
    // Beside the profile directory of the binary under test: inside the target directory
    // wherever CARGO_TARGET_DIR (or --target) put it.
    let installed = Path::new(env!("CARGO_BIN_EXE_wscope"))
        .ancestors()
        .nth(2)
        .ok_or("no target directory above the wscope binary")?
        .join("peers");
    let script = sources.join("setup.sh");
    let mut child = Command::new("bash")
        .arg(&script)
        .arg(&installed)
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
            // SAFETY: kill(2) on the group this child leads; no memory is involved.
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let _ = child.wait();
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
            "{} failed ({st}): {cause}\nIt needs python3 with venv, npm and the package \
             registries. Its output:\n{output}",
            script.display()
        )),
        None => Err(format!(
            "{} did not finish within {SETUP_LIMIT:?}; its output:\n{output}",
            script.display()
        )),
    }
}

/// The Python of the installed venv (with `websockets`), for third-party clients; `None` when
/// the servers could not be installed (the test returns: skipped, or failed in CI).
pub fn python() -> Option<PathBuf> {
    Some(installed()?.installed.join("venv/bin/python"))
}

/// The events a server printed, and a signal for each new one.
#[derive(Default)]
struct Events {
    list: Mutex<Vec<Value>>,
    added: Condvar,
}

/// A running third-party server; killed (and reaped) when dropped, even when a test panics.
pub struct Peer {
    pub imp: Impl,
    pub port: u16,
    /// How long the server took from spawn to printing its port.
    pub started_in: Duration,
    child: Child,
    /// Held open: the server exits when it closes, also if this test process dies.
    _stdin: ChildStdin,
    events: Arc<Events>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Peer {
    /// Starts `imp` on 127.0.0.1 port 0, with permessage-deflate accepted or not.
    pub fn start(imp: Impl, deflate: bool) -> Peer {
        let dirs = dirs();
        let began = Instant::now();
        let mut child = imp
            .command(dirs, deflate)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the {} server: {e}", imp.name()));
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
        let first = port_rx.recv_timeout(START_LIMIT);
        let mut peer = Peer {
            imp,
            port: 0,
            started_in: began.elapsed(),
            child,
            _stdin: stdin,
            events,
            stderr,
        };
        match first.as_ref().map(|l| l.trim().parse::<u16>()) {
            Ok(Ok(port)) => peer.port = port,
            Ok(Err(_)) => peer.fail(&format!("printed {first:?} instead of its port")),
            Err(RecvTimeoutError::Timeout) => {
                peer.fail(&format!("printed no port within {START_LIMIT:?}"))
            }
            Err(RecvTimeoutError::Disconnected) => peer.fail("exited before printing its port"),
        }
        peer
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
                    self.imp.name(),
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
        self.stop();
        panic!(
            "the {} server {what}; stderr:\n{}",
            self.imp.name(),
            self.stderr()
        );
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stop();
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

/// Runs `check` for every implementation at once, each on its own thread, and fails naming
/// every implementation whose check failed (each panic message is printed as it happens).
pub fn on_every_impl(check: impl Fn(Impl) + Sync) {
    if installed().is_none() {
        return;
    }
    let failed: Vec<&str> = std::thread::scope(|s| {
        let check = &check;
        let handles: Vec<_> = Impl::ALL
            .iter()
            .map(|&imp| {
                let h = std::thread::Builder::new()
                    .name(imp.name().to_string())
                    .spawn_scoped(s, move || check(imp))
                    .expect("thread");
                (imp, h)
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|(imp, h)| h.join().is_err().then_some(imp.name()))
            .collect()
    });
    assert!(failed.is_empty(), "failed against: {}", failed.join(", "));
}
