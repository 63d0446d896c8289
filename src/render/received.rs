//! A received message on its way to the user, the display pipeline:
//!
//! ```text
//! message ─► decode (--decode, binary messages) ─► filter (--filter) ─► layout for the place
//! ```
//!
//! [`DisplayConfig::see`] decodes and filters ([`Seen`], which JSON Lines writes as it is);
//! [`DisplayConfig::show`] lays what is seen out for a pipe or a terminal ([`Shown`]). On a
//! pipe a message nothing asked to change stays [`Shown::AsReceived`], byte-exact; on a
//! terminal JSON is laid out (compact, or indented with `--pretty`) and highlighted, and
//! everything else is escaped. Pure: `output` decides where the pieces go.
//!
//! Bounds: decoding stops at the message size limit, and one message yields at most
//! [`MAX_RESULTS`] filter results and about as many bytes of them as the size limit (a filter
//! such as `repeat(.)` never ends by itself); the rest are dropped with a diagnostic.

use super::escape::escape_terminal;
use crate::display::decode::{self, Decode, DecodeError, Decoded, Format};
use crate::display::filter::{Filter, FilterError, Output as FilterOutput, RunError};
use crate::display::json::{self, Layout};
use crate::event::{DataKind, Warning};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// The most filter results shown for one message.
pub(crate) const MAX_RESULTS: usize = 100_000;

/// A compiled `--filter` with the expression it came from.
#[derive(Clone)]
pub(crate) struct JqFilter {
    pub expr: String,
    filter: Arc<Filter>,
}

impl JqFilter {
    /// Compiles `expr`; string results are unquoted with `raw_output` (`-r`).
    pub(crate) fn compile(expr: &str, raw_output: bool) -> Result<JqFilter, FilterError> {
        Ok(JqFilter {
            expr: expr.to_string(),
            filter: Arc::new(Filter::compile(expr)?.with_raw_output(raw_output)),
        })
    }
}

impl fmt::Debug for JqFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JqFilter({:?})", self.expr)
    }
}

/// How received messages are shown: decided from the options; the REPL changes `pretty`
/// (`/pretty`) and `filter` (`/filter`) as it runs.
#[derive(Debug, Clone)]
pub(crate) struct DisplayConfig {
    /// Indent JSON (`--pretty`).
    pub pretty: bool,
    pub filter: Option<JqFilter>,
    /// `-r`: kept for the filters `/filter` sets later.
    pub raw_output: bool,
    /// `--filter-strict`: drop what is not JSON instead of passing it through.
    pub strict: bool,
    pub decode: Option<Decode>,
    /// The largest decoded message, and about the most filter output one message may give
    /// (`--max-message-size`).
    pub max_size: usize,
}

/// Where what is shown goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// A pipe or file: byte-exact unless a flag asks otherwise, never coloured.
    Pipe,
    /// A terminal (the REPL, or stdout a tty): JSON laid out, everything else escaped.
    Terminal { color: bool },
}

/// A message after `--decode` and `--filter`.
#[derive(Debug)]
pub(crate) struct Seen<'a> {
    /// What the content is: text when it is UTF-8 (a decoded message too).
    pub kind: DataKind,
    /// The message, or what `--decode` inflated it into.
    pub content: Cow<'a, [u8]>,
    pub decoded: Option<Format>,
    /// `--decode` failed: the content is the message as received.
    pub decode_error: Option<DecodeError>,
    /// What the filter made of it (`None`: no filter).
    pub filtered: Option<Filtered>,
}

/// The filter's verdict on one message.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Filtered {
    /// Not JSON: shown as it is, or dropped with `--filter-strict`.
    NotJson,
    /// The results, in order, and why there are no more if the filter failed or was cut.
    Ran {
        results: Vec<FilterOutput>,
        error: Option<String>,
    },
}

