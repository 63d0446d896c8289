
use builtin;
use str;

set edit:completion:arg-completer[wscope] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'wscope'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'wscope'= {
            cand -H 'Add a request header (repeatable); replaces a default header of the same name'
            cand --header 'Add a request header (repeatable); replaces a default header of the same name'
            cand -s 'Offer a subprotocol (repeatable, in order of preference)'
            cand --subprotocol 'Offer a subprotocol (repeatable, in order of preference)'
            cand --origin 'Origin header to send'
            cand -u 'Basic authentication (overrides user:pass@ in the URL)'
            cand --user 'Basic authentication (overrides user:pass@ in the URL)'
            cand --auth 'Basic authentication (overrides user:pass@ in the URL)'
            cand -A 'User-Agent header [default: wscope/VERSION]'
            cand --user-agent 'User-Agent header [default: wscope/VERSION]'
            cand --connect-timeout 'Give up connecting (DNS and TCP) after SECS'
            cand --handshake-timeout 'Give up on TLS and the HTTP upgrade after SECS'
            cand --proxy 'Go through this proxy: http://[user:pass@]host:port, socks5://..., socks5h://... (default: the environment, as curl reads it; "" for none)'
            cand --noproxy 'Hosts that bypass the proxy: comma-separated names (with their subdomains), IPs, or *'
            cand --max-redirs 'How many redirects -L follows at most'
            cand --cacert 'Trust the CA certificate(s) in this PEM file (in addition to the system roots)'
            cand --cert 'Client certificate (PEM); needs --key'
            cand --key 'Private key of the client certificate (PEM, PKCS#8)'
            cand -e 'Send MSG instead of reading stdin (repeatable)'
            cand --execute 'Send MSG instead of reading stdin (repeatable)'
            cand -n 'Print exactly N received messages, then close; wait for them however long the gaps (bounded by --wait); fewer than N exits with status 12'
            cand --count 'Print exactly N received messages, then close; wait for them however long the gaps (bounded by --wait); fewer than N exits with status 12'
            cand -w 'After input ends, keep receiving for SECS, then close (replaces the idle window unless --idle is given too)'
            cand --wait 'After input ends, keep receiving for SECS, then close (replaces the idle window unless --idle is given too)'
            cand --idle 'After input ends, close once no message has arrived for SECS (each message restarts the window; 0 closes at once) [default: 1]'
            cand --fragment 'Send every message as N fragments (a TEXT or BINARY frame, then CONT frames)'
            cand --reconnect-max 'Give up after N reconnect attempts in a row (default: no limit)'
            cand --init 'Send MSG first on every connection, before any input (repeatable)'
            cand --init-file 'Send each line of FILE first on every connection, after the --init messages'
            cand --close-timeout 'After sending Close, wait at most SECS for the peer''s Close'
            cand --ping-interval 'Send a ping every SECS and track the round-trip time'
            cand --ping-timeout 'Declare the peer dead when a ping has no pong after SECS (needs --ping-interval)'
            cand --max-message-size 'Largest message accepted from the peer (suffixes K, M, G); larger ones close with 1009'
            cand --dump-bytes 'How many payload bytes --hexdump shows per frame'
            cand --binary-output 'How received binary messages are written to stdout in pipe mode: raw bytes, hex or base64, each followed by the separator'
            cand --color 'When to use colours'
            cand --generate 'Write shell completions or the man page to stdout (bash, zsh, fish, powershell, elvish, man), or `all` to write them into ./completions and ./man'
            cand --show-credentials 'Show credentials (Authorization values) in the displayed handshake instead of masking them'
            cand -L 'Follow HTTP redirects (301, 302, 303, 307, 308) of the upgrade request'
            cand --location 'Follow HTTP redirects (301, 302, 303, 307, 308) of the upgrade request'
            cand -k 'Do not verify the server''s certificate or host name (prints a warning)'
            cand --insecure 'Do not verify the server''s certificate or host name (prints a warning)'
            cand -b 'Send each stdin line as a binary message instead of text'
            cand --binary 'Send each stdin line as a binary message instead of text'
            cand --reflect 'Echo every received data message back unchanged until the peer closes'
            cand --reconnect 'After an abnormal closure or a failed connect, connect again (exponential backoff with jitter); unsent input is sent on the new connection'
            cand -v 'Show the handshake and control frames on stderr in pipe mode (always shown in the REPL)'
            cand --verbose 'Show the handshake and control frames on stderr in pipe mode (always shown in the REPL)'
            cand -x 'Print one line per frame on the wire, both directions (FIN, RSV, opcode, mask key, length)'
            cand --frames 'Print one line per frame on the wire, both directions (FIN, RSV, opcode, mask key, length)'
            cand -X 'With --frames, also hex-dump each frame''s header bytes and first payload bytes'
            cand --hexdump 'With --frames, also hex-dump each frame''s header bytes and first payload bytes'
            cand --dump-handshake 'Hex-dump the handshake bytes too'
            cand --jsonl 'Print every event as one JSON object per line on stdout'
            cand -0 'Separate messages with NUL instead of newline, on stdin and stdout (for messages that contain newlines)'
            cand --null 'Separate messages with NUL instead of newline, on stdin and stdout (for messages that contain newlines)'
            cand --timing 'At the end, print how long DNS, proxy, connect, TLS, the upgrade and the first message took'
            cand -t 'Prefix printed events with the time'
            cand --timestamps 'Prefix printed events with the time'
            cand --no-history 'Do not read or write the REPL history file'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Run a local echo server (text and binary echoed, pings answered, close handshake done)'
            cand demo 'Start an echo server on a free loopback port and connect to it; takes the client options, as in: wscope demo -x'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wscope;serve'= {
            cand -l 'Address to listen on (port 0 picks a free port)'
            cand --listen 'Address to listen on (port 0 picks a free port)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'wscope;demo'= {
            cand -H 'Add a request header (repeatable); replaces a default header of the same name'
            cand --header 'Add a request header (repeatable); replaces a default header of the same name'
            cand -s 'Offer a subprotocol (repeatable, in order of preference)'
            cand --subprotocol 'Offer a subprotocol (repeatable, in order of preference)'
            cand --origin 'Origin header to send'
            cand -u 'Basic authentication (overrides user:pass@ in the URL)'
            cand --user 'Basic authentication (overrides user:pass@ in the URL)'
            cand --auth 'Basic authentication (overrides user:pass@ in the URL)'
            cand -A 'User-Agent header [default: wscope/VERSION]'
            cand --user-agent 'User-Agent header [default: wscope/VERSION]'
            cand --connect-timeout 'Give up connecting (DNS and TCP) after SECS'
            cand --handshake-timeout 'Give up on TLS and the HTTP upgrade after SECS'
            cand --proxy 'Go through this proxy: http://[user:pass@]host:port, socks5://..., socks5h://... (default: the environment, as curl reads it; "" for none)'
            cand --noproxy 'Hosts that bypass the proxy: comma-separated names (with their subdomains), IPs, or *'
            cand --max-redirs 'How many redirects -L follows at most'
            cand --cacert 'Trust the CA certificate(s) in this PEM file (in addition to the system roots)'
            cand --cert 'Client certificate (PEM); needs --key'
            cand --key 'Private key of the client certificate (PEM, PKCS#8)'
            cand -e 'Send MSG instead of reading stdin (repeatable)'
            cand --execute 'Send MSG instead of reading stdin (repeatable)'
            cand -n 'Print exactly N received messages, then close; wait for them however long the gaps (bounded by --wait); fewer than N exits with status 12'
            cand --count 'Print exactly N received messages, then close; wait for them however long the gaps (bounded by --wait); fewer than N exits with status 12'
            cand -w 'After input ends, keep receiving for SECS, then close (replaces the idle window unless --idle is given too)'
            cand --wait 'After input ends, keep receiving for SECS, then close (replaces the idle window unless --idle is given too)'
            cand --idle 'After input ends, close once no message has arrived for SECS (each message restarts the window; 0 closes at once) [default: 1]'
            cand --fragment 'Send every message as N fragments (a TEXT or BINARY frame, then CONT frames)'
            cand --reconnect-max 'Give up after N reconnect attempts in a row (default: no limit)'
            cand --init 'Send MSG first on every connection, before any input (repeatable)'
            cand --init-file 'Send each line of FILE first on every connection, after the --init messages'
            cand --close-timeout 'After sending Close, wait at most SECS for the peer''s Close'
            cand --ping-interval 'Send a ping every SECS and track the round-trip time'
            cand --ping-timeout 'Declare the peer dead when a ping has no pong after SECS (needs --ping-interval)'
            cand --max-message-size 'Largest message accepted from the peer (suffixes K, M, G); larger ones close with 1009'
            cand --dump-bytes 'How many payload bytes --hexdump shows per frame'
            cand --binary-output 'How received binary messages are written to stdout in pipe mode: raw bytes, hex or base64, each followed by the separator'
            cand --color 'When to use colours'
            cand --show-credentials 'Show credentials (Authorization values) in the displayed handshake instead of masking them'
            cand -L 'Follow HTTP redirects (301, 302, 303, 307, 308) of the upgrade request'
            cand --location 'Follow HTTP redirects (301, 302, 303, 307, 308) of the upgrade request'
            cand -k 'Do not verify the server''s certificate or host name (prints a warning)'
            cand --insecure 'Do not verify the server''s certificate or host name (prints a warning)'
            cand -b 'Send each stdin line as a binary message instead of text'
            cand --binary 'Send each stdin line as a binary message instead of text'
            cand --reflect 'Echo every received data message back unchanged until the peer closes'
            cand --reconnect 'After an abnormal closure or a failed connect, connect again (exponential backoff with jitter); unsent input is sent on the new connection'
            cand -v 'Show the handshake and control frames on stderr in pipe mode (always shown in the REPL)'
            cand --verbose 'Show the handshake and control frames on stderr in pipe mode (always shown in the REPL)'
            cand -x 'Print one line per frame on the wire, both directions (FIN, RSV, opcode, mask key, length)'
            cand --frames 'Print one line per frame on the wire, both directions (FIN, RSV, opcode, mask key, length)'
            cand -X 'With --frames, also hex-dump each frame''s header bytes and first payload bytes'
            cand --hexdump 'With --frames, also hex-dump each frame''s header bytes and first payload bytes'
            cand --dump-handshake 'Hex-dump the handshake bytes too'
            cand --jsonl 'Print every event as one JSON object per line on stdout'
            cand -0 'Separate messages with NUL instead of newline, on stdin and stdout (for messages that contain newlines)'
            cand --null 'Separate messages with NUL instead of newline, on stdin and stdout (for messages that contain newlines)'
            cand --timing 'At the end, print how long DNS, proxy, connect, TLS, the upgrade and the first message took'
            cand -t 'Prefix printed events with the time'
            cand --timestamps 'Prefix printed events with the time'
            cand --no-history 'Do not read or write the REPL history file'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'wscope;help'= {
            cand serve 'Run a local echo server (text and binary echoed, pings answered, close handshake done)'
            cand demo 'Start an echo server on a free loopback port and connect to it; takes the client options, as in: wscope demo -x'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wscope;help;serve'= {
        }
        &'wscope;help;demo'= {
        }
        &'wscope;help;help'= {
        }
    ]
    $completions[$command]
}
