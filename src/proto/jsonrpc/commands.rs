//! The REPL's JSON-RPC commands, as the protocol layer lists them (`/help`, completion, the
//! man page, the README), each checked as it is typed.

use super::request::parse_notify;
use crate::proto::args::InputError;
use crate::proto::layer::CommandSpec;

/// What a plain line is, for `/help`.
pub(crate) const INPUT_HELP: &str = "a plain line is a call: METHOD [PARAMS] (PARAMS one JSON array or object), a JSON-RPC request object, or a batch (a JSON array of them)";

pub(crate) const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "/pending",
        args: "",
        help: "list the calls waiting for their answers, oldest first, with their age",
        example: "/pending",
        check: no_args,
    },
    CommandSpec {
        name: "/notify",
        args: "METHOD [PARAMS]",
        help: "send a notification: a call without an id, which the server does not answer",
        example: "/notify log [\"hello\"]",
        check: |a| parse_notify(a).map(|_| ()),
    },
];

fn no_args(args: &str) -> Result<(), InputError> {
    if args.trim().is_empty() {
        Ok(())
    } else {
        Err(InputError::new("takes no arguments"))
    }
}