/// One piece to show for a received message.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Shown<'a> {
    /// The message as it came (a pipe writes it byte-exact, or per `--binary-output`).
    AsReceived(DataKind, &'a [u8]),
    /// JSON laid out for the place (highlighted on a terminal when colour is on).
    Json(String),
    /// Text: as it is on a pipe, escaped on a terminal.
    Text(Cow<'a, str>),
    /// Bytes that are not text (a hex dump on a terminal).
    Binary(Cow<'a, [u8]>),
}

impl DisplayConfig {
    /// Nothing asked for: messages are shown as they come.
    pub(crate) fn new(max_size: usize) -> DisplayConfig {
        DisplayConfig {
            pretty: false,
            filter: None,
            raw_output: false,
            strict: false,
            decode: None,
            max_size,
        }
    }

    /// Whether a received message may be shown other than as it came.
    pub(crate) fn transforms(&self) -> bool {
        self.pretty || self.filter.is_some() || self.decode.is_some()
    }

    /// Decodes and filters one message.
    pub(crate) fn see<'a>(&self, kind: DataKind, data: &'a [u8]) -> Seen<'a> {
        let mut seen = Seen {
            kind,
            content: Cow::Borrowed(data),
            decoded: None,
            decode_error: None,
            filtered: None,
        };
        if let (Some(how), DataKind::Binary) = (self.decode, kind) {
            match decode::decode(how, data, self.max_size) {
                Ok(Decoded::Inflated { format, bytes }) => {
                    if std::str::from_utf8(&bytes).is_ok() {
                        seen.kind = DataKind::Text;
                    }
                    seen.content = Cow::Owned(bytes);
                    seen.decoded = Some(format);
                }
                Ok(Decoded::Unchanged(_)) => {}
                Err(e) => seen.decode_error = Some(e),
            }
        }
        if let Some(f) = &self.filter {
            seen.filtered = Some(run(&f.filter, &seen.content, self.max_size));
        }
        seen
    }

    /// What to show of a seen message at `place`: the filter's results, the message (laid
    /// out where that applies), or nothing (`select` said no, or `--filter-strict`).
    pub(crate) fn show<'a>(&self, seen: Seen<'a>, place: Place) -> Vec<Shown<'a>> {
        match seen.filtered {
            Some(Filtered::Ran { results, .. }) => {
                results.into_iter().map(|r| self.result(r, place)).collect()
            }
            Some(Filtered::NotJson) if self.strict => Vec::new(),
            _ => vec![self.content(seen.kind, seen.content, place)],
        }
    }

    fn layout(&self, place: Place) -> Layout {
        Layout {
            pretty: self.pretty,
            color: matches!(place, Place::Terminal { color: true }),
        }
    }

    /// The message itself: borrowed as it came, or owned when `--decode` inflated it.
    fn content<'a>(&self, kind: DataKind, content: Cow<'a, [u8]>, place: Place) -> Shown<'a> {
        let is_text = kind == DataKind::Text;
        if is_text
            && (self.pretty || place != Place::Pipe)
            && let Some(laid) = json::layout(&content, self.layout(place))
        {
            return Shown::Json(laid);
        }
        match (place, content) {
            (Place::Pipe, Cow::Borrowed(data)) => Shown::AsReceived(kind, data),
            (_, content) if !is_text => Shown::Binary(content),
            (Place::Pipe, content) => Shown::Text(text(content)),
            (Place::Terminal { .. }, content) => Shown::Text(escaped(text(content))),
        }
    }

    fn result<'a>(&self, result: FilterOutput, place: Place) -> Shown<'a> {
        match (result, place) {
            (FilterOutput::Json(s), Place::Pipe) if !self.pretty => Shown::Json(s),
            (FilterOutput::Json(s), _) => match json::layout(s.as_bytes(), self.layout(place)) {
                Some(laid) => Shown::Json(laid),
                // Not JSON after all (jaq writes NaN and Infinity as they are).
                None if place == Place::Pipe => Shown::Json(s),
                None => Shown::Text(escaped(Cow::Owned(s))),
            },
            (FilterOutput::Text(s), Place::Pipe) => Shown::Text(Cow::Owned(s)),
            (FilterOutput::Text(s), _) => Shown::Text(escaped(Cow::Owned(s))),
        }
    }
}

impl Seen<'_> {
    /// The warnings this message gives (a failed decoding, the filter's error).
    pub(crate) fn warnings(&self) -> Vec<Warning> {
        let mut warnings = Vec::new();
        if let Some(e) = &self.decode_error {
            warnings.push(Warning::DecodeFailed {
                error: e.to_string(),
            });
        }
        if let Some(Filtered::Ran {
            error: Some(why), ..
        }) = &self.filtered
        {
            warnings.push(Warning::FilterFailed { error: why.clone() });
        }
        warnings
    }
}

/// Text from bytes known to be UTF-8 (a text message, or a decoded one that was checked).
fn text(bytes: Cow<'_, [u8]>) -> Cow<'_, str> {
    match bytes {
        Cow::Borrowed(b) => String::from_utf8_lossy(b),
        Cow::Owned(v) => match String::from_utf8(v) {
            Ok(s) => Cow::Owned(s),
            Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        },
    }
}

/// Text with control characters escaped for a terminal (borrowed when nothing needs it).
fn escaped(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(s) => escape_terminal(s),
        Cow::Owned(s) => match escape_terminal(&s) {
            Cow::Borrowed(_) => Cow::Owned(s),
            Cow::Owned(e) => Cow::Owned(e),
        },
    }
}

/// Runs the filter on one message, within [`MAX_RESULTS`] results and about `max_bytes`.
fn run(filter: &Filter, content: &[u8], max_bytes: usize) -> Filtered {
    let outputs = match filter.run(content) {
        Ok(outputs) => outputs,
        Err(RunError::NotJson) => return Filtered::NotJson,
        Err(e) => {
            return Filtered::Ran {
                results: Vec::new(),
                error: Some(e.to_string()),
            };
        }
    };
    let mut results = Vec::new();
    let mut bytes = 0usize;
    let mut error = None;
    for output in outputs {
        let output = match output {
            Ok(output) => output,
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        };
        if results.len() == MAX_RESULTS {
            error = Some(format!(
                "more than {MAX_RESULTS} results for one message; the rest are not shown"
            ));
            break;
        }
        if bytes > max_bytes {
            error = Some(format!(
                "the results for one message passed {max_bytes} bytes (--max-message-size); the rest are not shown"
            ));
            break;
        }
        bytes += match &output {
            FilterOutput::Json(s) | FilterOutput::Text(s) => s.len(),
        };
        results.push(output);
    }
    Filtered::Ran { results, error }
}

#[cfg(test)]
mod tests;
