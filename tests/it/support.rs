//! Test support: real servers on 127.0.0.1:0 (tokio-tungstenite, raw TCP, TLS with a certificate
//! made at test time) and a runner for the real `wscope` binary with every wait bounded.

use futures_util::{SinkExt, StreamExt};
use std::future::Future;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

pub use tokio_tungstenite::tungstenite::Message;

pub const BIN: &str = env!("CARGO_BIN_EXE_wscope");

/// Upper bound for any single wscope run in tests.
pub const RUN_LIMIT: Duration = Duration::from_secs(30);

/// The bound for "promptly", where a test's point is that something does not wait (for a
/// timeout, a peer, a window). It is generous because the suite shares two cores with builds:
/// what the test tells apart is made much longer than this (a peer that holds on for 20 s or
/// more, a `-w 20`), and each such test also checks an observable fact saying which way the run
/// ended (an exit status, a message, the order of events at the server).
pub const PROMPTLY: Duration = Duration::from_secs(10);

/// A server running on its own runtime thread; stops when dropped.
pub struct Server {
    pub addr: SocketAddr,
    /// What the server recorded (requests, received messages, close codes...).
    pub log: Arc<Mutex<Vec<String>>>,
    _rt: tokio::runtime::Runtime,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("ws://{}{}", self.addr, path)
    }

    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }

    /// The text messages the server received, as logged (`text:...`), in order.
    pub fn texts(&self) -> Vec<String> {
        self.log()
            .into_iter()
            .filter(|l| l.starts_with("text:"))
            .collect()
    }

    /// Waits (bounded) until the log has an entry satisfying `pred`.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(l) = self.log().into_iter().find(|l| pred(l)) {
                return l;
            }
            assert!(
                Instant::now() < end,
                "server never logged {what}; log: {:?}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

pub type Log = Arc<Mutex<Vec<String>>>;

/// A signal from a test to its server: the server waits at [`Gate::passed`] until the test has
/// seen what it was waiting for and calls [`Gate::open`] (instead of the server sleeping and
/// hoping the test got there first).
#[derive(Clone)]
pub struct Gate(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Gate {
    fn default() -> Self {
        Gate(Arc::new(tokio::sync::watch::channel(false).0))
    }
}

impl Gate {
    pub fn open(&self) {
        self.0.send_replace(true);
    }

    /// Waits (bounded: a test that never opens the gate fails elsewhere) until it is open.
    pub async fn passed(&self) {
        let mut rx = self.0.subscribe();
        let _ = tokio::time::timeout(RUN_LIMIT, rx.wait_for(|open| *open)).await;
    }
}

/// Waits (bounded) until process `pid` catches SIGINT: its Ctrl-C handler is installed, so a
/// SIGINT sent now is handled rather than killing it (as it would a moment earlier).
pub fn wait_catching_sigint(pid: u32) {
    let caught = || {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
            .is_some_and(|mask| mask & (1 << (libc::SIGINT - 1)) != 0)
    };
    let end = Instant::now() + PROMPTLY;
    while !caught() {
        assert!(Instant::now() < end, "process {pid} never caught SIGINT");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// How many bytes wait in a pipe (either end of it): FIONREAD.
fn pipe_holds(pipe: &impl std::os::fd::AsRawFd) -> usize {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int into `n`, which we own; the descriptor is open.
    let ok = unsafe { libc::ioctl(pipe.as_raw_fd(), libc::FIONREAD, &mut n) } == 0;
    assert!(ok, "FIONREAD: {}", std::io::Error::last_os_error());
    usize::try_from(n).unwrap_or(0)
}

/// Waits (bounded) until the reader of `pipe` (a child's stdin) has taken everything written.
pub fn wait_drained(pipe: &impl std::os::fd::AsRawFd) {
    let end = Instant::now() + PROMPTLY;
    while pipe_holds(pipe) > 0 {
        assert!(Instant::now() < end, "the pipe was never read empty");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Waits (bounded) until `pipe` (a child's stdout nobody reads) is full: its writer is stuck.
pub fn wait_full(pipe: &impl std::os::fd::AsRawFd) {
    // SAFETY: F_GETPIPE_SZ only reads the pipe's capacity.
    let size = unsafe { libc::fcntl(pipe.as_raw_fd(), libc::F_GETPIPE_SZ) };
    let size = usize::try_from(size).expect("F_GETPIPE_SZ");
    let end = Instant::now() + PROMPTLY;
    while pipe_holds(pipe) < size {
        assert!(
            Instant::now() < end,
            "the pipe never filled: {} of {size} bytes",
            pipe_holds(pipe)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Sends SIGINT (Ctrl-C) to `pid` once it catches it.
pub fn interrupt(pid: u32) {
    wait_catching_sigint(pid);
    // SAFETY: kill(2) on a child of this test process; no memory is involved.
    unsafe { libc::kill(pid as i32, libc::SIGINT) };
}

pub fn push(log: &Log, s: impl Into<String>) {
    log.lock().expect("log").push(s.into());
}

fn start<F, Fut>(handler: F) -> Server
where
    F: Fn(TcpStream, Log) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
    let addr = listener.local_addr().expect("addr");
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    let handler = Arc::new(handler);
    let l2 = log.clone();
    rt.spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let h = handler.clone();
            let l = l2.clone();
            tokio::spawn(async move { h(tcp, l).await });
        }
    });
    Server { addr, log, _rt: rt }
}

fn server_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(256 << 20))
        .max_frame_size(Some(256 << 20))
}

/// A tokio-tungstenite server. The upgrade request's head is logged as `request: ...` (header
/// names lower-case, one `name: value` per line), then the handler runs.
pub fn ws_server<F, Fut>(handler: F) -> Server
where
    F: Fn(WebSocketStream<TcpStream>, Log) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let handler = Arc::new(handler);
    start(move |tcp, log| {
        let handler = handler.clone();
        async move {
            let l = log.clone();
            #[allow(clippy::result_large_err)]
            let cb = move |req: &Request, resp: Response| {
                let mut s = format!("request: {} {}\n", req.method(), req.uri());
                for (n, v) in req.headers() {
                    s.push_str(&format!("{}: {}\n", n, v.to_str().unwrap_or("?")));
                }
                push(&l, s);
                Ok(resp)
            };
            if let Ok(ws) =
                tokio_tungstenite::accept_hdr_async_with_config(tcp, cb, Some(server_config()))
                    .await
            {
                handler(ws, log).await;
            }
        }
    })
}

/// An echo server that logs every message it receives as `text:...` / `binary:<hex>`.
pub fn echo_server() -> Server {
    ws_server(|mut ws, log| async move {
        while let Some(Ok(m)) = ws.next().await {
            match &m {
                Message::Text(t) => push(&log, format!("text:{}", t.as_str())),
                Message::Binary(b) => push(&log, format!("binary:{}", hex(b))),
                Message::Close(c) => {
                    push(
                        &log,
                        format!("close:{:?}", c.as_ref().map(|c| u16::from(c.code))),
                    );
                    continue;
                }
                _ => continue,
            }
            if ws.send(m).await.is_err() {
                break;
            }
        }
    })
}

/// A raw TCP server for misbehaving peers.
pub fn raw_server<F, Fut>(handler: F) -> Server
where
    F: Fn(TcpStream, Log) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    start(handler)
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Reads an HTTP request head from a raw stream.
pub async fn read_head(tcp: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut b = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if tcp.read(&mut b).await.unwrap_or(0) == 0 {
            break;
        }
        buf.push(b[0]);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// Holds a raw connection open for a minute, or until the client hangs up: then logs
/// `client hung up`, which tells a test that the client ended first.
pub async fn hold_until_hangup(tcp: &mut TcpStream, log: &Log) {
    let mut sink = [0u8; 1024];
    let drained = async { while tcp.read(&mut sink).await.is_ok_and(|n| n > 0) {} };
    if tokio::time::timeout(Duration::from_secs(60), drained)
        .await
        .is_ok()
    {
        push(log, "client hung up");
    }
}

pub fn request_key(head: &str) -> String {
    head.lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case("sec-websocket-key")
                .then(|| v.trim().to_string())
        })
        .unwrap_or_default()
}

/// Completes a valid upgrade on a raw stream; returns the request head.
pub async fn raw_accept(tcp: &mut TcpStream) -> String {
    raw_accept_with(tcp, "").await
}

/// Completes an upgrade with `extra` header lines (each ending in CRLF) in the 101.
pub async fn raw_accept_with(tcp: &mut TcpStream, extra: &str) -> String {
    let head = read_head(tcp).await;
    let accept = derive_accept_key(request_key(&head).as_bytes());
    let resp = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n{extra}\r\n"
    );
    tcp.write_all(resp.as_bytes()).await.expect("write 101");
    head
}

/// Encodes an unmasked (server) frame.
pub fn frame(first_byte: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![first_byte];
    let n = payload.len();
    if n < 126 {
        f.push(n as u8);
    } else if n < 65536 {
        f.push(126);
        f.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        f.push(127);
        f.extend_from_slice(&(n as u64).to_be_bytes());
    }
    f.extend_from_slice(payload);
    f
}

/// A frame as read from the client: first byte, mask key, unmasked payload.
#[derive(Debug, Clone)]
pub struct ClientFrame {
    pub first: u8,
    pub mask: Option<[u8; 4]>,
    pub payload: Vec<u8>,
}

impl ClientFrame {
    pub fn opcode(&self) -> u8 {
        self.first & 0x0f
    }
    pub fn close_code(&self) -> Option<u16> {
        (self.opcode() == 8 && self.payload.len() >= 2)
            .then(|| u16::from_be_bytes([self.payload[0], self.payload[1]]))
    }
}

/// Reads one frame from the client (bounded by 10 s); `None` at EOF or timeout.
pub async fn read_client_frame(tcp: &mut TcpStream) -> Option<ClientFrame> {
    tokio::time::timeout(Duration::from_secs(10), async {
        let mut h = [0u8; 2];
        tcp.read_exact(&mut h).await.ok()?;
        let mut len = u64::from(h[1] & 0x7f);
        if len == 126 {
            let mut b = [0u8; 2];
            tcp.read_exact(&mut b).await.ok()?;
            len = u64::from(u16::from_be_bytes(b));
        } else if len == 127 {
            let mut b = [0u8; 8];
            tcp.read_exact(&mut b).await.ok()?;
            len = u64::from_be_bytes(b);
        }
        let mask = if h[1] & 0x80 != 0 {
            let mut k = [0u8; 4];
            tcp.read_exact(&mut k).await.ok()?;
            Some(k)
        } else {
            None
        };
        let mut payload = vec![0u8; len as usize];
        tcp.read_exact(&mut payload).await.ok()?;
        if let Some(k) = mask {
            for (i, b) in payload.iter_mut().enumerate() {
                *b ^= k[i % 4];
            }
        }
        Some(ClientFrame {
            first: h[0],
            mask,
            payload,
        })
    })
    .await
    .ok()
    .flatten()
}

/// Reads client frames until a Close arrives; returns its code (None if no close/EOF).
pub async fn read_until_close(tcp: &mut TcpStream) -> Option<ClientFrame> {
    while let Some(f) = read_client_frame(tcp).await {
        if f.opcode() == 8 {
            return Some(f);
        }
    }
    None
}

/// The result of one wscope run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub took: Duration,
}

