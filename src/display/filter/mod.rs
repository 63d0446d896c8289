//! jq filters over received messages (`--filter EXPR`), run by jaq: jq's language and the
//! standard library of jaq-core, jaq-std and jaq-json, compiled once and run on every message.
//!
//! A message is first checked by [`super::json`] (strict RFC 8259, nesting bounded by
//! [`MAX_INPUT_DEPTH`]) and then read by jaq-json: jaq alone would accept more than JSON
//! (`NaN`, `# comments`, `{1:2}`), and its reader, writer and many filters recurse once per
//! nesting level, so an unbounded depth from a peer could overflow the stack.
//!
//! A filter that is a chain of keys (`.field`, `.data.px`) is answered by `key_path`
//! during that check when the answer is sure to be jaq's, without building jaq's values.
//!
//! Each result is compact JSON text (jaq's writer) that the display layer can highlight or
//! indent, or with raw output a string's characters, as `jq -r` prints them.

mod errors;

pub(crate) use errors::FilterError;

use super::json::{self, Rejected};
use super::key_path::KeyPath;
use errors::{compile_error, load_error, one_line};
use jaq_core::data::JustLut;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, ValXs, Vars};
use jaq_json::Val;
use std::fmt;

/// The deepest nesting of arrays and objects a message may have to be filtered (jq 1.6 reads
/// no deeper either).
///
/// jaq reads, writes and compares values recursively. At this depth the recursive filters of
/// the standard library (`.`, `tojson`, `walk`, `..`, `paths`, `==`, `del`) need at most
/// 1.5 MiB of stack in a debug build and 512 KiB in a release build: they fit the 2 MiB of a
/// spawned thread, the smallest stack a caller is expected to run them on.
pub(crate) const MAX_INPUT_DEPTH: usize = 256;

/// A compiled jq filter.
pub(crate) struct Filter {
    filter: jaq_core::Filter<JustLut<Val>>,
    /// `$ENV`, built once.
    env: Val,
    raw_output: bool,
    /// Set when the expression is a chain of keys (`.a.b`), answered without jaq when sure.
    shortcut: Option<KeyPath>,
}

/// One result of a filter on one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Output {
    /// A value as compact JSON text, as jaq writes it. It is valid JSON except for values
    /// jq would have turned into something else: `NaN`, `Infinity`, byte strings (`b"…"`) and
    /// non-string object keys, which jaq writes as they are.
    Json(String),
    /// A string result with raw output on: its characters, unquoted and unescaped, like
    /// `jq -r`. It may hold any control character: escape it before it reaches a terminal.
    Text(String),
}

/// Why a filter produced no (more) results for a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RunError {
    /// The message is not one JSON document: pass it through, or drop it (`--filter-strict`).
    NotJson,
    /// The message is JSON but cannot be filtered: nested deeper than [`MAX_INPUT_DEPTH`], or
    /// refused by jaq's reader (a `\u` escape that is a lone surrogate).
    Input(String),
    /// The filter failed on this message, e.g. `.a` on a string or `error("…")`. The results
    /// before the error stand; none follow it (as in jq).
    Filter(String),
    /// The filter called `halt` or `halt_error` with this exit code.
    Halt(i32),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NotJson => f.write_str("the message is not JSON"),
            RunError::Input(why) => write!(f, "cannot filter this message: {why}"),
            RunError::Filter(why) => f.write_str(why),
            RunError::Halt(code) => write!(f, "the filter halted with exit code {code}"),
        }
    }
}

impl std::error::Error for RunError {}

