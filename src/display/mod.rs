//! What a received message looks like on the way out, as pure functions the renderer, the CLI
//! and the REPL put together. This part: [`decode`] turns an application-compressed binary
//! message into its contents, never producing more than the message size limit.

pub mod decode;
