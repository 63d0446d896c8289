//! The REPL's command grammar: a pure parser from one input line to a [`Command`].
//!
//! Plain lines are text messages; `/name args` are commands; `//...` sends text that starts
//! with `/`. RFC 6455 limits are checked here, before anything is sent.

use base64::Engine as _;
use std::path::PathBuf;

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Text(String),
    Binary(BinarySource),
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    /// Close with an optional code and reason.
    Close(Option<(u16, String)>),
    Frames(bool),
    Handshake,
    Status,
    Help,
    Quit,
    /// Ctrl-C pressed twice in the REPL: close with 1000 and exit 130.
    Interrupt,
    /// Send a text message in `parts` fragments, optionally with a ping between fragments.
    Frag {
        parts: usize,
        text: String,
        ping_between: bool,
    },
    /// Send one frame with the given bits, exactly (tungstenite adds the mask).
    Frame {
        fin: bool,
        rsv: [bool; 3],
        opcode: u8,
        payload: BinarySource,
    },
    /// Write these bytes to the connection as they are, outside any frame.
    Raw(Vec<u8>),
}

/// Where `/binary` data comes from; files are read when the command runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinarySource {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// Every command with a one-line description and an example, for `/help` and completion.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (
        "/text",
        "send a text message (same as typing it)",
        "/text hello",
    ),
    (
        "/binary",
        "send a binary message: hex (0x00ff or 00 ff), base64:..., or @FILE",
        "/binary 0x00ff10",
    ),
    (
        "/ping",
        "send a ping, optionally with a payload (max 125 bytes)",
        "/ping abc",
    ),
    (
        "/pong",
        "send an unsolicited pong (max 125 bytes)",
        "/pong abc",
    ),
    (
        "/close",
        "start the close handshake, optionally with a code and reason",
        "/close 4000 bye",
    ),
    ("/frames", "turn the frame dump on or off", "/frames on"),
    ("/handshake", "print the handshake again", "/handshake"),
    (
        "/status",
        "state, messages and bytes each way, uptime, last ping RTT",
        "/status",
    ),
    ("/help", "list the commands", "/help"),
    ("/quit", "close with 1000 and exit (also Ctrl-D)", "/quit"),
    (
        "/frag",
        "send TEXT as N fragments (TEXT, then CONT frames)",
        "/frag 3 hello",
    ),
    (
        "/fragping",
        "like /frag, with a ping between fragments",
        "/fragping 3 hello",
    ),
    (
        "/frame",
        "[breaks RFC] send one frame: FIN RSV OPCODE [DATA]; DATA is text, 0x.., base64:.., @FILE or *N",
        "/frame 1 100 text hi",
    ),
    (
        "/raw",
        "[breaks RFC] write raw bytes (hex) to the connection, outside any frame",
        "/raw 0x8100",
    ),
];

/// Renders the `/help` text.
pub fn help_text() -> String {
    let mut s =
        String::from("Commands (a plain line is sent as a text message; '//x' sends '/x'):\n");
    for (name, what, example) in COMMANDS {
        s.push_str(&format!(
            "  {name:<11} {what}\n  {:<11}   e.g. {example}\n",
            ""
        ));
    }
    s.push_str(
        "Keys: Ctrl-D closes and exits; Ctrl-C clears the line, twice in a row exits (130).",
    );
    s
}

