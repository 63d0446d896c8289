//! Where messages to send come from: the REPL (line editing on its own thread, and the pure
//! command grammar), or stdin in pipe mode (read on its own thread, cut into messages).

pub mod command;
pub mod input_thread;
pub mod json_stream;
pub mod pipe;
pub mod repl;
