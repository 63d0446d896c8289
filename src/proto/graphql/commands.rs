//! The REPL's GraphQL commands, as the protocol layer lists them (`/help`, completion, the man
//! page, the README), each checked as it is typed.

use super::connection::parse_stop;
use crate::proto::layer::CommandSpec;

/// What a plain line is, for `/help`.
pub(crate) const INPUT_HELP: &str = "a plain line is an operation: a GraphQL document ({ hello }, query, mutation, subscription; a brace left open goes on over the next lines) or its JSON form {\"query\", \"variables\", \"operationName\"}; each gets the next id";

pub(crate) const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "/ops",
        args: "",
        help: "list the running operations: id, kind, results so far, how long, the document",
        example: "/ops",
        check: |_| Ok(()),
    },
    CommandSpec {
        name: "/stop",
        args: "ID",
        help: "stop running operation ID (complete; legacy: stop); its last results are not shown",
        example: "/stop 2",
        check: |a| parse_stop(a).map(|_| ()),
    },
];
