//! Where messages to send come from: the REPL (line editing on its own thread, and the pure
//! command grammar), or stdin in pipe mode (read and cut into messages on its own thread).

pub mod command;
pub mod cutter;
pub mod input_thread;
pub mod json_stream;
pub mod multiline;
pub mod pipe;
pub mod repl;
pub mod schedule;
