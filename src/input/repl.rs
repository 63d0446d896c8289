//! The interactive side: rustyline on its own thread (line editing, history, tab completion),
//! sending parsed commands to the session, and an external printer through which everything the
//! session shows is printed without clobbering the line being typed.
//!
//! Ctrl-D sends Close 1000 and ends the session. Ctrl-C clears the line being typed (and drops
//! a JSON value left open over several lines, see [`multiline`]); a second Ctrl-C in a row ends
//! the session (Close 1000, exit 130), as in Node's and Python's REPLs.

use crate::error::{Error, Kind};
use crate::input::command::{self, Command, Ending};
use crate::input::multiline::{Gathered, Gatherer};
use crate::output::LinePrinter;
use crate::proto::ProtoKind;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Config, Context, Editor, ExternalPrinter, Helper};
use std::path::PathBuf;
use tokio::sync::mpsc;

/// Completes command names at the start of the line (with `--proto`, the protocol's too).
struct CommandHelper {
    proto: Option<ProtoKind>,
}

impl Completer for CommandHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let head = &line[..pos];
        if !head.starts_with('/') || head.contains(' ') {
            return Ok((0, Vec::new()));
        }
        let found = command::complete(head, self.proto)
            .into_iter()
            .map(|name| Pair {
                display: name.to_string(),
                replacement: format!("{name} "),
            })
            .collect();
        Ok((0, found))
    }
}

impl Hinter for CommandHelper {
    type Hint = String;
}
impl Highlighter for CommandHelper {}
impl Validator for CommandHelper {}
impl Helper for CommandHelper {}

/// Prints through rustyline so the prompt and the typed line are redrawn below the output.
struct RustylinePrinter<P: ExternalPrinter + Send>(P);

impl<P: ExternalPrinter + Send> LinePrinter for RustylinePrinter<P> {
    fn print_line(&mut self, mut line: String) {
        // Outside readline the printer writes as is; inside, it would add the newline itself.
        line.push('\n');
        let _ = self.0.print(line);
    }
}

/// Starts the REPL thread; returns the printer the session must print through. With
/// `--proto` (`proto`), lines are parsed and completed as the protocol takes them.
pub(crate) fn start(
    prompt: String,
    history: Option<PathBuf>,
    commands: mpsc::Sender<Command>,
    proto: Option<ProtoKind>,
) -> Result<Box<dyn LinePrinter>, Error> {
    let (printer_tx, printer_rx) =
        std::sync::mpsc::channel::<Result<Box<dyn LinePrinter>, Error>>();
    std::thread::Builder::new()
        .name("repl".into())
        .spawn(move || {
            let config = Config::builder()
                .auto_add_history(false)
                .history_ignore_space(true)
                .history_ignore_dups(true)
                .map(|b| b.max_history_size(10_000))
                .and_then(|b| b)
                .map(|b| b.build());
            let editor = config.and_then(Editor::<CommandHelper, DefaultHistory>::with_config);
            let mut rl = match editor {
                Ok(rl) => rl,
                Err(e) => {
                    let _ = printer_tx.send(Err(Error::new(
                        Kind::Other,
                        format!("cannot start the line editor: {e}"),
                    )));
                    return;
                }
            };
            rl.set_helper(Some(CommandHelper { proto }));
            match rl.create_external_printer() {
                Ok(p) => {
                    let _ = printer_tx.send(Ok(Box::new(RustylinePrinter(p))));
                }
                Err(e) => {
                    let _ = printer_tx.send(Err(Error::new(
                        Kind::Other,
                        format!("cannot start the line editor: {e}"),
                    )));
                    return;
                }
            }
            if let Some(path) = &history {
                if let Some(dir) = path.parent() {
                    let _ = create_private_dir(dir);
                }
                let _ = rl.load_history(path);
            }
            read_loop(&mut rl, &prompt, history.as_ref(), &commands, proto);
        })
        .map_err(|e| Error::new(Kind::Other, format!("cannot start the REPL thread: {e}")))?;
    printer_rx
        .recv()
        .map_err(|_| Error::new(Kind::Other, "the REPL thread stopped"))?
}

/// The prompt of a line that continues an open JSON value.
const CONTINUATION: &str = "... ";

fn read_loop(
    rl: &mut Editor<CommandHelper, DefaultHistory>,
    prompt: &str,
    history: Option<&PathBuf>,
    commands: &mpsc::Sender<Command>,
    proto: Option<ProtoKind>,
) {
    let mut interrupted_once = false;
    let mut gather = Gatherer::with_documents(proto.and_then(ProtoKind::open_entry));
    loop {
        let shown = if gather.continuing() {
            CONTINUATION
        } else {
            prompt
        };
        match rl.readline(shown) {
            Ok(line) => {
                interrupted_once = false;
                let entry = match gather.feed(&line) {
                    Gathered::More => continue,
                    Gathered::Bad(why) => {
                        crate::render::stderr_line(&format!("wscope: {why}"));
                        None
                    }
                    Gathered::Done(entry) => Some(entry),
                };
                remember(rl, history, gather.typed());
                let Some(entry) = entry else { continue };
                match command::parse(&entry, proto) {
                    Ok(Some(c)) => {
                        if commands.blocking_send(c).is_err() {
                            return;
                        }
                    }
                    Ok(None) => {}
                    Err(msg) => crate::render::stderr_line(&format!("wscope: {msg}")),
                }
            }
            Err(ReadlineError::Interrupted) if gather.drop_open() => {
                let what = gather.unfinished();
                crate::render::stderr_line(&format!("(unfinished {what} dropped; nothing sent)"));
            }
            Err(ReadlineError::Interrupted) => {
                if interrupted_once {
                    let _ = commands.blocking_send(Command::End(Ending::Interrupt));
                    return;
                }
                interrupted_once = true;
                crate::render::stderr_line(
                    "(press Ctrl-C again to quit, or Ctrl-D to close cleanly)",
                );
            }
            Err(ReadlineError::Eof) => {
                if gather.drop_open() {
                    let what = gather.unfinished();
                    crate::render::stderr_line(&format!("(unfinished {what} not sent)"));
                }
                let _ = commands.blocking_send(Command::End(Ending::Quit));
                return;
            }
            Err(e) => {
                crate::render::stderr_line(&format!("wscope: line editor failed: {e}"));
                let _ = commands.blocking_send(Command::End(Ending::Quit));
                return;
            }
        }
    }
}

/// Adds an entry to the history (a value over several lines as one entry, so Up recalls it
/// whole), and to the history file unless it starts with a space.
fn remember(
    rl: &mut Editor<CommandHelper, DefaultHistory>,
    history: Option<&PathBuf>,
    entry: &str,
) {
    if entry.trim().is_empty() || !matches!(rl.add_history_entry(entry), Ok(true)) {
        return;
    }
    if let Some(path) = history {
        let _ = rl.append_history(path);
    }
}

fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}
