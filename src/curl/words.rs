//! Splitting a pasted `curl ...` command into words, as bash would for what browsers emit.
//!
//! `--from-curl 'curl ...'` hands wscope the whole command as one string, so the quoting a shell
//! would have undone is still in it. Browsers write single quotes, ANSI-C `$'...'` strings (for
//! values with `!`, `'` or control characters) and backslash-newline continuations between
//! options; people add double quotes. Anything that would make a shell do more than split words
//! (expansions, operators, Windows cmd `^` escapes) is refused with its position rather than
//! passed on literally, so a pasted command never means something other than it would in bash.
//!
//! Written here rather than taken from a crate: the shell-word crates (shlex, shell-words) know
//! neither `$'...'` nor error positions, and both are what a pasted browser command needs.

use crate::error::Error;

/// Splits `input` into the words bash would pass to `curl`.
pub fn split(input: &str) -> Result<Vec<String>, Error> {
    let mut lexer = Lexer {
        input,
        chars: input.char_indices().collect(),
        i: 0,
    };
    lexer.words()
}

struct Lexer<'a> {
    input: &'a str,
    chars: Vec<(usize, char)>,
    i: usize,
}

/// The word being built: bytes, because `\xHH` and `\NNN` in `$'...'` give bytes, as in bash.
struct Word {
    bytes: Vec<u8>,
    /// Set by quotes too, so `''` is an (empty) word.
    started: bool,
    /// Where the word began, for errors about it.
    start: usize,
}