impl Filter {
    /// Compiles a jq expression. Module loading (`import`, `include`) is not available;
    /// `input` and `inputs` are not defined (each message is filtered on its own).
    pub(crate) fn compile(expr: &str) -> Result<Filter, FilterError> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let arena = Arena::default();
        let program = File {
            code: expr,
            path: (),
        };
        let modules = Loader::new(defs)
            .load(&arena, program)
            .map_err(|errors| load_error(expr, errors))?;
        let filter = Compiler::default()
            .with_funs(funs)
            .with_global_vars(["$ENV"])
            .compile(modules)
            .map_err(|errors| compile_error(expr, errors))?;
        let env = std::env::vars_os()
            .map(|(k, v)| {
                let k = Val::from(k.to_string_lossy().into_owned());
                let v = Val::from(v.to_string_lossy().into_owned());
                (k, v)
            })
            .collect();
        Ok(Filter {
            filter,
            env: Val::obj(env),
            raw_output: false,
            shortcut: KeyPath::parse(expr),
        })
    }

    /// With raw output, string results are [`Output::Text`] (`-r/--raw-output`).
    pub(crate) fn with_raw_output(mut self, raw_output: bool) -> Filter {
        self.raw_output = raw_output;
        self
    }

    /// The same filter with jaq answering every message (to check the shortcut against).
    #[cfg(test)]
    pub(crate) fn without_shortcut(mut self) -> Filter {
        self.shortcut = None;
        self
    }

    /// Runs the filter on one message: checked (one scan), then read by jaq once unless the
    /// key-path shortcut answered. Results come one at a time (a filter may yield any number
    /// of them), and the first error ends them.
    pub(crate) fn run<'a>(&'a self, message: &[u8]) -> Result<Outputs<'a>, RunError> {
        let text = std::str::from_utf8(message).map_err(|_| RunError::NotJson)?;
        match &self.shortcut {
            Some(path) => {
                let found = path
                    .lookup(text, MAX_INPUT_DEPTH, self.raw_output)
                    .map_err(rejected)?;
                if let Some(output) = found {
                    return Ok(Outputs(Results::One(Some(output))));
                }
            }
            None => json::check(text, MAX_INPUT_DEPTH).map_err(rejected)?,
        }
        let input = jaq_json::read::parse_single(message)
            .map_err(|e| RunError::Input(one_line(&e.to_string())))?;
        let ctx = Ctx::<JustLut<Val>>::new(&self.filter.lut, Vars::new([self.env.clone()]));
        Ok(Outputs(Results::Jaq {
            results: self.filter.id.run((ctx, input)),
            raw_output: self.raw_output,
            done: false,
        }))
    }
}

fn rejected(why: Rejected) -> RunError {
    match why {
        Rejected::Syntax(_) => RunError::NotJson,
        Rejected::TooDeep => {
            RunError::Input(format!("nested deeper than {MAX_INPUT_DEPTH} levels"))
        }
    }
}

/// The results of a filter on one message, in order.
pub(crate) struct Outputs<'a>(Results<'a>);

enum Results<'a> {
    /// The key-path shortcut's answer.
    One(Option<Output>),
    Jaq {
        results: ValXs<'a, Val>,
        raw_output: bool,
        done: bool,
    },
}

impl Iterator for Outputs<'_> {
    type Item = Result<Output, RunError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (results, raw_output, done) = match &mut self.0 {
            Results::One(output) => return output.take().map(Ok),
            Results::Jaq {
                results,
                raw_output,
                done,
            } => (results, *raw_output, done),
        };
        if *done {
            return None;
        }
        let item = match results.next()? {
            Ok(value) => Ok(output(value, raw_output)),
            Err(exception) => Err(match exception.get_err() {
                Ok(error) => RunError::Filter(error_message(error)),
                Err(other) => match other.get_halt() {
                    Ok(code) => RunError::Halt(code),
                    Err(_) => RunError::Filter("unexpected control flow in the filter".into()),
                },
            }),
        };
        *done = item.is_err();
        Some(item)
    }
}

fn output(value: Val, raw_output: bool) -> Output {
    match value {
        Val::TStr(s) | Val::BStr(s) if raw_output => {
            Output::Text(String::from_utf8_lossy(&s).into_owned())
        }
        value => Output::Json(value.to_string()),
    }
}

/// jq's way: a string error is its text, any other value is shown as JSON.
fn error_message(error: jaq_core::Error<Val>) -> String {
    let message = match error.into_val() {
        Val::TStr(s) => String::from_utf8_lossy(&s).into_owned(),
        other => format!("{other} (not a string)"),
    };
    one_line(&message)
}

#[cfg(test)]
mod tests;
