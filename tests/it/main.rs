//! The integration suite, one binary: the real `wscope` binary run against real servers on
//! loopback. `support` holds the servers and the bounded runner every module shares.

mod automation;
mod backpressure;
mod compression;
mod coproc_client;
mod curl_import;
mod display;
mod docs_and_colour;
mod end_of_input;
mod frames;
mod handshake_pipe;
mod hardening;
mod interrupt;
mod json_lines;
mod peer_process;
mod peers;
mod pipe_mode;
mod probe;
mod probe_peers;
mod probe_server;
mod proto_peers;
mod protocol_peers;
mod proxy;
mod pty;
mod reconnect;
mod record_replay;
mod repl;
mod repl_display;
mod repl_input;
mod scripting_peers;
mod serve_bridges;
mod serve_process;
mod support;
mod third_party;
mod tls;
mod unix_socket;