impl Run {
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

pub fn command(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .env_remove("NO_COLOR")
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join("wscope-test-state"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, _) in std::env::vars() {
        if k.starts_with("WSCOPE_") || k.ends_with("_proxy") || k.ends_with("_PROXY") {
            c.env_remove(k);
        }
    }
    c
}

/// Runs wscope with `stdin` piped in, bounded by [`RUN_LIMIT`].
pub fn run(args: &[&str], stdin: &[u8]) -> Run {
    run_cmd(command(args), stdin, RUN_LIMIT)
}

pub fn run_cmd(mut cmd: Command, stdin: &[u8], limit: Duration) -> Run {
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn wscope");
    let input = stdin.to_vec();
    let mut sin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = sin.write_all(&input);
    });
    let (out, err) = collect(&mut child);
    let code = wait_bounded(&mut child, limit);
    let _ = writer.join();
    Run {
        code,
        stdout: out.join().expect("stdout"),
        stderr: String::from_utf8_lossy(&err.join().expect("stderr")).into_owned(),
        took: start.elapsed(),
    }
}

type Reader = std::thread::JoinHandle<Vec<u8>>;

pub fn collect(child: &mut Child) -> (Reader, Reader) {
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    (
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = so.read_to_end(&mut v);
            v
        }),
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = se.read_to_end(&mut v);
            v
        }),
    )
}

