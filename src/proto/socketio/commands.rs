//! The REPL's Socket.IO commands, as the protocol layer lists them (`/help`, completion, the
//! man page, the README), each checked as it is typed.

use super::input::{parse_ack, parse_emit};
use crate::proto::layer::CommandSpec;

/// What a plain line is, for `/help`.
pub(crate) const INPUT_HELP: &str = "a plain line that is a JSON array [\"event\", arg…] emits that event; any other line is sent as socket.send(line) does (the message event)";

pub(crate) const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "/emit",
        args: "[--ack] EVENT [ARG…]",
        help: "emit EVENT with JSON arguments ({\"_binary\":\"BASE64\"} or @FILE: binary); --ack asks the server to acknowledge it",
        example: "/emit --ack chat \"hi\" {\"n\": 1}",
        check: |a| parse_emit(a).map(|_| ()),
    },
    CommandSpec {
        name: "/ack",
        args: "ID [ARG…]",
        help: "answer the server's event that asked for acknowledgement ID, with JSON arguments",
        example: "/ack 0 \"yes\"",
        check: |a| parse_ack(a).map(|_| ()),
    },
];
