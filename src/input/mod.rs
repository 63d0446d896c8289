//! Where messages to send come from: the REPL (line editing on its own thread, and the pure
//! command grammar), or stdin in pipe mode (read and cut into messages on its own thread).

pub mod command;
pub(crate) mod cutter;
pub(crate) mod framing;
pub(crate) mod input_thread;
pub mod json_stream;
pub(crate) mod multiline;
pub(crate) mod pipe;
pub(crate) mod repl;
pub(crate) mod schedule;
