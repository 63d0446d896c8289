//! What a received message looks like on the way out, as pure functions the renderer, the CLI
//! and the REPL put together:
//!
//! ```text
//! received message ─► decode (--decode: inflate gzip/zlib/deflate, bounded)
//!                  ─► filter (--filter: a jq expression run by jaq; zero or more results)
//!                  ─► format (JSON laid out compact or --pretty, highlighted on a terminal)
//! ```
//!
//! - [`decode`] turns an application-compressed binary message into its contents, never
//!   producing more than the message size limit.
//! - [`filter`] compiles a jq expression once and runs it on each message; each result is
//!   compact JSON text (or a raw string with `-r`), and a message that is not JSON is reported
//!   as such so the caller can pass it through or drop it. `key_path` answers the commonest
//!   filter (`.field`) from the message's tokens when it can be sure of jaq's answer.
//! - [`json`] decides whether bytes are one JSON document and lays out its own tokens
//!   (numbers and strings as written), with ANSI colours when asked and terminal-safe
//!   strings; it also checks what `/json` sends.
//! - [`position`] points at a mistake in what the user typed (a filter, the JSON of `/json`).
//!
//! None of this does I/O or knows about sockets, terminals or options: the caller decides
//! colour, pretty-printing and what to do with errors.

pub(crate) mod decode;
pub(crate) mod filter;
pub(crate) mod json;
mod key_path;
pub(crate) mod position;
