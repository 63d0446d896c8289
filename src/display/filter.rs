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

use super::json::{self, Rejected};
use super::key_path::KeyPath;
use jaq_core::data::JustLut;
use jaq_core::load::{self, Arena, File, Loader};
use jaq_core::{Compiler, Ctx, ValXs, Vars};
use jaq_json::Val;
use std::fmt::{self, Write as _};

/// The deepest nesting of arrays and objects a message may have to be filtered (jq 1.6 reads
/// no deeper either).
///
/// jaq reads, writes and compares values recursively. At this depth the recursive filters of
/// the standard library (`.`, `tojson`, `walk`, `..`, `paths`, `==`, `del`) need at most
/// 1.5 MiB of stack in a debug build and 512 KiB in a release build: they fit the 2 MiB of a
/// spawned thread, the smallest stack a caller is expected to run them on.
pub const MAX_INPUT_DEPTH: usize = 256;

/// Diagnostics are cut to this many characters: a message can be large, and jaq quotes values.
const MAX_DIAGNOSTIC_CHARS: usize = 300;

/// A compiled jq filter.
pub struct Filter {
    filter: jaq_core::Filter<JustLut<Val>>,
    /// `$ENV`, built once.
    env: Val,
    raw_output: bool,
    /// Set when the expression is a chain of keys (`.a.b`), answered without jaq when sure.
    shortcut: Option<KeyPath>,
}

/// One result of a filter on one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
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
pub enum RunError {
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

/// A filter that does not compile, and where (in the expression as given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub message: String,
    /// Byte offset into the expression.
    pub offset: usize,
    /// 1-based line and column (in characters) of the same position.
    pub line: usize,
    pub column: usize,
    /// The line of the expression that holds the position, as shown under the message.
    pub source_line: String,
}

impl fmt::Display for FilterError {
    /// `--filter: error at column 7: <message>`, then the expression and a caret under the
    /// column, each line indented by two spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("--filter: error at ")?;
        if self.line > 1 {
            write!(f, "line {}, ", self.line)?;
        }
        writeln!(f, "column {}: {}", self.column, self.message)?;
        writeln!(f, "  {}", self.source_line)?;
        write!(f, "  {:>width$}", "^", width = self.column)
    }
}

impl std::error::Error for FilterError {}

