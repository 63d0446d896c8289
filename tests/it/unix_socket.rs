//! Unix domain sockets both ways: `wscope --unix-socket PATH URL` (the URL gives the Host
//! header and the path) against `wscope serve --unix-socket PATH`, against a library server,
//! and Python's `websockets` against `wscope serve`.

use crate::peers::python;
use crate::serve_process::{ServeProcess, output_of};
use crate::support::*;
use futures_util::StreamExt;
use std::process::Command;
use std::sync::{Arc, Mutex};
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

fn socket_path(name: &str) -> std::path::PathBuf {
    temp_file(&format!("{name}.keep"), b"").with_file_name(format!("{name}.sock"))
}

#[test]
fn a_round_trip_over_a_unix_socket_both_ways() {
    let path = socket_path("round-trip");
    let shown = path.display().to_string();
    let mut srv = ServeProcess::start(&["--unix-socket", &shown]);
    assert_eq!(srv.address, format!("unix:{shown}"));
    let r = run(
        &["-v", "--unix-socket", &shown, "ws://localhost/x"],
        b"one\ntwo\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "one\ntwo\n");
    assert!(
        r.stderr.contains(&format!(
            "Connected to ws://localhost/x (unix:{shown}); connect "
        )),
        "{}",
        r.stderr
    );
    assert_eq!(srv.interrupt(), Some(130));
    assert!(!path.exists(), "the socket file is removed on Ctrl-C");
    let r = run(&["--unix-socket", &shown, "ws://localhost/"], b"");
    assert_eq!(r.code, 3, "nothing listens any more: {}", r.stderr);
}

#[test]
fn the_url_gives_host_and_path_over_a_unix_socket() {
    let path = socket_path("library");
    let listener = std::os::unix::net::UnixListener::bind(&path).expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let seen = Arc::new(Mutex::new(String::new()));
    let s = seen.clone();
    let server = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::UnixListener::from_std(listener).expect("listener");
            let (stream, _) = listener.accept().await.expect("accept");
            #[allow(clippy::result_large_err)]
            let cb = |req: &Request, resp: Response| {
                let host = req.headers().get("host").and_then(|h| h.to_str().ok());
                *s.lock().expect("seen") = format!("{} {}", req.uri(), host.unwrap_or("-"));
                Ok(resp)
            };
            let mut ws = tokio_tungstenite::accept_hdr_async(stream, cb)
                .await
                .expect("upgrade");
            while let Some(Ok(m)) = ws.next().await {
                if m.is_text() {
                    futures_util::SinkExt::send(&mut ws, m).await.expect("echo");
                }
            }
        });
    });
    let r = run(
        &[
            "--unix-socket",
            &path.display().to_string(),
            "ws://api.internal:8080/v1/stream?x=1",
        ],
        b"hi\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "hi\n");
    server.join().expect("server");
    assert_eq!(
        *seen.lock().expect("seen"),
        "/v1/stream?x=1 api.internal:8080"
    );
}

#[test]
fn python_websockets_reaches_wscope_serve_over_a_unix_socket() {
    let path = socket_path("python");
    let shown = path.display().to_string();
    let _srv = ServeProcess::start(&["--unix-socket", &shown]);
    let script = r#"
import asyncio, sys, websockets
async def main():
    async with websockets.unix_connect(sys.argv[1], 'ws://localhost/') as ws:
        await ws.send('over unix')
        print(await ws.recv())
asyncio.run(main())
"#;
    let Some(python) = python() else {
        return;
    };
    let mut cmd = Command::new(python);
    cmd.args(["-c", script, &shown]);
    let (code, out, err) = output_of(cmd);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "over unix\n");
}