impl Word {
    fn push(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.bytes
            .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).map(|&(_, c)| c)
    }

    fn offset(&self) -> usize {
        self.chars
            .get(self.i)
            .map_or(self.input.len(), |&(at, _)| at)
    }

    /// Line and column (both from 1, columns in characters) of a byte offset.
    fn position(&self, at: usize) -> String {
        let before = self.input.get(..at).unwrap_or(self.input);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("line {line}, column {column}")
    }

    /// Skips a line break (`\n` or `\r\n`) at the cursor; true when there was one.
    fn skip_newline(&mut self) -> bool {
        match (self.peek(0), self.peek(1)) {
            (Some('\n'), _) => {
                self.i += 1;
                true
            }
            (Some('\r'), Some('\n')) => {
                self.i += 2;
                true
            }
            _ => false,
        }
    }

    fn words(&mut self) -> Result<Vec<String>, Error> {
        let mut words = Vec::new();
        let mut word = self.new_word();
        while let Some(c) = self.peek(0) {
            let at = self.offset();
            if !word.started {
                word.start = at;
            }
            match c {
                ' ' | '\t' | '\n' | '\r' => {
                    self.i += 1;
                    self.finish(&mut word, &mut words)?;
                    continue;
                }
                '#' if !word.started => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.i += 1;
                    }
                    continue;
                }
                '\\' => {
                    self.i += 1;
                    if self.skip_newline() || self.peek(0).is_none() {
                        continue;
                    }
                    if let Some(next) = self.peek(0) {
                        self.i += 1;
                        word.push(next);
                    }
                }
                '\'' => {
                    self.i += 1;
                    self.single_quoted(&mut word, at)?;
                }
                '"' => {
                    self.i += 1;
                    self.double_quoted(&mut word, at)?;
                }
                '$' => match self.peek(1) {
                    Some('\'') => {
                        self.i += 2;
                        self.ansi_c_quoted(&mut word, at)?;
                    }
                    Some('"') => {
                        self.i += 2;
                        self.double_quoted(&mut word, at)?;
                    }
                    next if starts_expansion(next) => return Err(self.expansion(at)),
                    _ => {
                        self.i += 1;
                        word.push('$');
                    }
                },
                '`' => return Err(self.expansion(at)),
                '^' if matches!(self.peek(1), Some('"' | '\n' | '\r')) => {
                    return Err(self.windows_cmd(at));
                }
                ';' | '&' | '|' | '<' | '>' | '(' | ')' => return Err(self.operator(c, at)),
                _ => {
                    self.i += 1;
                    word.push(c);
                }
            }
            word.started = true;
        }
        self.finish(&mut word, &mut words)?;
        Ok(words)
    }

    fn windows_cmd(&self, at: usize) -> Error {
        Error::usage(format!(
            "the command at {} is in Windows cmd format (^ escapes), which wscope does not read",
            self.position(at)
        ))
        .with_hint("copy it as cURL (bash) instead of cURL (cmd)")
    }

    fn operator(&self, c: char, at: usize) -> Error {
        Error::usage(format!(
            "shell operator '{c}' at {}: wscope reads a single curl command, not a shell script",
            self.position(at)
        ))
        .with_hint(
            "paste one command (\"Copy all as cURL\" joins several with ';'), or quote the \
             character",
        )
    }

    fn new_word(&self) -> Word {
        Word {
            bytes: Vec::new(),
            started: false,
            start: self.offset(),
        }
    }

    fn finish(&self, word: &mut Word, words: &mut Vec<String>) -> Result<(), Error> {
        if word.started {
            let bytes = std::mem::take(&mut word.bytes);
            let text = String::from_utf8(bytes).map_err(|_| {
                Error::usage(format!(
                    "the word at {} is not UTF-8 once its \\x or octal escapes are decoded",
                    self.position(word.start)
                ))
                .with_hint("write non-ASCII characters as themselves or as \\u escapes")
            })?;
            words.push(text);
        }
        *word = self.new_word();
        Ok(())
    }

    fn unterminated(&self, what: &str, opened_at: usize) -> Error {
        Error::usage(format!(
            "unterminated {what} (opened at {})",
            self.position(opened_at)
        ))
        .with_hint("the command may have been cut short when it was copied: paste all of it")
    }

    fn expansion(&self, at: usize) -> Error {
        let shown: String = self
            .input
            .get(at..)
            .unwrap_or("")
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\''))
            .take(24)
            .collect();
        Error::usage(format!(
            "shell expansion '{shown}' at {}: wscope does not run a shell to expand it",
            self.position(at)
        ))
        .with_hint("put the value itself in the command, or single-quote it to send it as is")
    }

    fn single_quoted(&mut self, word: &mut Word, opened_at: usize) -> Result<(), Error> {
        loop {
            match self.peek(0) {
                None => return Err(self.unterminated("single quote", opened_at)),
                Some('\'') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(c) => {
                    self.i += 1;
                    word.push(c);
                }
            }
        }
    }

    fn double_quoted(&mut self, word: &mut Word, opened_at: usize) -> Result<(), Error> {
        loop {
            let at = self.offset();
            match self.peek(0) {
                None => return Err(self.unterminated("double quote", opened_at)),
                Some('"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some('\\') => {
                    self.i += 1;
                    if self.skip_newline() {
                        continue;
                    }
                    match self.peek(0) {
                        Some(c @ ('$' | '`' | '"' | '\\')) => {
                            self.i += 1;
                            word.push(c);
                        }
                        _ => word.push('\\'),
                    }
                }
                Some('$') if starts_expansion(self.peek(1)) => return Err(self.expansion(at)),
                Some('`') => return Err(self.expansion(at)),
                Some(c) => {
                    self.i += 1;
                    word.push(c);
                }
            }
        }
    }

    /// Bash's `$'...'`: backslash escapes as in C, plus `\e`, `\cX`, `\u` and `\U`.
    fn ansi_c_quoted(&mut self, word: &mut Word, opened_at: usize) -> Result<(), Error> {
        loop {
            let at = self.offset();
            let Some(c) = self.peek(0) else {
                return Err(self.unterminated("$'...' string", opened_at));
            };
            self.i += 1;
            match c {
                '\'' => return Ok(()),
                '\\' => self.ansi_c_escape(word, at)?,
                c => word.push(c),
            }
        }
    }

    fn ansi_c_escape(&mut self, word: &mut Word, at: usize) -> Result<(), Error> {
        let Some(c) = self.peek(0) else {
            word.push('\\');
            return Ok(());
        };
        self.i += 1;
        let simple = match c {
            'a' => Some(0x07),
            'b' => Some(0x08),
            'e' | 'E' => Some(0x1b),
            'f' => Some(0x0c),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(0x0b),
            '\\' | '\'' | '"' | '?' => Some(c as u8),
            _ => None,
        };
        if let Some(byte) = simple {
            word.bytes.push(byte);
            return Ok(());
        }
        match c {
            '0'..='7' => {
                self.i -= 1;
                let value = self.digits(8, 3).unwrap_or(0);
                self.byte(word, (value & 0xff) as u8, at)
            }
            'x' => match self.digits(16, 2) {
                Some(value) => self.byte(word, value as u8, at),
                None => {
                    word.bytes.extend_from_slice(b"\\x");
                    Ok(())
                }
            },
            'u' | 'U' => {
                let max = if c == 'u' { 4 } else { 8 };
                match self.digits(16, max) {
                    Some(value) => match char::from_u32(value) {
                        Some('\0') => Err(self.nul(at)),
                        Some(ch) => {
                            word.push(ch);
                            Ok(())
                        }
                        None => Err(Error::usage(format!(
                            "\\{c}{value:X} at {} is not a Unicode character",
                            self.position(at)
                        ))),
                    },
                    None => {
                        word.push('\\');
                        word.push(c);
                        Ok(())
                    }
                }
            }
            // The quote still closes the string: bash finds the end before decoding.
            'c' => match self.peek(0) {
                Some(x) if x.is_ascii() && x != '\'' => {
                    self.i += 1;
                    let byte = if x == '?' {
                        0x7f
                    } else {
                        x.to_ascii_uppercase() as u8 & 0x1f
                    };
                    self.byte(word, byte, at)
                }
                _ => {
                    word.bytes.extend_from_slice(b"\\c");
                    Ok(())
                }
            },
            other => {
                word.push('\\');
                word.push(other);
                Ok(())
            }
        }
    }

    fn byte(&self, word: &mut Word, byte: u8, at: usize) -> Result<(), Error> {
        if byte == 0 {
            return Err(self.nul(at));
        }
        word.bytes.push(byte);
        Ok(())
    }

    fn nul(&self, at: usize) -> Error {
        Error::usage(format!(
            "the escape at {} is a NUL character, which no command argument can hold",
            self.position(at)
        ))
    }

    /// Reads up to `max` digits in `radix`; `None` when there is none.
    fn digits(&mut self, radix: u32, max: usize) -> Option<u32> {
        let mut value: Option<u32> = None;
        for _ in 0..max {
            let Some(d) = self.peek(0).and_then(|c| c.to_digit(radix)) else {
                break;
            };
            self.i += 1;
            value = Some(value.unwrap_or(0) * radix + d);
        }
        value
    }
}

/// Whether `$` followed by this character starts a parameter, command or arithmetic expansion.
fn starts_expansion(next: Option<char>) -> bool {
    next.is_some_and(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, '_' | '{' | '(' | '@' | '*' | '#' | '?' | '!' | '-')
    })
}

#[cfg(test)]
mod tests;
