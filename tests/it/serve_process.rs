//! `wscope serve` as a child process for the tests: started with the given options, its
//! address read from its `listening on` line, its stderr kept line by line, and stopped with
//! Ctrl-C (SIGINT) so that its programs are stopped with it (SIGKILL only if it does not exit).
//! Also small helpers the bridge tests share: WebSocket clients from the test itself, and
//! whether a process is still alive.

use crate::support::command;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Upper bound for the server to start, for a line to appear in its log, and for it to exit.
const LIMIT: Duration = Duration::from_secs(15);

#[derive(Default)]
struct Lines {
    list: Mutex<Vec<String>>,
    added: Condvar,
}

/// A running `wscope serve`.
pub struct ServeProcess {
    child: Child,
    /// `127.0.0.1:PORT`, or `unix:PATH`.
    pub address: String,
    lines: Arc<Lines>,
}

impl ServeProcess {
    /// Starts `wscope serve ARGS` and waits until it listens.
    pub fn start(args: &[&str]) -> ServeProcess {
        let mut all = vec!["serve"];
        all.extend_from_slice(args);
        Self::spawn(command(&all))
    }

    fn spawn(mut cmd: Command) -> ServeProcess {
        let mut child = cmd.spawn().expect("spawn wscope serve");
        let stderr = child.stderr.take().expect("stderr");
        let lines = Arc::new(Lines::default());
        let l = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                l.list.lock().expect("lines").push(line);
                l.added.notify_all();
            }
        });
        let mut server = ServeProcess {
            child,
            address: String::new(),
            lines,
        };
        let listening = server.wait_log("the listening line", |l| l.starts_with("listening on "));
        server.address = listening
            .trim_start_matches("listening on ")
            .trim_start_matches("ws://")
            .trim_end_matches('/')
            .to_string();
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("ws://{}{path}", self.address)
    }

    /// Waits (bounded) for a stderr line satisfying `pred`.
    pub fn wait_log(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + LIMIT;
        let mut list = self.lines.list.lock().expect("lines");
        loop {
            if let Some(l) = list.iter().find(|l| pred(l)) {
                return l.clone();
            }
            let left = end.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "wscope serve never logged {what}: {list:#?}"
            );
            list = self.lines.added.wait_timeout(list, left).expect("lines").0;
        }
    }

    /// Ctrl-C (once it is caught), then its exit status (bounded; killed if it does not exit).
    pub fn interrupt(&mut self) -> Option<i32> {
        crate::support::interrupt(self.child.id());
        let end = Instant::now() + LIMIT;
        loop {
            if let Ok(Some(st)) = self.child.try_wait() {
                return st.code();
            }
            if Instant::now() > end {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("wscope serve did not exit within {LIMIT:?} of Ctrl-C");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // SAFETY: as in `interrupt`.
            unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
            let end = Instant::now() + LIMIT;
            while Instant::now() < end {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Whether process `pid` is still running (a zombie waiting to be reaped is not).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name in parentheses.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

/// Waits (bounded) until process `pid` has gone.
pub fn wait_gone(pid: u32, what: &str) {
    let end = Instant::now() + LIMIT;
    while alive(pid) {
        assert!(Instant::now() < end, "{what} (pid {pid}) is still running");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads a pid a program wrote to `path` (bounded wait for the file).
pub fn read_pid(path: &std::path::Path) -> u32 {
    let end = Instant::now() + LIMIT;
    loop {
        if let Some(pid) = std::fs::read_to_string(path)
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            return pid;
        }
        assert!(Instant::now() < end, "no pid in {}", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A WebSocket client from the test itself, with extra request headers.
pub async fn client(url: &str, headers: &[(&str, &str)]) -> WebSocketStream<TcpStream> {
    let mut request = url.into_client_request().expect("request");
    for (name, value) in headers {
        request.headers_mut().insert(
            tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes())
                .expect("name"),
            value.parse().expect("value"),
        );
    }
    let authority = request.uri().authority().expect("authority").to_string();
    let tcp = TcpStream::connect(authority).await.expect("connect");
    let (ws, _) = tokio::time::timeout(LIMIT, tokio_tungstenite::client_async(request, tcp))
        .await
        .expect("upgrade in time")
        .expect("upgrade");
    ws
}

/// A process that the test runs (a third-party client), its output as text.
pub fn output_of(mut cmd: Command) -> (i32, String, String) {
    let r = crate::support::run_cmd(
        {
            cmd.stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            cmd
        },
        b"",
        LIMIT,
    );
    (r.code, r.out(), r.stderr)
}