/// Parses one REPL line. `Ok(None)` for an empty line.
pub fn parse(line: &str) -> Result<Option<Command>, String> {
    if line.is_empty() {
        return Ok(None);
    }
    if let Some(rest) = line.strip_prefix("//") {
        return Ok(Some(Command::Text(format!("/{rest}"))));
    }
    let Some(cmd) = line.strip_prefix('/') else {
        return Ok(Some(Command::Text(line.to_string())));
    };
    let (name, args) = match cmd.split_once(' ') {
        Some((n, a)) => (n, a),
        None => (cmd, ""),
    };
    let parsed = match name {
        "text" | "t" => Command::Text(args.to_string()),
        "binary" | "b" => Command::Binary(parse_binary(args.trim())?),
        "ping" => Command::Ping(control_payload("ping", args)?),
        "pong" => Command::Pong(control_payload("pong", args)?),
        "close" => Command::Close(parse_close(args.trim())?),
        "frames" => match args.trim() {
            "on" => Command::Frames(true),
            "off" => Command::Frames(false),
            other => return Err(format!("/frames takes 'on' or 'off', not '{other}'")),
        },
        "handshake" => no_args(name, args, Command::Handshake)?,
        "status" => no_args(name, args, Command::Status)?,
        "help" | "?" => Command::Help,
        "quit" | "exit" | "q" => no_args(name, args, Command::Quit)?,
        "frag" | "fragping" => {
            let (n, text) = args
                .split_once(' ')
                .ok_or_else(|| format!("/{name} needs a count and text, e.g. /{name} 3 hello"))?;
            let parts: usize = n
                .parse()
                .ok()
                .filter(|n| (1..=65_536).contains(n))
                .ok_or_else(|| format!("/{name}: '{n}' is not a fragment count from 1 to 65536"))?;
            Command::Frag {
                parts,
                text: text.to_string(),
                ping_between: name == "fragping",
            }
        }
        "frame" => parse_frame(args)?,
        "raw" => {
            let hex = args.trim();
            let hex = hex.strip_prefix("0x").unwrap_or(hex);
            let bytes = parse_hex(hex)?;
            if bytes.is_empty() {
                return Err("/raw needs hex bytes, e.g. /raw 0x8100".into());
            }
            Command::Raw(bytes)
        }
        other => {
            return Err(format!(
                "unknown command '/{other}' (see /help; '//{other}' sends it as text)"
            ));
        }
    };
    Ok(Some(parsed))
}

fn no_args(name: &str, args: &str, c: Command) -> Result<Command, String> {
    if args.trim().is_empty() {
        Ok(c)
    } else {
        Err(format!("/{name} takes no arguments"))
    }
}

fn control_payload(what: &str, args: &str) -> Result<Vec<u8>, String> {
    let p = args.as_bytes().to_vec();
    if p.len() > 125 {
        return Err(format!(
            "a {what} payload is at most 125 bytes (RFC 6455 §5.5); this one is {}",
            p.len()
        ));
    }
    Ok(p)
}

fn parse_close(args: &str) -> Result<Option<(u16, String)>, String> {
    if args.is_empty() {
        return Ok(None);
    }
    let (code, reason) = match args.split_once(' ') {
        Some((c, r)) => (c, r.to_string()),
        None => (args, String::new()),
    };
    let code: u16 = code
        .parse()
        .map_err(|_| format!("close code '{code}' is not a number (e.g. /close 1000 bye)"))?;
    if !crate::wire::frame::close_code_sendable(code) {
        return Err(format!(
            "close code {code} may not be sent (RFC 6455 §7.4): use 1000-1003, 1007-1014 or 3000-4999"
        ));
    }
    if reason.len() > 123 {
        return Err(format!(
            "a close reason is at most 123 bytes (125 minus the code); this one is {}",
            reason.len()
        ));
    }
    Ok(Some((code, reason)))
}

