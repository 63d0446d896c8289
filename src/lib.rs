//! wscope: a command-line WebSocket client and debugger.
//!
//! The way through, in layers; a module imports only from layers below it (`layers` holds the
//! rules and the test that keeps them):
//!
//! ```text
//! main ─► app (dispatch, the runtime, the final report; where two components meet)
//!      ─► config (cli's clap definitions validated, once, into each component's settings)
//!      ─► the components, none of which imports another:
//!            client   a run: open → stack → session, again with --reconnect
//!            probe    wscope probe: open, then frames written by hand and judged against
//!                     RFC 6455 and 7692 into a report card
//!            serve    wscope serve: the local server (echo, --broadcast, a program each)
//!            replay   wscope replay: a --record file read back (through jsonl) into a timed
//!                     input for a client session, what arrives compared with what was recorded
//!      ─► the shared stages:
//!            open     a connection opened one way: stream (DNS, TCP or a Unix socket,
//!                     proxy, TLS) → upgrade (the request, the answer judged) → redirects
//!            net      connect (DNS, TCP, TLS), transport, proxy (CONNECT, SOCKS5),
//!                     tls_hello/tls_info
//!            wire     target (the URL); request → handshake → response/rejection (the
//!                     upgrade, verbatim); tap (frame headers both ways, on the plaintext side
//!                     of TLS) with frame, opcode and scanner (pure decoding); deflate
//!                     (permessage-deflate); stack (tap → deflate → tungstenite, its limits)
//!            session  reader + writer (+ commands, input, end_policy, replay, outcome,
//!                     violations)
//!            input    repl (line editor thread, multiline) + command (the REPL's grammar),
//!                     pipe (stdin cut by --input), json_stream, schedule (timed input)
//!            proto    application protocols (--proto): the codecs and input grammars of
//!                     socketio, graphql, stomp and jsonrpc; pure, no I/O
//!            event    the seam: everything observed, as data; notice: wscope's remarks as
//!                     facts
//!            render   text for people, worded in one place; each event as its JSON line,
//!                     credentials masked; pure ─► output (buffering, its writer thread, the
//!                     recording)
//!                     a received message: render::received puts display's pieces together
//!                     (decode → jq filter → JSON layout) for the place it goes
//!            jsonl    JSON Lines, the contract with scripts: the schema as serde types with
//!                     its version and time format, the one writer (--jsonl, --record, probe
//!                     --jsonl) and reader (replay)
//! ```
//!
//! `error` holds the exit-status table; `interrupt` Ctrl-C for the whole run (every phase
//! watches it where it waits); `term` the terminal decisions; `stats` the counters the
//! reader and writer share; `coproc` a program on one end of a connection (`--coproc`, the
//! session's input and its data sink); `curl` reads a copied "Copy as cURL" command; `generate`
//! completions and the man page.
//!
//! wscope runs on Unix-like systems: it reads stdin and drives the terminal through their file
//! descriptors.

#[cfg(not(unix))]
compile_error!("wscope runs on Unix-like systems (it uses file descriptors and termios directly)");

pub mod app;
pub mod cli;
pub mod client;
pub mod config;
pub mod coproc;
pub mod curl;
pub mod display;
pub mod error;
pub mod event;
pub mod generate;
pub mod input;
pub mod interrupt;
pub mod jsonl;
#[cfg(test)]
mod layers;
pub mod net;
pub mod open;
pub mod output;
pub mod probe;
pub mod proto;
pub mod render;
pub mod replay;
pub mod serve;
pub mod session;
pub mod stats;
pub mod sync;
pub mod term;
pub mod units;
pub mod wire;
