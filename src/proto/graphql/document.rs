//! The operations of a GraphQL document, found without a GraphQL parser: a lexer that skips
//! what cannot hold a definition (white space, commas, comments, strings, block strings and
//! everything inside brackets) and reads the top level: `query`/`mutation`/`subscription`
//! with an optional name, `{` (a query in short form), `fragment` (skipped). Linear time, no
//! recursion; what it does not understand is left for the server to judge, except a top-level
//! word that cannot start an executable definition.

use super::super::args::InputError;
use crate::display::position::locate;

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OperationKind {
    Query,
    Mutation,
    Subscription,
}

impl OperationKind {
    /// The keyword.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            OperationKind::Query => "query",
            OperationKind::Mutation => "mutation",
            OperationKind::Subscription => "subscription",
        }
    }

    fn from_keyword(word: &str) -> Option<Self> {
        match word {
            "query" => Some(OperationKind::Query),
            "mutation" => Some(OperationKind::Mutation),
            "subscription" => Some(OperationKind::Subscription),
            _ => None,
        }
    }
}

/// An operation defined in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OperationDef {
    pub kind: OperationKind,
    pub name: Option<String>,
}

/// What the top-level lexer is in the middle of.
enum Pending {
    Nothing,
    /// After an operation keyword: the next name, if it comes first, is its name.
    Operation {
        kind: OperationKind,
        name: Option<String>,
        name_allowed: bool,
    },
    Fragment,
}

/// The operations of `doc`, in order.
pub(crate) fn operations(doc: &str) -> Result<Vec<OperationDef>, InputError> {
    let bytes = doc.as_bytes();
    let mut ops = Vec::new();
    let mut depth = 0usize;
    let mut pending = Pending::Nothing;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'#' => i = line_end(bytes, i),
            b'"' => i = string_end(bytes, i),
            b'{' | b'(' | b'[' => {
                if depth == 0 && b == b'{' {
                    match std::mem::replace(&mut pending, Pending::Nothing) {
                        Pending::Operation { kind, name, .. } => {
                            ops.push(OperationDef { kind, name })
                        }
                        Pending::Nothing => ops.push(OperationDef {
                            kind: OperationKind::Query,
                            name: None,
                        }),
                        Pending::Fragment => {}
                    }
                }
                if let Pending::Operation { name_allowed, .. } = &mut pending {
                    *name_allowed = false;
                }
                depth += 1;
            }
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            b'@' => {
                if let Pending::Operation { name_allowed, .. } = &mut pending {
                    *name_allowed = false;
                }
            }
            _ if b == b'_' || b.is_ascii_alphabetic() => {
                let end = name_end(bytes, i);
                if depth == 0 {
                    top_level_name(doc, i, &doc[i..end], &mut pending)?;
                }
                i = end - 1;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(ops)
}

fn top_level_name(
    doc: &str,
    at: usize,
    word: &str,
    pending: &mut Pending,
) -> Result<(), InputError> {
    match pending {
        Pending::Nothing => {
            if let Some(kind) = OperationKind::from_keyword(word) {
                *pending = Pending::Operation {
                    kind,
                    name: None,
                    name_allowed: true,
                };
            } else if word == "fragment" {
                *pending = Pending::Fragment;
            } else {
                let (line, column) = locate(doc, at);
                return Err(InputError {
                    line,
                    column: Some(column),
                    message: format!(
                        "{word:?} cannot start a GraphQL operation: a document holds query, mutation, subscription, fragment or {{ … }}"
                    ),
                });
            }
        }
        Pending::Operation {
            name, name_allowed, ..
        } => {
            if *name_allowed {
                *name = Some(word.to_string());
            }
            *name_allowed = false;
        }
        Pending::Fragment => {}
    }
    Ok(())
}

/// Picks the operation to run: the one named `name`, or the only one.
pub(crate) fn select(
    ops: &[OperationDef],
    name: Option<&str>,
) -> Result<OperationKind, InputError> {
    let names = || {
        ops.iter()
            .map(|o| o.name.as_deref().unwrap_or("(anonymous)"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(name) = name {
        return ops
            .iter()
            .find(|o| o.name.as_deref() == Some(name))
            .map(|o| o.kind)
            .ok_or_else(|| {
                InputError::new(format!(
                    "the document has no operation named {name:?} (it has: {})",
                    if ops.is_empty() {
                        "none".into()
                    } else {
                        names()
                    }
                ))
            });
    }
    match ops {
        [] => Err(InputError::new(
            "the document has no operation (only fragments, or nothing): write { … }, query, mutation or subscription",
        )),
        [one] => Ok(one.kind),
        _ => Err(InputError::new(format!(
            "the document has {} operations ({}); send one, or name it with operationName in the JSON form",
            ops.len(),
            names()
        ))),
    }
}

/// Whether a document is left open: a bracket (`{`, `(`, `[`) not yet closed, or a block
/// string not yet ended (the REPL reads the next line for it). Strings and comments are
/// skipped as [`operations`] skips them.
pub(crate) fn is_open(doc: &str) -> bool {
    let bytes = doc.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => i = line_end(bytes, i),
            b'"' => {
                let end = string_end(bytes, i);
                if end >= bytes.len() && bytes[i..].starts_with(b"\"\"\"") {
                    return true;
                }
                i = end;
            }
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    depth > 0
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |p| from + p)
}

fn name_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| !(b == b'_' || b.is_ascii_alphanumeric()))
        .map_or(bytes.len(), |p| from + p)
}

/// The index of the last byte of the string or block string opened at `from`.
fn string_end(bytes: &[u8], from: usize) -> usize {
    if bytes[from..].starts_with(b"\"\"\"") {
        let mut i = from + 3;
        while i < bytes.len() {
            if bytes[i..].starts_with(b"\\\"\"\"") {
                i += 4;
            } else if bytes[i..].starts_with(b"\"\"\"") {
                return i + 2;
            } else {
                i += 1;
            }
        }
        return bytes.len();
    }
    let mut i = from + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i,
            b'\n' | b'\r' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}
