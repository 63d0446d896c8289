//! `wscope serve --coproc CMD` (websocketd style: a program per connection, the request in CGI
//! variables), `--max-clients`, the Origin check, `--broadcast`, and Ctrl-C, with wscope, the
//! test's own clients and Python's `websockets` as clients.

use crate::peers::python;
use crate::serve_process::{ServeProcess, client, output_of, read_pid, wait_gone};
use crate::support::*;
use futures_util::{SinkExt, StreamExt};
use std::process::Command;
use std::time::Duration;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The next text message (bounded), skipping control frames.
async fn next_text<S>(ws: &mut tokio_tungstenite::WebSocketStream<S>) -> String
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a message in time")
            .expect("open")
            .expect("no error");
        if let Message::Text(t) = m {
            return t.as_str().to_string();
        }
    }
}

#[test]
fn each_connection_gets_its_own_program_with_the_request_in_its_environment() {
    let room = temp_file("meeting", b"").with_file_name("room");
    std::fs::create_dir_all(&room).expect("room");
    let dir = room.display().to_string();
    // Each program says what it was told, waits (bounded) until both are running, then
    // answers every line with its pid.
    let program = format!(
        "echo \"$$ $REQUEST_URI|$QUERY_STRING|$PATH_INFO|$REMOTE_ADDR|$HTTP_X_TOKEN|$SERVER_NAME\"; \
         touch {dir}/$$; n=0; \
         while [ \"$(ls {dir} | wc -l)\" -lt 2 ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done; \
         echo \"together $(ls {dir} | wc -l)\"; \
         while read -r l; do echo \"$$ $l\"; done"
    );
    let srv = ServeProcess::start(&["--coproc", &program]);
    let (one, two) = (srv.url("/one?n=1"), srv.url("/two%20x?n=2"));
    let runs = std::thread::scope(|s| {
        let a = s.spawn(|| run(&["-n", "3", "-H", "X-Token: A", &one], b"ping\n"));
        let b = s.spawn(|| run(&["-n", "3", "-H", "X-Token: B", &two], b"ping\n"));
        [a.join().expect("a"), b.join().expect("b")]
    });
    let mut pids = Vec::new();
    for (r, (uri, query, path, token)) in runs.iter().zip([
        ("/one?n=1", "n=1", "/one", "A"),
        ("/two%20x?n=2", "n=2", "/two x", "B"),
    ]) {
        assert_eq!(r.code, 0, "{}", r.stderr);
        let out = r.out();
        let lines: Vec<&str> = out.lines().collect();
        let (pid, env) = lines[0].split_once(' ').expect("pid and environment");
        assert_eq!(
            env,
            format!("{uri}|{query}|{path}|127.0.0.1|{token}|127.0.0.1")
        );
        assert_eq!(
            lines[1..],
            ["together 2".to_string(), format!("{pid} ping")]
        );
        pids.push(pid.to_string());
    }
    assert_ne!(pids[0], pids[1], "a program per connection");
}

