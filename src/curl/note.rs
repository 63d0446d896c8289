//! What reading a curl command did with each part of it, said in one line for stderr.
//!
//! Notes name headers and options, never their values: a copied command carries cookies and
//! credentials.

use std::fmt;

/// What became of a part of the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// Used as it was.
    Kept,
    /// Used in another form (an http(s):// URL as ws(s)://, several cookie sources as one).
    Converted,
    /// A header not sent.
    Dropped,
    /// An option without effect on a WebSocket session.
    Ignored,
}

/// One line of the report: `dropped Sec-WebSocket-Key (wscope generates its own)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    pub action: Action,
    /// What the note is about: a header name, an option, or a short phrase.
    pub subject: String,
    /// Why, when it is not obvious; empty otherwise.
    pub reason: String,
}

impl Note {
    pub(super) fn new(action: Action, subject: impl Into<String>, reason: &str) -> Note {
        Note {
            action,
            subject: subject.into(),
            reason: reason.to_string(),
        }
    }

    pub(super) fn kept(subject: impl Into<String>, reason: &str) -> Note {
        Note::new(Action::Kept, subject, reason)
    }

    pub(super) fn converted(subject: impl Into<String>, reason: &str) -> Note {
        Note::new(Action::Converted, subject, reason)
    }

    pub(super) fn dropped(subject: impl Into<String>, reason: &str) -> Note {
        Note::new(Action::Dropped, subject, reason)
    }

    pub(super) fn ignored(subject: impl Into<String>, reason: &str) -> Note {
        Note::new(Action::Ignored, subject, reason)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Kept => "kept",
            Action::Converted => "converted",
            Action::Dropped => "dropped",
            Action::Ignored => "ignored",
        })
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.action, self.subject)?;
        if !self.reason.is_empty() {
            write!(f, " ({})", self.reason)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_one_line_with_its_reason_in_parentheses() {
        assert_eq!(
            Note::dropped("Sec-WebSocket-Key", "wscope generates its own").to_string(),
            "dropped Sec-WebSocket-Key (wscope generates its own)"
        );
        assert_eq!(
            Note::kept("headers Origin, Pragma", "").to_string(),
            "kept headers Origin, Pragma"
        );
        assert_eq!(
            Note::converted("https:// to wss://", "").to_string(),
            "converted https:// to wss://"
        );
        assert_eq!(
            Note::ignored("--http2", "x").to_string(),
            "ignored --http2 (x)"
        );
    }
}
