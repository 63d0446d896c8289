//! The terminal: decisions made once at start-up (colour per stream, whether stdin and stdout
//! are terminals, where the REPL history lives) and the guard that puts its mode back after the
//! REPL.

use std::io::IsTerminal;
use std::path::PathBuf;

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ColorChoice {
    /// Colour when the stream is a terminal, NO_COLOR is unset and TERM is not dumb.
    Auto,
    Always,
    Never,
}

/// Whether to colour one stream.
pub(crate) fn use_color(
    choice: ColorChoice,
    is_terminal: bool,
    no_color: Option<&str>,
    term: Option<&str>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && no_color.is_none_or(str::is_empty) && term != Some("dumb")
        }
    }
}

/// The terminal facts for this process.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Terminal {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
}

impl Terminal {
    pub(crate) fn detect() -> Self {
        Terminal {
            stdin: std::io::stdin().is_terminal(),
            stdout: std::io::stdout().is_terminal(),
            stderr: std::io::stderr().is_terminal(),
        }
    }

    /// Colour decisions for (stdout, stderr).
    pub(crate) fn colors(&self, choice: ColorChoice) -> (bool, bool) {
        let no_color = std::env::var("NO_COLOR").ok();
        let term = std::env::var("TERM").ok();
        (
            use_color(choice, self.stdout, no_color.as_deref(), term.as_deref()),
            use_color(choice, self.stderr, no_color.as_deref(), term.as_deref()),
        )
    }
}

/// `$XDG_STATE_HOME/wscope/history`, falling back to `~/.local/state/wscope/history`.
pub(crate) fn history_path() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("state"))
        })?;
    Some(state.join("wscope").join("history"))
}

/// The terminal's mode, saved before the REPL starts and put back when this is dropped,
/// whatever happens: the terminal attributes, bracketed paste off, and the prompt the line
/// editor left behind erased.
pub(crate) struct TerminalGuard {
    saved: Option<libc::termios>,
}

impl TerminalGuard {
    pub(crate) fn save() -> Self {
        // SAFETY: tcgetattr only writes into the zeroed struct we own; fd 0 may not be a tty,
        // in which case it fails and we keep nothing.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        let ok = unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut t) } == 0;
        TerminalGuard {
            saved: ok.then_some(t),
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if let Some(t) = &self.saved {
            // rustyline prints handed-over lines from its own thread; give it a moment to
            // show the last ones (the close) before the terminal changes under it.
            std::thread::sleep(std::time::Duration::from_millis(40));
            // SAFETY: restores attributes previously read from the same descriptor.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSADRAIN, t);
            }
            use std::io::Write;
            let mut out = std::io::stdout();
            let _ = out.write_all(b"\x1b[?2004l\r\x1b[K");
            let _ = out.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_color_rules() {
        assert!(use_color(ColorChoice::Auto, true, None, Some("xterm")));
        assert!(!use_color(ColorChoice::Auto, false, None, Some("xterm")));
        assert!(!use_color(
            ColorChoice::Auto,
            true,
            Some("1"),
            Some("xterm")
        ));
        assert!(use_color(ColorChoice::Auto, true, Some(""), Some("xterm")));
        assert!(!use_color(ColorChoice::Auto, true, None, Some("dumb")));
        assert!(use_color(
            ColorChoice::Always,
            false,
            Some("1"),
            Some("dumb")
        ));
        assert!(!use_color(ColorChoice::Never, true, None, None));
    }
}
