//! `--proto stomp` and its options validated into the STOMP client's settings: CONNECT's host
//! (`--stomp-host`, default `/`, the virtual host RabbitMQ knows), login and passcode (`-u
//! USER:PASS`, else the URL's credentials), the heart-beats offered (`--heartbeat`, which under
//! STOMP is not the application heartbeat), the subscriptions, the destination of plain lines,
//! the ack mode and the split size.

use crate::cli::{ClientArgs, StompAck};
use crate::error::Error;
use crate::proto::Settings;
use crate::proto::stomp::encoder::AckMode;
use crate::proto::stomp::{self, HeartBeat, Limits};
use crate::wire::target::Target;
use std::time::Duration;

/// What CONNECT offers when `--heartbeat` is not given: a heart-beat every 10 s each way.
const HEART_BEAT: Duration = Duration::from_secs(10);

/// The smallest `--stomp-split`: a piece must hold more than a few bytes of a frame.
const MIN_SPLIT: usize = 16;

pub(super) fn stomp(args: &ClientArgs, url: &str, repl: bool) -> Result<Settings, Error> {
    let (p, io) = (&args.proto, &args.io);
    if io.heartbeat_message.is_some() {
        return Err(Error::usage(
            "--heartbeat-message does not go with --proto stomp: STOMP's heart-beats are its own (an EOL); --heartbeat SECS sets how often",
        ));
    }
    let connect_headers = match &p.connect_payload {
        Some(json) => connect_headers(json)?,
        None => Vec::new(),
    };
    let (login, passcode) = match credentials(args, url)? {
        Some((user, pass)) => (Some(user), Some(pass)),
        None => (None, None),
    };
    let every = io.heartbeat.unwrap_or(HEART_BEAT);
    let ms = u64::try_from(every.as_millis()).unwrap_or(u64::MAX);
    let split = match p.stomp_split {
        Some(n) if n < MIN_SPLIT => {
            return Err(Error::usage(format!(
                "--stomp-split {n}: a piece must be at least {MIN_SPLIT} bytes"
            )));
        }
        other => other,
    };
    for (option, value) in p
        .subscribe
        .iter()
        .map(|d| ("--subscribe", d))
        .chain(p.destination.iter().map(|d| ("--destination", d)))
    {
        if value.is_empty() || value.contains(['\n', '\r']) {
            return Err(Error::usage(format!(
                "{option} {value:?}: a destination is a non-empty line"
            )));
        }
    }
    Ok(Settings::Stomp(stomp::Settings {
        host: p.stomp_host.clone().unwrap_or_else(|| "/".into()),
        connect_headers,
        login,
        passcode,
        heart_beat: HeartBeat {
            send: ms,
            receive: ms,
        },
        subscribe: p.subscribe.clone(),
        destination: p.destination.clone(),
        ack: match p.ack {
            None | Some(StompAck::Auto) => AckMode::Auto,
            Some(StompAck::Client) => AckMode::Client,
            Some(StompAck::ClientIndividual) => AckMode::ClientIndividual,
        },
        auto_ack: !repl,
        split,
        show_credentials: args.handshake.show_credentials,
        limits: Limits {
            max_body: io.max_message_size,
            ..Limits::default()
        },
    }))
}

/// `--connect-payload`: more CONNECT headers, as a JSON object of strings (a Spring
/// application's `{"Authorization":"Bearer …"}`, ActiveMQ's `{"client-id":"…"}`).
fn connect_headers(json: &str) -> Result<Vec<(String, String)>, Error> {
    use crate::proto::json_text;
    let bad = |why: String| Error::usage(format!("--connect-payload: {why}"));
    let raw = json_text::one_value(json).map_err(|e| bad(e.to_string()))?;
    let members = json_text::members(raw)
        .map_err(|_| bad("under --proto stomp it is a JSON object of CONNECT headers, e.g. '{\"client-id\":\"me\"}'".into()))?;
    let own = ["accept-version", "host", "login", "passcode", "heart-beat"];
    members
        .into_iter()
        .map(|(name, value)| {
            if own.contains(&name.as_str()) {
                return Err(bad(format!(
                    "{name}: that header is set by wscope (-u, --stomp-host, --heartbeat)"
                )));
            }
            let value = json_text::string_value(value)
                .ok_or_else(|| bad(format!("the value of {name:?} must be a string")))?;
            if name.is_empty() || name.contains([':', '\n', '\r']) || value.contains(['\n', '\r']) {
                return Err(bad(format!(
                    "{name:?} cannot be a CONNECT header (no colon in a name, no line break anywhere)"
                )));
            }
            Ok((name, value))
        })
        .collect()
}

/// `-u USER:PASS`, else `user:pass@` in the URL.
fn credentials(args: &ClientArgs, url: &str) -> Result<Option<(String, String)>, Error> {
    match &args.handshake.user {
        Some(u) => match u.split_once(':') {
            Some((user, pass)) => Ok(Some((user.to_string(), pass.to_string()))),
            None => Err(Error::usage(format!(
                "--user '{u}' needs the form USER:PASSWORD"
            ))),
        },
        None => Ok(Target::parse(url)?.credentials),
    }
}