/// Waits for the child, killing it and failing the test after `limit`.
pub fn wait_bounded(child: &mut Child, limit: Duration) -> i32 {
    let end = Instant::now() + limit;
    loop {
        if let Some(st) = child.try_wait().expect("wait") {
            return st.code().unwrap_or(-1);
        }
        if Instant::now() > end {
            let _ = child.kill();
            let _ = child.wait();
            panic!("wscope did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A self-signed certificate for localhost and 127.0.0.1: (cert PEM, key PEM).
pub fn self_signed() -> (String, String) {
    let ck =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .expect("cert");
    (ck.cert.pem(), ck.signing_key.serialize_pem())
}

/// An echo server behind TLS with the given certificate.
pub fn tls_echo_server(cert_pem: &str, key_pem: &str) -> Server {
    let id = native_tls::Identity::from_pkcs8(cert_pem.as_bytes(), key_pem.as_bytes())
        .expect("identity");
    let acceptor =
        tokio_native_tls::TlsAcceptor::from(native_tls::TlsAcceptor::new(id).expect("acceptor"));
    let acceptor = Arc::new(acceptor);
    start(move |tcp, log| {
        let acceptor = acceptor.clone();
        async move {
            let Ok(tls) = acceptor.accept(tcp).await else {
                push(&log, "tls: handshake failed");
                return;
            };
            push(&log, "tls: ok");
            let Ok(mut ws) = tokio_tungstenite::accept_async(tls).await else {
                return;
            };
            while let Some(Ok(m)) = ws.next().await {
                if (m.is_text() || m.is_binary()) && ws.send(m).await.is_err() {
                    break;
                }
            }
        }
    })
}

/// Writes `pem` to a fresh temp file and returns its path.
pub fn temp_file(name: &str, content: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wscope-test-{}-{}", std::process::id(), name));
    std::fs::create_dir_all(&dir).expect("dir");
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write");
    p
}
