//! The arguments of the commands about messages as JSON: how they are shown (`/pretty`,
//! `/filter`, `/last`) and what `/json` sends, checked here (a mistake in the JSON is shown
//! with its position before anything goes out). Pure.

use super::{Command, FilterChange, Local, Outgoing};
use crate::display::json::validate_for_send;
use crate::display::position::{pointed, source_line};

/// The last messages `/last` can show: as many as are kept.
const MAX_LAST: usize = crate::output::recall::RECALL_MESSAGES;

/// `on` or `off`, for `/frames` and `/pretty`.
pub(super) fn on_off(name: &str, args: &str) -> Result<bool, String> {
    match args.trim() {
        "on" => Ok(true),
        "off" => Ok(false),
        other => Err(format!("/{name} takes 'on' or 'off', not '{other}'")),
    }
}

/// `/filter` (show it), `/filter off`, or `/filter EXPR` (compiled when it runs).
pub(super) fn parse_filter(args: &str) -> Result<Command, String> {
    let change = match args.trim() {
        "" => FilterChange::Show,
        "off" => FilterChange::Off,
        expr => FilterChange::Set(expr.to_string()),
    };
    Ok(Command::Local(Local::Filter(change)))
}

/// `/last` (the last message) or `/last N`.
pub(super) fn parse_last(args: &str) -> Result<Command, String> {
    let n = match args.trim() {
        "" => 1,
        n => n
            .parse()
            .ok()
            .filter(|n| (1..=MAX_LAST).contains(n))
            .ok_or_else(|| {
                format!("/last: '{n}' is not a number of messages from 1 to {MAX_LAST}")
            })?,
    };
    Ok(Command::Local(Local::Last(n)))
}

/// `/json DOC`: the document, checked and made compact, as a text message.
pub(super) fn parse_json(args: &str) -> Result<Command, String> {
    if args.trim().is_empty() {
        return Err("/json needs a JSON document, e.g. /json {\"op\":\"ping\"}".into());
    }
    match validate_for_send(args) {
        Ok(compact) => Ok(Command::Send(Outgoing::Text(compact))),
        Err(e) => Err(format!(
            "{}\nnothing sent",
            pointed(
                "/json",
                e.line,
                e.column,
                &e.message,
                &source_line(args, e.offset)
            )
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{ok, parse};
    use super::*;

    #[test]
    fn pretty_filter_and_last() {
        assert_eq!(ok("/pretty on"), Command::Local(Local::Pretty(true)));
        assert_eq!(ok("/pretty  off "), Command::Local(Local::Pretty(false)));
        assert!(parse("/pretty").is_err());
        let filter = |c| Command::Local(Local::Filter(c));
        assert_eq!(ok("/filter"), filter(FilterChange::Show));
        assert_eq!(ok("/filter off"), filter(FilterChange::Off));
        assert_eq!(
            ok("/filter  select(.a) | .b "),
            filter(FilterChange::Set("select(.a) | .b".into()))
        );
        assert_eq!(ok("/last"), Command::Local(Local::Last(1)));
        assert_eq!(ok("/last 7"), Command::Local(Local::Last(7)));
        for bad in ["/last 0", "/last x", "/last 101", "/last -1"] {
            assert!(parse(bad).unwrap_err().starts_with("/last: "), "{bad}");
        }
    }

    #[test]
    fn json_is_sent_compact_or_refused_with_the_position() {
        assert_eq!(
            ok(r#"/json { "op" : "sub", "n": [1, 2.50] }"#),
            Command::Send(Outgoing::Text(r#"{"op":"sub","n":[1,2.50]}"#.into()))
        );
        assert_eq!(
            parse(r#"/json {"op": sub}"#).unwrap_err(),
            "/json: error at column 8: expected a value\n  {\"op\": sub}\n         ^\nnothing sent"
        );
        assert!(
            parse("/json")
                .unwrap_err()
                .contains("needs a JSON document")
        );
        assert!(parse("/json {\"a\":1} x").is_err());
    }
}
