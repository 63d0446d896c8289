//! The REPL's STOMP commands, parsed from their arguments:
//!
//! ```text
//! /subscribe [-H name:value]… DEST
//! /unsubscribe ID
//! /send [-H name:value]… DEST [-H name:value]… [--] [BODY]
//! /ack ID        /nack ID
//! /begin [TX]    /commit [TX]  /abort [TX]
//! ```
//!
//! A word may be a JSON string (`"/queue/a b"`, `-H "k:two words"`). BODY is the rest of the
//! line as typed; `--` ends the options when the body itself starts with `-H`.

use super::super::args::{InputError, Words};

/// A STOMP command typed in the REPL; ids the session allocates are not part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StompCommand {
    Subscribe {
        destination: String,
        headers: Vec<(String, String)>,
    },
    Unsubscribe {
        id: String,
    },
    Send {
        destination: String,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// ACK a message by its `ack` header (1.2) or `message-id` (1.0, 1.1).
    Ack {
        id: String,
    },
    Nack {
        id: String,
    },
    /// BEGIN a transaction; the session names one when TX is left out.
    Begin {
        transaction: Option<String>,
    },
    /// COMMIT a transaction; the one begun last when TX is left out.
    Commit {
        transaction: Option<String>,
    },
    Abort {
        transaction: Option<String>,
    },
}

/// Parses `/name args` (`name` without its slash); None when `name` is not a STOMP command.
pub fn parse(name: &str, args: &str) -> Option<Result<StompCommand, InputError>> {
    let usage = super::commands::COMMANDS
        .iter()
        .find(|c| c.name.strip_prefix('/') == Some(name))?
        .args;
    let mut words = Words::new(args);
    let mut one = |what: &str| -> Result<String, InputError> {
        let word = words
            .word()?
            .ok_or_else(|| InputError::new(format!("/{name} needs {what}: /{name} {usage}")))?;
        if words.more() {
            let at = words.column();
            return Err(InputError::at(
                at,
                format!("/{name} takes only {what}: /{name} {usage}"),
            ));
        }
        Ok(word)
    };
    Some(match name {
        "subscribe" => subscribe(args),
        "send" => send(args),
        "unsubscribe" => one("a subscription id").map(|id| StompCommand::Unsubscribe { id }),
        "ack" => one("a message's ack id").map(|id| StompCommand::Ack { id }),
        "nack" => one("a message's ack id").map(|id| StompCommand::Nack { id }),
        "commit" | "abort" | "begin" => {
            let transaction = match args.trim() {
                "" => Ok(None),
                _ => one("a transaction").map(Some),
            };
            transaction.map(|transaction| match name {
                "commit" => StompCommand::Commit { transaction },
                "abort" => StompCommand::Abort { transaction },
                _ => StompCommand::Begin { transaction },
            })
        }
        _ => return None,
    })
}

fn subscribe(args: &str) -> Result<StompCommand, InputError> {
    let mut words = Words::new(args);
    let mut headers = options(&mut words, &["destination", "id", "ack"])?;
    let destination = words.word()?.ok_or_else(|| {
        InputError::new("/subscribe needs a destination: /subscribe [-H name:value]… DEST")
    })?;
    headers.extend(options(&mut words, &["destination", "id", "ack"])?);
    if words.more() {
        let at = words.column();
        return Err(InputError::at(at, "/subscribe takes one destination"));
    }
    Ok(StompCommand::Subscribe {
        destination,
        headers,
    })
}

fn send(args: &str) -> Result<StompCommand, InputError> {
    let mut words = Words::new(args);
    let mut headers = options(&mut words, &["destination"])?;
    let destination = words.word()?.ok_or_else(|| {
        InputError::new("/send needs a destination: /send [-H name:value]… DEST [--] [BODY]")
    })?;
    headers.extend(options(&mut words, &["destination"])?);
    let mut body = words.rest();
    if let Some(after) = body.strip_prefix("--")
        && (after.is_empty() || after.starts_with(char::is_whitespace))
    {
        body = after.strip_prefix(' ').unwrap_or(after);
    }
    Ok(StompCommand::Send {
        destination,
        headers,
        body: body.to_string(),
    })
}

/// `-H name:value` options, as many as come; `taken` names headers set by arguments.
fn options(words: &mut Words, taken: &[&str]) -> Result<Vec<(String, String)>, InputError> {
    let mut headers = Vec::new();
    while words.rest().split(char::is_whitespace).next() == Some("-H") {
        words.word()?;
        let at = words.column();
        let header = words
            .word()?
            .ok_or_else(|| InputError::at(at, "-H needs a header: -H name:value"))?;
        let (name, value) = header
            .split_once(':')
            .filter(|(name, _)| !name.is_empty())
            .ok_or_else(|| {
                InputError::at(at, format!("-H {header:?} is not a header: -H name:value"))
            })?;
        if taken.contains(&name) {
            return Err(InputError::at(
                at,
                format!("-H {name}: that header is set by the command's own arguments"),
            ));
        }
        headers.push((name.to_string(), value.to_string()));
    }
    Ok(headers)
}
