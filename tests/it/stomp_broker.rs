//! One RabbitMQ (Web-STOMP) for all the STOMP tests of a run, however the run is made: `cargo
//! test` runs the tests as threads of one process, nextest each in a process of its own, and a
//! broker takes 8 to 15 s to start. So the broker is shared through files, not memory, in
//! target/peers/rabbitmq/shared/:
//!
//! - every test process that uses it holds a shared lock on `users.lock` until it exits (the
//!   kernel lets go of it however the process ends);
//! - the first one starts `rabbitmq.py` under a keeper shell in a session of its own, and
//!   writes `state` (port, the launcher's pid) once the broker accepts connections;
//! - the keeper waits for an exclusive lock on `users.lock`, which it gets once no test holds
//!   it; after a grace of a few seconds (the next test process may be starting) it stops the
//!   broker (rabbitmq.py kills the Erlang VM), removes what it wrote and exits;
//! - `start.lock` makes the check-or-start of one test process atomic.
//!
//! Each test uses destinations of its own ([`destination`]), so that they can run together.

use crate::peer_process::dirs;
use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Upper bound for the broker to start (the launcher's own bound is 90 s).
const START_LIMIT: Duration = Duration::from_secs(100);

/// How long the keeper waits, once no test uses the broker, before it stops it.
const GRACE_SECS: u32 = 5;

/// The shared broker's Web-STOMP port.
pub struct Broker {
    port: u16,
}

impl Broker {
    /// Its STOMP-over-WebSocket endpoint.
    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}/ws", self.port)
    }
}

/// The broker shared by this run's STOMP tests, started on first use; `None` when RabbitMQ or
/// the test peers are not installed (the test returns: skipped, or failed in CI).
pub fn broker() -> Option<&'static Broker> {
    static BROKER: OnceLock<Option<Broker>> = OnceLock::new();
    BROKER
        .get_or_init(|| {
            crate::peer_process::installed("")?;
            crate::optional::require(
                "RabbitMQ",
                crate::proto_peers::broker_installed(),
                "apt-get install rabbitmq-server (as .ci/run does)",
            )?;
            Some(Broker { port: share() })
        })
        .as_ref()
}

/// A destination no other test (or earlier run) uses: `/queue/NAME-PID-N`.
pub fn destination(name: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("/queue/{name}-{}-{n}", std::process::id())
}

fn flock(f: &File, how: libc::c_int) {
    // SAFETY: flock(2) on a descriptor this process owns; no memory is involved.
    let done = unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(f), how) } == 0;
    assert!(done, "flock: {}", std::io::Error::last_os_error());
}

fn open(path: &Path) -> File {
    File::options()
        .create(true)
        .append(true)
        .open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// This process's use of the shared broker: its port, once it runs.
fn share() -> u16 {
    static USING: OnceLock<File> = OnceLock::new();
    let dir = dirs("").installed.join("rabbitmq").join("shared");
    std::fs::create_dir_all(&dir).expect("the shared broker's directory");
    let start = open(&dir.join("start.lock"));
    flock(&start, libc::LOCK_EX);
    let users = USING.get_or_init(|| open(&dir.join("users.lock")));
    // Waits while a keeper is stopping a broker nobody used any more.
    flock(users, libc::LOCK_SH);
    if let Some(port) = running(&dir) {
        return port;
    }
    let port = launch(&dir);
    std::fs::write(dir.join("state"), format!("{port}\n")).expect("state");
    port
}

/// The port of a broker that runs and accepts connections, from `state`.
fn running(dir: &Path) -> Option<u16> {
    let state = std::fs::read_to_string(dir.join("state")).ok()?;
    let port: u16 = state.trim().parse().ok()?;
    std::net::TcpStream::connect(("127.0.0.1", port))
        .is_ok()
        .then_some(port)
}

/// Starts rabbitmq.py under its keeper; waits (bounded) for the port it prints.
fn launch(dir: &Path) -> u16 {
    let d = dirs("");
    let _ = std::fs::remove_dir_all(dir.join("broker"));
    for f in ["state", "port.out", "broker.err", "pid"] {
        let _ = std::fs::remove_file(dir.join(f));
    }
    // The keeper runs in the background of a shell that exits at once: it outlives this
    // process, in a process group of its own.
    let keeper = format!(
        r#"(
exec 9>>users.lock
"$0" "$1" --dir broker >port.out 2>broker.err </dev/null 9>&- &
echo $! >pid
while :; do
  flock -x 9; flock -u 9
  sleep {GRACE_SECS}
  flock -x -n 9 && break
done
kill "$(cat pid)"; wait
rm -rf state pid port.out broker
) &"#
    );
    let python: PathBuf = d.installed.join("venv/bin/python");
    let started = Command::new("sh")
        .arg("-c")
        .arg(keeper)
        .arg(python)
        .arg(d.sources.join("rabbitmq.py"))
        .current_dir(dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .status()
        .expect("the broker's keeper");
    assert!(started.success(), "the broker's keeper: {started}");
    let began = Instant::now();
    loop {
        let out = std::fs::read_to_string(dir.join("port.out")).unwrap_or_default();
        if let Some(port) = out.lines().next().and_then(|l| l.trim().parse().ok()) {
            return port;
        }
        let err = std::fs::read_to_string(dir.join("broker.err")).unwrap_or_default();
        let pid = std::fs::read_to_string(dir.join("pid")).unwrap_or_default();
        let gone = pid
            .trim()
            .parse::<i32>()
            // SAFETY: kill(2) with signal 0 only asks whether the process exists.
            .is_ok_and(|p| unsafe { libc::kill(p, 0) } != 0);
        assert!(!gone, "rabbitmq.py ended without a port: {err}");
        assert!(
            began.elapsed() < START_LIMIT,
            "RabbitMQ did not start within {START_LIMIT:?}: {err}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
