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
//!                     (permessage-deflate); stack (tap → deflate → tungstenite, its limits);
//!                     data_frames (pipe mode's lines framed in bulk, written by the tap)
//!            session  reader + writer (+ direct: pipe lines framed by the writer; commands,
//!                     input, end_policy, replay, outcome, violations)
//!            input    repl (line editor thread, multiline) + command (the REPL's grammar),
//!                     pipe + input_thread + cutter + framing (stdin read and cut by
//!                     --input on its own thread), json_stream, schedule (timed input)
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
//!
//! # Public surface
//!
//! Modules are private to the crate; public is only what the binary, the integration tests
//! (`tests/it`) and the fuzz targets (`fuzz/fuzz_targets`) call, at its own path, with the
//! types its signatures name. It is no API for other crates. `unreachable_pub` flags a `pub`
//! item nothing outside can reach, `unnameable_types` a reachable type without a public path,
//! and with private modules the compiler reports dead code.
//!
//! - the binary: [`app::main`];
//! - the drift and docs tests: [`error::EXIT_STATUS_TABLE`], [`generate::all`],
//!   [`input::command::COMMANDS`], [`input::command::help_text`] and each
//!   [`proto::ProtoKind`]'s commands;
//! - other tests: [`serve::bind`] and [`serve::echo_server`] (a server in the test's
//!   process), [`wire::deflate::Compressor`] (compressed frames written by hand);
//! - the fuzz targets, every parser of what a peer or a user sends: [`wire`] (frame headers
//!   and the scanner, permessage-deflate's [`wire::deflate::Incoming`], the upgrade's request,
//!   response, rejection and body, the URL), [`net`] (the proxies' answers, the TLS
//!   ServerHello), [`input`] (the REPL's commands, `--input json`), [`curl`] (a pasted
//!   command), the [`proto`] codecs, [`proto::fuzzing`], which drives the protocols' state
//!   machines (private to the crate) with the fuzzer's bytes, and [`replay::fuzzing`], which
//!   reads them as a recording file the way `replay` does.
//!
//! A test that needs another internal makes that item `pub`; the lints then name the types
//! it brings along.

#![warn(unreachable_pub, unnameable_types)]

#[cfg(not(unix))]
compile_error!("wscope runs on Unix-like systems (it uses file descriptors and termios directly)");

pub mod app;
mod cli;
mod client;
mod config;
mod coproc;
pub mod curl;
mod display;
pub mod error;
mod event;
pub mod generate;
pub mod input;
mod interrupt;
mod jsonl;
#[cfg(test)]
mod layers;
pub mod net;
mod open;
mod output;
mod probe;
pub mod proto;
mod render;
pub mod replay;
pub mod serve;
mod session;
mod stats;
mod sync;
mod term;
mod units;
pub mod wire;