/// Parses `/frame FIN RSV OPCODE [DATA]`.
fn parse_frame(args: &str) -> Result<Command, String> {
    let usage = "usage: /frame FIN RSV OPCODE [DATA], e.g. /frame 0 000 text hel";
    let mut it = args.trim_start().splitn(4, ' ');
    let (Some(fin), Some(rsv), Some(op)) = (it.next(), it.next(), it.next()) else {
        return Err(usage.into());
    };
    let fin = match fin {
        "1" => true,
        "0" => false,
        other => return Err(format!("FIN is 0 or 1, not '{other}'; {usage}")),
    };
    let bits: Vec<bool> = rsv.chars().map(|c| c == '1').collect();
    if rsv.len() != 3 || !rsv.chars().all(|c| c == '0' || c == '1') {
        return Err(format!(
            "RSV is three bits like 000 or 100, not '{rsv}'; {usage}"
        ));
    }
    let opcode = match op.to_ascii_lowercase().as_str() {
        "cont" | "continuation" => 0,
        "text" => 1,
        "bin" | "binary" => 2,
        "close" => 8,
        "ping" => 9,
        "pong" => 10,
        n => {
            let v = match n.strip_prefix("0x") {
                Some(h) => u8::from_str_radix(h, 16).ok(),
                None => n.parse().ok(),
            };
            v.filter(|v| *v < 16).ok_or_else(|| {
                format!(
                    "OPCODE is a name (cont, text, binary, close, ping, pong) or 0-15, not '{op}'"
                )
            })?
        }
    };
    let data = it.next().unwrap_or("");
    let payload = if let Some(n) = data.strip_prefix('*') {
        let n: usize = n
            .parse()
            .ok()
            .filter(|n| *n <= 16 << 20)
            .ok_or_else(|| format!("'*{n}' needs a byte count up to 16 MiB"))?;
        BinarySource::Bytes(vec![b'x'; n])
    } else if data.starts_with("0x") || data.starts_with("base64:") || data.starts_with('@') {
        parse_binary(data)?
    } else {
        BinarySource::Bytes(data.as_bytes().to_vec())
    };
    Ok(Command::Frame {
        fin,
        rsv: [bits[0], bits[1], bits[2]],
        opcode,
        payload,
    })
}

/// Parses `/binary` data: `0x..`, spaced hex, `base64:...`, or `@FILE`.
pub fn parse_binary(args: &str) -> Result<BinarySource, String> {
    if args.is_empty() {
        return Err("/binary needs data: 0x00ff, 00 ff, base64:AAE=, or @FILE".into());
    }
    if let Some(path) = args.strip_prefix('@') {
        if path.is_empty() {
            return Err("/binary @ needs a file name".into());
        }
        return Ok(BinarySource::File(PathBuf::from(path)));
    }
    if let Some(b64) = args.strip_prefix("base64:") {
        return base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map(BinarySource::Bytes)
            .map_err(|e| format!("invalid base64: {e}"));
    }
    let hex = args
        .strip_prefix("0x")
        .or_else(|| args.strip_prefix("0X"))
        .unwrap_or(args);
    parse_hex(hex).map(BinarySource::Bytes)
}

/// Decodes hex digits, ignoring spaces, colons and `0x` prefixes between bytes.
pub fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let digits: String = s
        .split([' ', ':', ','])
        .map(|p| p.trim_start_matches("0x").trim_start_matches("0X"))
        .collect();
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!("{bad:?} is not a hex digit"));
    }
    if digits.len() % 2 != 0 {
        return Err(format!(
            "hex data has an odd number of digits ({})",
            digits.len()
        ));
    }
    let nibble = |b: u8| char::from(b).to_digit(16).unwrap_or(0) as u8;
    Ok(digits
        .as_bytes()
        .chunks(2)
        .map(|pair| nibble(pair[0]) << 4 | nibble(pair[1]))
        .collect())
}