impl Filter {
    /// Compiles a jq expression. Module loading (`import`, `include`) is not available;
    /// `input` and `inputs` are not defined (each message is filtered on its own).
    pub fn compile(expr: &str) -> Result<Filter, FilterError> {
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
    pub fn with_raw_output(mut self, raw_output: bool) -> Filter {
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
    pub fn run<'a>(&'a self, message: &[u8]) -> Result<Outputs<'a>, RunError> {
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
pub struct Outputs<'a>(Results<'a>);

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

/// One line of at most [`MAX_DIAGNOSTIC_CHARS`] characters with every control character
/// (C0 including newline and tab, DEL, C1) written as `\xNN`.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_DIAGNOSTIC_CHARS + 8));
    let mut count = 0;
    for c in text.chars() {
        let escaped = c.is_control();
        count += if escaped { 4 } else { 1 };
        if count > MAX_DIAGNOSTIC_CHARS {
            out.push('…');
            break;
        }
        if escaped {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

fn load_error(expr: &str, errors: load::Errors<&str, ()>) -> FilterError {
    use load::Error;
    let Some((_, error)) = errors.into_iter().next() else {
        return at(expr, expr.len(), "the filter could not be loaded".into());
    };
    match error {
        Error::Io(_) => at(
            expr,
            0,
            "modules cannot be loaded here (import and include are not available)".into(),
        ),
        Error::Lex(errors) => match errors.into_iter().next() {
            Some((expected, found)) => at(
                expr,
                offset_in(expr, found),
                lex_message(expr, &expected, found),
            ),
            None => at(expr, expr.len(), "the filter could not be read".into()),
        },
        Error::Parse(errors) => match errors.into_iter().next() {
            Some((expected, found)) => {
                let what = if found.is_empty() {
                    "the end of the filter".to_string()
                } else {
                    format!("'{found}'")
                };
                let message = format!("expected {}, found {what}", expected.as_str());
                at(expr, offset_in(expr, found), message)
            }
            None => at(expr, expr.len(), "the filter could not be parsed".into()),
        },
    }
}

fn lex_message(expr: &str, expected: &load::lex::Expect<&str>, found: &str) -> String {
    use load::lex::Expect;
    let what = match found.chars().next() {
        None => "the end of the filter".to_string(),
        Some(c) => format!("'{c}'"),
    };
    let expected = match expected {
        Expect::Delim(open) => {
            let column = column_of(expr, offset_in(expr, open));
            return format!("'{open}' at column {column} is not closed, found {what}");
        }
        Expect::Digit => "a digit",
        Expect::Ident => "an identifier",
        Expect::Escape => "a string escape sequence",
        Expect::Unicode => "4 hexadecimal digits",
        Expect::Token => "a token",
        _ => "something else",
    };
    format!("expected {expected}, found {what}")
}

fn compile_error(expr: &str, errors: jaq_core::compile::Errors<&str, ()>) -> FilterError {
    use jaq_core::compile::Undefined;
    let first = errors.into_iter().flat_map(|(_, errors)| errors).next();
    let Some((name, undefined)) = first else {
        return at(expr, expr.len(), "the filter could not be compiled".into());
    };
    let message = match (name, &undefined) {
        ("reduce", Undefined::Filter(n)) => format!("reduce takes 2 arguments, not {n}"),
        ("foreach", Undefined::Filter(n)) => format!("foreach takes 2 or 3 arguments, not {n}"),
        (_, Undefined::Filter(n)) => format!("undefined filter {name}/{n}"),
        (_, undefined) => format!("undefined {} {name}", undefined.as_str()),
    };
    at(expr, offset_in(expr, name), message)
}

/// Where `part`, a slice of `expr`, starts in it (the end of `expr` if it is not a slice of it).
fn offset_in(expr: &str, part: &str) -> usize {
    let start = expr.as_ptr() as usize;
    match (part.as_ptr() as usize).checked_sub(start) {
        Some(offset) if offset <= expr.len() => offset,
        _ => expr.len(),
    }
}

fn column_of(expr: &str, offset: usize) -> usize {
    let before = expr.get(..offset).unwrap_or(expr);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    1 + before.get(line_start..).unwrap_or_default().chars().count()
}

fn at(expr: &str, offset: usize, message: String) -> FilterError {
    let offset = offset.min(expr.len());
    let before = expr.get(..offset).unwrap_or(expr);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = expr
        .get(line_start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(expr.len(), |i| line_start + i);
    let source_line = expr
        .get(line_start..line_end)
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    FilterError {
        message: one_line(&message),
        offset,
        line: 1 + before.matches('\n').count(),
        column: column_of(expr, offset),
        source_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(expr: &str) -> Filter {
        Filter::compile(expr).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Every result, or the error that ended them, as one list.
    fn results(filter: &Filter, input: &str) -> Vec<Result<Output, RunError>> {
        match filter.run(input.as_bytes()) {
            Ok(outputs) => outputs.collect(),
            Err(e) => vec![Err(e)],
        }
    }

    fn json(texts: &[&str]) -> Vec<Result<Output, RunError>> {
        texts
            .iter()
            .map(|t| Ok(Output::Json(t.to_string())))
            .collect()
    }

    #[test]
    fn compile_errors_carry_the_column_and_render_with_a_caret() {
        let e = Filter::compile(".a | | .b").err().unwrap();
        assert_eq!((e.offset, e.line, e.column), (5, 1, 6));
        assert_eq!(
            e.to_string(),
            "--filter: error at column 6: expected term, found '|'\n  .a | | .b\n       ^"
        );
        let cases = [
            (
                "(.a",
                4,
                "'(' at column 1 is not closed, found the end of the filter",
            ),
            ("1 +", 4, "expected term, found the end of the filter"),
            (".a | foo(1)", 6, "undefined filter foo/1"),
            ("map(.) | $x", 10, "undefined variable $x"),
            (
                "\"a\\qb\"",
                4,
                "expected a string escape sequence, found 'q'",
            ),
            ("reduce .[] as $x (0)", 1, "reduce takes 2 arguments, not 1"),
            ("input", 1, "undefined filter input/0"),
            (
                "import \"m\" as m; .",
                1,
                "modules cannot be loaded here (import and include are not available)",
            ),
            (
                "\"é☃\" | .[",
                10,
                "'[' at column 9 is not closed, found the end of the filter",
            ),
        ];
        for (expr, column, message) in cases {
            let e = Filter::compile(expr).err().unwrap();
            assert_eq!((e.column, e.message.as_str()), (column, message), "{expr}");
        }
    }

    #[test]
    fn compile_errors_in_a_later_line_name_it() {
        let e = Filter::compile(".a\n  | bar").err().unwrap();
        assert_eq!((e.line, e.column, e.offset), (2, 5, 7));
        assert_eq!(
            e.to_string(),
            "--filter: error at line 2, column 5: undefined filter bar/0\n    | bar\n      ^"
        );
    }

    #[test]
    fn select_keeps_what_matches_and_drops_the_rest() {
        let f = compile(r#"select(.type == "trade")"#);
        let trade = r#"{"type":"trade","px":1.50,"q":[1,{}]}"#;
        assert_eq!(results(&f, trade), json(&[trade]));
        assert_eq!(results(&f, r#"{"type":"quote"}"#), json(&[]));
        assert_eq!(
            results(&f, "[1,2]"),
            vec![Err(RunError::Filter(
                "cannot index [1,2] with \"type\"".into()
            ))]
        );
    }

    #[test]
    fn results_are_compact_json_and_raw_output_unquotes_strings() {
        let input = r#"{"s":"a\nb\u00e9\"","n":[1, 2.0, {"k": null}],"t":true}"#;
        let f = compile(".s, .n, .t, (.n | length)");
        assert_eq!(
            results(&f, input),
            json(&["\"a\\nbé\\\"\"", "[1,2.0,{\"k\":null}]", "true", "3"])
        );
        let raw = compile(".s, .n, .t").with_raw_output(true);
        assert_eq!(
            results(&raw, input),
            vec![
                Ok(Output::Text("a\nbé\"".into())),
                Ok(Output::Json("[1,2.0,{\"k\":null}]".into())),
                Ok(Output::Json("true".into())),
            ]
        );
    }

    #[test]
    fn standard_library_filters_are_there() {
        let input = r#"{"a":1,"b":[3,1,2],"s":"Hello, World","t":"2015-03-05T23:51:47Z"}"#;
        let cases: &[(&str, &[&str])] = &[
            ("keys", &[r#"["a","b","s","t"]"#]),
            ("length", &["4"]),
            (r#"has("a"), has("z")"#, &["true", "false"]),
            (
                "[paths]",
                &[r#"[["a"],["b"],["b",0],["b",1],["b",2],["s"],["t"]]"#],
            ),
            (".b | map(. * 2)", &["[6,2,4]"]),
            (".b | sort, add, min, max", &["[1,2,3]", "6", "1", "3"]),
            (r#".s | test("w.r"; "i")"#, &["true"]),
            (
                r#".s | ascii_downcase | split(", ")"#,
                &[r#"["hello","world"]"#],
            ),
            (
                r#".s | sub("(?<x>[A-Z])"; "<\(.x)>"; "g")"#,
                &[r#""<H>ello, <W>orld""#],
            ),
            (".t | fromdateiso8601", &["1425599507"]),
            ("to_entries | map(.key) | join(\",\")", &[r#""a,b,s,t""#]),
            ("[.b[] | select(. > 1)]", &["[3,2]"]),
            (".b | @base64", &[r#""WzMsMSwyXQ==""#]),
            ("[limit(2; .b[])]", &["[3,1]"]),
            ("del(.b, .s, .t) | tojson", &[r#""{\"a\":1}""#]),
            (".a as $x | [range($x; 4)]", &["[1,2,3]"]),
            ("reduce .b[] as $n (0; . + $n)", &["6"]),
            ("[.b[] | tostring]", &[r#"["3","1","2"]"#]),
            ("$ENV | type", &[r#""object""#]),
            (".missing.deeper", &["null"]),
            ("try error(\"x\") catch .", &[r#""x""#]),
        ];
        for &(expr, expected) in cases {
            let f = compile(expr);
            assert_eq!(results(&f, input), json(expected), "{expr}");
        }
    }

    #[test]
    fn a_runtime_error_ends_the_results_of_that_message_only() {
        let f = compile(".[] | .a");
        assert_eq!(
            results(&f, r#"[{"a":1},"x",{"a":2}]"#),
            vec![
                Ok(Output::Json("1".into())),
                Err(RunError::Filter("cannot index \"x\" with \"a\"".into())),
            ]
        );
        assert_eq!(results(&f, r#"[{"a":3}]"#), json(&["3"]));
        let f = compile(".a.b");
        assert_eq!(
            results(&f, r#"{"a":"text"}"#),
            vec![Err(RunError::Filter(
                "cannot index \"text\" with \"b\"".into()
            ))]
        );
    }

    #[test]
    fn error_messages_are_one_bounded_line() {
        let f = compile(r#"error("two\nlines\u001b[31m")"#);
        assert_eq!(
            results(&f, "1"),
            vec![Err(RunError::Filter("two\\x0alines\\x1b[31m".into()))]
        );
        let f = compile("error({a: 1})");
        assert_eq!(
            results(&f, "1"),
            vec![Err(RunError::Filter("{\"a\":1} (not a string)".into()))]
        );
        let f = compile(".x.y");
        let big = format!(r#"{{"x":"{}"}}"#, "\u{85}".repeat(5000));
        let [Err(RunError::Filter(message))] = &results(&f, &big)[..] else {
            panic!("expected one error");
        };
        assert!(
            message.chars().count() <= MAX_DIAGNOSTIC_CHARS + 1,
            "{message}"
        );
        assert!(message.starts_with("cannot index \"\\x85"), "{message}");
        assert!(message.ends_with('…'));
        assert!(!message.chars().any(char::is_control), "{message}");
    }

    #[test]
    fn what_is_not_json_is_reported_as_such() {
        let f = compile(".");
        for text in [
            "hello",
            "123abc",
            r#"{"a":1} x"#,
            "NaN",
            "{a:1}",
            "# c\n1",
            "",
        ] {
            assert_eq!(results(&f, text), vec![Err(RunError::NotJson)], "{text:?}");
        }
        assert!(matches!(f.run(b"\"\xff\""), Err(RunError::NotJson)));
    }

    #[test]
    fn json_jaq_cannot_take_is_an_input_error() {
        let f = compile(".");
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(
            results(&f, &deep(MAX_INPUT_DEPTH)),
            json(&[&deep(MAX_INPUT_DEPTH)])
        );
        assert_eq!(
            results(&f, &deep(MAX_INPUT_DEPTH + 1)),
            vec![Err(RunError::Input("nested deeper than 256 levels".into()))]
        );
        let lone = results(&f, r#"["\ud800"]"#);
        assert!(matches!(&lone[..], [Err(RunError::Input(_))]), "{lone:?}");
    }

    #[test]
    fn halt_is_reported_with_its_code() {
        assert_eq!(
            results(&compile("halt_error(3)"), "1"),
            vec![Err(RunError::Halt(3))]
        );
        assert_eq!(
            results(&compile("1, halt"), "1"),
            vec![Ok(Output::Json("1".into())), Err(RunError::Halt(0))]
        );
    }

    /// The deepest input allowed, through filters that recurse over it, on the 2 MiB stack of
    /// a spawned thread, in a debug build (the largest frames).
    #[test]
    fn the_deepest_input_fits_a_small_stack() {
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(|| {
                let n = MAX_INPUT_DEPTH;
                let arrays = format!("{}1{}", "[".repeat(n), "]".repeat(n));
                let objects = format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
                for expr in [
                    ".",
                    "[..] | length",
                    "tojson | length",
                    "[paths] | length",
                    "walk(.) | length",
                    ". == .",
                    "flatten? | length",
                    "[.. | numbers]",
                    "del(.. | numbers?) | length",
                    "getpath([paths][-1]) | length",
                ] {
                    let f = compile(expr);
                    for input in [&arrays, &objects] {
                        let out = results(&f, input);
                        assert!(!out.is_empty(), "{expr}");
                    }
                }
            })
            .unwrap();
        handle.join().unwrap();
    }

    #[test]
    fn a_filter_can_move_to_another_thread() {
        fn send_sync<T: Send + Sync>(_: &T) {}
        let f = compile(".a");
        send_sync(&f);
        let out = std::thread::spawn(move || results(&f, r#"{"a":[1]}"#))
            .join()
            .unwrap();
        assert_eq!(out, json(&["[1]"]));
    }
}
