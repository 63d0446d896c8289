//! The REPL's STOMP commands, as the protocol layer lists them (`/help`, completion, the man
//! page, the README), each checked as it is typed; [`super::input`] takes their arguments
//! apart.

use super::input::parse;
use crate::proto::args::InputError;
use crate::proto::layer::CommandSpec;

/// What a plain line is, for `/help`.
pub(crate) const INPUT_HELP: &str =
    "a plain line is the body of a SEND to --destination (in the open transaction, if any)";

/// The check of `/name`, as typed.
fn check(name: &str, args: &str) -> Result<(), InputError> {
    match parse(name, args) {
        Some(r) => r.map(|_| ()),
        None => Err(InputError::new(format!("/{name} is not a STOMP command"))),
    }
}

pub(crate) const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "/subscribe",
        args: "[-H name:value]… DEST",
        help: "SUBSCRIBE to DEST with the --ack mode (wscope numbers the subscription: 0, 1, …)",
        example: "/subscribe /queue/orders",
        check: |a| check("subscribe", a),
    },
    CommandSpec {
        name: "/unsubscribe",
        args: "ID",
        help: "UNSUBSCRIBE the subscription numbered ID",
        example: "/unsubscribe 0",
        check: |a| check("unsubscribe", a),
    },
    CommandSpec {
        name: "/send",
        args: "[-H name:value]… DEST [-H name:value]… [--] [BODY]",
        help: "SEND BODY (the rest of the line) to DEST with these headers (-H receipt:ID asks for a RECEIPT); -- ends the headers",
        example: "/send -H content-type:application/json /queue/orders {\"id\": 7}",
        check: |a| check("send", a),
    },
    CommandSpec {
        name: "/ack",
        args: "ID",
        help: "ACK a received message by its ack id (its ack header in STOMP 1.2, its message-id before); in --ack client mode also every earlier one",
        example: "/ack T_0@@session-Ab1@@1",
        check: |a| check("ack", a),
    },
    CommandSpec {
        name: "/nack",
        args: "ID",
        help: "NACK a received message by its ack id: the server redelivers or drops it (not in STOMP 1.0)",
        example: "/nack T_0@@session-Ab1@@2",
        check: |a| check("nack", a),
    },
    CommandSpec {
        name: "/begin",
        args: "[TX]",
        help: "BEGIN transaction TX (default tx-1, tx-2, …): SENDs, ACKs and NACKs go in it until /commit or /abort",
        example: "/begin",
        check: |a| check("begin", a),
    },
    CommandSpec {
        name: "/commit",
        args: "[TX]",
        help: "COMMIT transaction TX (default: the one begun last)",
        example: "/commit",
        check: |a| check("commit", a),
    },
    CommandSpec {
        name: "/abort",
        args: "[TX]",
        help: "ABORT transaction TX (default: the one begun last)",
        example: "/abort tx-1",
        check: |a| check("abort", a),
    },
];