/// Command names starting with `prefix`, for tab completion.
pub fn complete(prefix: &str) -> Vec<&'static str> {
    COMMANDS
        .iter()
        .map(|(n, _, _)| *n)
        .filter(|n| n.starts_with(prefix))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Command {
        parse(s).expect(s).expect("a command")
    }

    #[test]
    fn plain_and_escaped_text() {
        assert_eq!(ok("hello"), Command::Text("hello".into()));
        assert_eq!(ok("//etc"), Command::Text("/etc".into()));
        assert_eq!(ok("/text  two spaces"), Command::Text(" two spaces".into()));
        assert_eq!(parse("").expect("ok"), None);
    }

    #[test]
    fn binary_forms() {
        let want = Command::Binary(BinarySource::Bytes(vec![0, 0xff, 0x10]));
        assert_eq!(ok("/binary 0x00ff10"), want);
        assert_eq!(ok("/binary 00 ff 10"), want);
        assert_eq!(ok("/binary base64:AP8Q"), want);
        assert_eq!(
            ok("/binary @/tmp/x"),
            Command::Binary(BinarySource::File("/tmp/x".into()))
        );
        assert!(parse("/binary 0x0").is_err());
        assert!(parse("/binary zz").is_err());
        assert!(parse("/binary").is_err());
        assert!(parse("/binary base64:!!").is_err());
        // Found by the fuzzer: non-ASCII text must be refused, not sliced mid-character.
        assert!(parse("/binary CCCż").is_err());
        assert!(parse("/raw ż1").is_err());
    }

    #[test]
    fn control_frames_respect_rfc_limits() {
        assert_eq!(ok("/ping abc"), Command::Ping(b"abc".to_vec()));
        assert_eq!(ok("/ping"), Command::Ping(vec![]));
        assert!(parse(&format!("/ping {}", "x".repeat(126))).is_err());
        assert!(parse(&format!("/pong {}", "x".repeat(125))).is_ok());
    }

    #[test]
    fn close_codes_and_reasons() {
        assert_eq!(ok("/close"), Command::Close(None));
        assert_eq!(
            ok("/close 4000 bye"),
            Command::Close(Some((4000, "bye".into())))
        );
        assert_eq!(
            ok("/close 1000"),
            Command::Close(Some((1000, String::new())))
        );
        assert!(parse("/close 1005").is_err());
        assert!(parse("/close 999").is_err());
        assert!(parse("/close abc").is_err());
        assert!(parse(&format!("/close 1000 {}", "r".repeat(124))).is_err());
    }

    #[test]
    fn other_commands_and_errors() {
        assert_eq!(ok("/frames on"), Command::Frames(true));
        assert!(parse("/frames maybe").is_err());
        assert_eq!(ok("/status"), Command::Status);
        assert_eq!(ok("/quit"), Command::Quit);
        assert!(parse("/status now").is_err());
        assert!(parse("/nope").unwrap_err().contains("//nope"));
        assert_eq!(complete("/p"), vec!["/ping", "/pong"]);
    }

    #[test]
    fn protocol_testing_commands() {
        assert_eq!(
            ok("/frag 3 hello"),
            Command::Frag {
                parts: 3,
                text: "hello".into(),
                ping_between: false
            }
        );
        assert!(matches!(
            ok("/fragping 2 hi"),
            Command::Frag {
                ping_between: true,
                ..
            }
        ));
        assert!(parse("/frag 0 x").is_err());
        assert!(parse("/frag x").is_err());
        assert_eq!(
            ok("/frame 1 100 text hi"),
            Command::Frame {
                fin: true,
                rsv: [true, false, false],
                opcode: 1,
                payload: BinarySource::Bytes(b"hi".to_vec())
            }
        );
        assert!(matches!(
            ok("/frame 0 000 0x3 0xc328"),
            Command::Frame { fin: false, opcode: 3, payload: BinarySource::Bytes(ref b), .. } if b == &[0xc3, 0x28]
        ));
        assert!(matches!(
            ok("/frame 1 000 ping *126"),
            Command::Frame { opcode: 9, payload: BinarySource::Bytes(ref b), .. } if b.len() == 126
        ));
        assert!(matches!(
            ok("/frame 1 000 close"),
            Command::Frame { opcode: 8, .. }
        ));
        assert!(parse("/frame 2 000 text").is_err());
        assert!(parse("/frame 1 12 text").is_err());
        assert!(parse("/frame 1 000 16").is_err());
        assert!(parse("/frame 1 000").is_err());
        assert_eq!(ok("/raw 0x8100"), Command::Raw(vec![0x81, 0x00]));
        assert_eq!(ok("/raw 81 00"), Command::Raw(vec![0x81, 0x00]));
        assert!(parse("/raw").is_err());
        assert!(parse("/raw 0xz").is_err());
    }
}