#[test]
fn a_program_that_exits_closes_with_1000_and_one_killed_by_a_signal_with_1011() {
    let srv = ServeProcess::start(&[
        "--coproc",
        "read -r l; if [ \"$l\" = die ]; then kill -9 $$; fi; \
         if [ \"$l\" = garble ]; then printf '\\377\\n'; exec sleep 1; fi; echo \"ok $l\"",
    ]);
    let r = run(&["-e", "x", &srv.url("/")], b"");
    assert_eq!((r.code, r.out().as_str()), (0, "ok x\n"), "{}", r.stderr);
    let r = run(&["-e", "die", &srv.url("/")], b"");
    assert_eq!(r.code, 8, "{}", r.stderr);
    assert!(r.stderr.contains("peer closed with 1011"), "{}", r.stderr);
    srv.wait_log("the signal", |l| {
        l.contains("was killed by signal 9 (SIGKILL)")
    });
    // A line that is not UTF-8 cannot be a text message: the server cannot go on.
    let r = run(&["-e", "garble", &srv.url("/")], b"");
    assert_eq!(r.code, 8, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "peer closed with 1011 (internal server error): the program's output could not be sent"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn max_clients_refuses_with_429_until_a_slot_frees() {
    let srv = ServeProcess::start(&["--max-clients", "1", "--coproc", "exec cat"]);
    let rt = runtime();
    let mut first = rt.block_on(client(&srv.url("/"), &[]));
    let r = run(&["-e", "x", &srv.url("/")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("429 Too Many Requests"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    rt.block_on(async {
        first.close(None).await.expect("close");
        while let Some(Ok(_)) = first.next().await {}
    });
    srv.wait_log("the first program's end", |l| {
        l.starts_with("* serve: #1 ") && l.contains("exited")
    });
    let r = run(&["-e", "again", &srv.url("/")], b"");
    assert_eq!((r.code, r.out().as_str()), (0, "again\n"), "{}", r.stderr);
}

#[test]
fn a_web_page_cannot_drive_the_program_unless_its_origin_is_allowed() {
    let srv = ServeProcess::start(&["--coproc", "echo hi"]);
    let r = run(&["--origin", "https://evil.example", &srv.url("/")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("403 Forbidden"), "{}", r.stderr);
    srv.wait_log("the refusal", |l| {
        l.contains("refused") && l.contains("403")
    });
    let r = run(&["-n", "1", &srv.url("/")], b"");
    assert_eq!(r.out(), "hi\n", "no Origin: not a browser, served");

    let srv = ServeProcess::start(&[
        "--coproc",
        "echo hi",
        "--allow-origin",
        "https://app.example",
    ]);
    let r = run(
        &["-n", "1", "--origin", "https://app.example", &srv.url("/")],
        b"",
    );
    assert_eq!((r.code, r.out().as_str()), (0, "hi\n"), "{}", r.stderr);
    let r = run(
        &["--origin", "https://app.example:8443", &srv.url("/")],
        b"",
    );
    assert_eq!(r.code, 5, "another port is another origin: {}", r.stderr);
}

#[test]
fn broadcast_sends_every_message_to_all_three_clients() {
    let srv = ServeProcess::start(&["--broadcast"]);
    let url = srv.url("/room");
    let rt = runtime();
    let mut ours = rt.block_on(async { [client(&url, &[]).await, client(&url, &[]).await] });
    // The third is wscope itself: it says one thing and prints what the room says.
    let theirs = std::thread::spawn(move || run(&["-n", "3", "-e", "from wscope", &url], b""));
    rt.block_on(async {
        for ws in ours.iter_mut() {
            assert_eq!(next_text(ws).await, "from wscope");
        }
        for (i, ws) in ours.iter_mut().enumerate() {
            ws.send(Message::text(format!("from {i}")))
                .await
                .expect("send");
        }
        for ws in ours.iter_mut() {
            let mut got = [next_text(ws).await, next_text(ws).await];
            got.sort();
            assert_eq!(got, ["from 0", "from 1"]);
        }
    });
    let r = theirs.join().expect("wscope");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = r.out();
    let mut got: Vec<&str> = out.lines().collect();
    got.sort();
    assert_eq!(got, ["from 0", "from 1", "from wscope"]);
}

#[test]
fn a_python_websockets_client_talks_to_serve_coproc() {
    let srv = ServeProcess::start(&[
        "--coproc",
        "while read -r l; do echo \"$REQUEST_URI: $l\"; done",
    ]);
    let script = r#"
import asyncio, sys, websockets
async def main():
    async with websockets.connect(sys.argv[1]) as ws:
        for m in ('one', 'two'):
            await ws.send(m)
            print(await ws.recv(), flush=True)
    print('closed', ws.close_code)
asyncio.run(main())
"#;
    let Some(python) = python() else {
        return;
    };
    let mut cmd = Command::new(python);
    cmd.args(["-c", script, &srv.url("/py?x=1")]);
    let (code, out, err) = output_of(cmd);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "/py?x=1: one\n/py?x=1: two\nclosed 1000\n");
    srv.wait_log("the end", |l| l.contains("exited with status 0"));
}

#[test]
fn ctrl_c_closes_every_connection_and_stops_the_programs() {
    let pid_file = temp_file("serve-ctrl-c.pid", b"");
    let program = format!("echo $$ > {}; exec cat", pid_file.display());
    let mut srv = ServeProcess::start(&["--coproc", &program]);
    // The client reads on its own thread, so it answers the server's Close at once.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let mut ws = rt.block_on(client(&srv.url("/"), &[]));
    let closed = rt.spawn(async move {
        let mut code = None;
        loop {
            match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
                Ok(Some(Ok(Message::Close(c)))) => code = c.map(|c| u16::from(c.code)),
                Ok(Some(Ok(_))) => {}
                Ok(None | Some(Err(_))) => return code,
                Err(_) => panic!("the connection did not end"),
            }
        }
    });
    let pid = read_pid(&pid_file);
    assert_eq!(srv.interrupt(), Some(130));
    assert_eq!(rt.block_on(closed).expect("reader"), Some(1000));
    wait_gone(pid, "the program after Ctrl-C");
}
