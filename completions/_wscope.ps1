
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'wscope' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'wscope'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'wscope' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a request header (repeatable); replaces a default header of the same name')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a request header (repeatable); replaces a default header of the same name')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Offer a subprotocol (repeatable, in order of preference)')
            [CompletionResult]::new('--subprotocol', '--subprotocol', [CompletionResultType]::ParameterName, 'Offer a subprotocol (repeatable, in order of preference)')
            [CompletionResult]::new('--origin', '--origin', [CompletionResultType]::ParameterName, 'Origin header to send')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Basic authentication (overrides user:pass@ in the URL)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Basic authentication (overrides user:pass@ in the URL)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Basic authentication (overrides user:pass@ in the URL)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'User-Agent header [default: wscope/VERSION]')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent header [default: wscope/VERSION]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting (DNS and TCP) after SECS')
            [CompletionResult]::new('--handshake-timeout', '--handshake-timeout', [CompletionResultType]::ParameterName, 'Give up on TLS and the HTTP upgrade after SECS')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Go through this proxy: http://[user:pass@]host:port, socks5://..., socks5h://... (default: the environment, as curl reads it; "" for none)')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts that bypass the proxy: comma-separated names (with their subdomains), IPs, or *')
            [CompletionResult]::new('--deflate-window-bits', '--deflate-window-bits', [CompletionResultType]::ParameterName, '[breaks RFC] Compress what wscope sends with a window of N bits (8-15), whatever was agreed: for testing how a server copes')
            [CompletionResult]::new('--max-redirs', '--max-redirs', [CompletionResultType]::ParameterName, 'How many redirects -L follows at most')
            [CompletionResult]::new('--unix-socket', '--unix-socket', [CompletionResultType]::ParameterName, 'Connect through this Unix domain socket instead of TCP; the URL still gives the Host header and the path')
            [CompletionResult]::new('--cookie', '--cookie', [CompletionResultType]::ParameterName, 'Send these cookies (''name=value; other=value''), after those of --from-curl')
            [CompletionResult]::new('--from-curl', '--from-curl', [CompletionResultType]::ParameterName, 'Open the WebSocket of a copied curl command (a browser''s "Copy as cURL"): its URL, headers, cookies; wscope''s own options given beside it win. Says on stderr what it kept and dropped')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificate(s) in this PEM file (in addition to the system roots)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM); needs --key')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key of the client certificate (PEM, PKCS#8)')
            [CompletionResult]::new('--coproc', '--coproc', [CompletionResultType]::ParameterName, 'Run CMD (with sh -c) once connected, in place of stdin and stdout: each line it prints is sent, each message received is a line on its stdin (-b, -0, --input, --binary-output apply); when it exits wscope closes (1000; 1011 if a signal killed it), when the connection ends its stdin is closed and it gets --close-timeout to exit. Its stderr is wscope''s')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'How stdin is cut into messages: a line each, a NUL-terminated record each (as -0), all of it as one message, or a JSON value each (sent compact) [default: lines]')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Send MSG instead of reading stdin (repeatable)')
            [CompletionResult]::new('--execute', '--execute', [CompletionResultType]::ParameterName, 'Send MSG instead of reading stdin (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Print exactly N received messages, then close; wait for them however long the gaps (bounded by --wait); fewer than N exits with status 12')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Print exactly N received messages, then close; wait for them however long the gaps (bounded by --wait); fewer than N exits with status 12')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'After input ends, keep receiving for SECS, then close (replaces the idle window unless --idle is given too)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'After input ends, keep receiving for SECS, then close (replaces the idle window unless --idle is given too)')
            [CompletionResult]::new('--idle', '--idle', [CompletionResultType]::ParameterName, 'After input ends, close once no message has arrived for SECS (each message restarts the window; 0 closes at once) [default: 1]')
            [CompletionResult]::new('--fragment', '--fragment', [CompletionResultType]::ParameterName, 'Send every message as N fragments (a TEXT or BINARY frame, then CONT frames)')
            [CompletionResult]::new('--reconnect-max', '--reconnect-max', [CompletionResultType]::ParameterName, 'Give up after N reconnect attempts in a row (default: no limit)')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Send MSG first on every connection, before any input (repeatable)')
            [CompletionResult]::new('--init-file', '--init-file', [CompletionResultType]::ParameterName, 'Send each line of FILE first on every connection, after the --init messages')
            [CompletionResult]::new('--close-timeout', '--close-timeout', [CompletionResultType]::ParameterName, 'After sending Close, wait at most SECS for the peer''s Close')
            [CompletionResult]::new('--heartbeat', '--heartbeat', [CompletionResultType]::ParameterName, 'Send MSG as a text message every SECS, for APIs that want an application-level keepalive (needs --heartbeat-message)')
            [CompletionResult]::new('--heartbeat-message', '--heartbeat-message', [CompletionResultType]::ParameterName, 'The message --heartbeat sends, e.g. ''{"op":"ping"}''')
            [CompletionResult]::new('--reply', '--reply', [CompletionResultType]::ParameterName, 'Answer a received message that matches MATCH (its whole text, or a jq expression when it starts with ''.'' or ''select('') with RESPONSE (repeatable; rate-limited)')
            [CompletionResult]::new('--ping-interval', '--ping-interval', [CompletionResultType]::ParameterName, 'Send a ping every SECS and track the round-trip time')
            [CompletionResult]::new('--ping-timeout', '--ping-timeout', [CompletionResultType]::ParameterName, 'Declare the peer dead when a ping has no pong after SECS (needs --ping-interval)')
            [CompletionResult]::new('--max-message-size', '--max-message-size', [CompletionResultType]::ParameterName, 'Largest message accepted from the peer (suffixes K, M, G); larger ones close with 1009')
            [CompletionResult]::new('--dump-bytes', '--dump-bytes', [CompletionResultType]::ParameterName, 'How many payload bytes --hexdump shows per frame')
            [CompletionResult]::new('--binary-output', '--binary-output', [CompletionResultType]::ParameterName, 'How received binary messages are written to stdout in pipe mode: raw bytes, hex or base64, each followed by the separator')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Write shell completions or the man page to stdout (bash, zsh, fish, powershell, elvish, man), or `all` to write them into ./completions and ./man')
            [CompletionResult]::new('--show-credentials', '--show-credentials', [CompletionResultType]::ParameterName, 'Show credentials (Authorization values) in the displayed handshake instead of masking them')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Follow HTTP redirects (301, 302, 303, 307, 308) of the upgrade request')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Follow HTTP redirects (301, 302, 303, 307, 308) of the upgrade request')
            [CompletionResult]::new('--no-deflate', '--no-deflate', [CompletionResultType]::ParameterName, 'Do not offer permessage-deflate (compression), which wscope offers by default as browsers do')
            [CompletionResult]::new('--keep-extensions', '--keep-extensions', [CompletionResultType]::ParameterName, 'With --from-curl or `wscope curl`: send the copied Sec-WebSocket-Extensions header instead of wscope''s own permessage-deflate offer')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate or host name (prints a warning)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate or host name (prints a warning)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Send each stdin line as a binary message instead of text')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'Send each stdin line as a binary message instead of text')
            [CompletionResult]::new('--reflect', '--reflect', [CompletionResultType]::ParameterName, 'Echo every received data message back unchanged until the peer closes')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'After an abnormal closure or a failed connect, connect again (exponential backoff with jitter); unsent input is sent on the new connection')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the handshake and control frames on stderr in pipe mode (always shown in the REPL)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the handshake and control frames on stderr in pipe mode (always shown in the REPL)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Print one line per frame on the wire, both directions (FIN, RSV, opcode, mask key, length)')
            [CompletionResult]::new('--frames', '--frames', [CompletionResultType]::ParameterName, 'Print one line per frame on the wire, both directions (FIN, RSV, opcode, mask key, length)')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'With --frames, also hex-dump each frame''s header bytes and first payload bytes')
            [CompletionResult]::new('--hexdump', '--hexdump', [CompletionResultType]::ParameterName, 'With --frames, also hex-dump each frame''s header bytes and first payload bytes')
            [CompletionResult]::new('--dump-handshake', '--dump-handshake', [CompletionResultType]::ParameterName, 'Hex-dump the handshake bytes too')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'Print every event as one JSON object per line on stdout')
            [CompletionResult]::new('-0', '-0', [CompletionResultType]::ParameterName, 'Separate messages with NUL instead of newline, on stdout and (unless --input says otherwise) on stdin: for messages that contain newlines')
            [CompletionResult]::new('--null', '--null', [CompletionResultType]::ParameterName, 'Separate messages with NUL instead of newline, on stdout and (unless --input says otherwise) on stdin: for messages that contain newlines')
            [CompletionResult]::new('--timing', '--timing', [CompletionResultType]::ParameterName, 'At the end, print how long DNS, proxy, connect, TLS, the upgrade and the first message took')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Prefix printed events with the time')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Prefix printed events with the time')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Do not read or write the REPL history file')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a local server: an echo server (text and binary echoed, pings answered, close handshake done), a chat room (--broadcast), or a program per connection (--coproc)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Start an echo server on a free loopback port and connect to it; takes the client options, as in: wscope demo -x')
            [CompletionResult]::new('curl', 'curl', [CompletionResultType]::ParameterValue, 'Open the WebSocket a copied curl command describes: paste a browser''s "Copy as cURL" after `wscope` (URL, -H headers, -b cookies, --compressed, -k; http(s):// becomes ws(s)://); what was kept and dropped is said on stderr. For wscope''s own options use --from-curl ''curl ...'' instead')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wscope;serve' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Address to listen on (port 0 picks a free port); beyond loopback only when told')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (port 0 picks a free port); beyond loopback only when told')
            [CompletionResult]::new('--unix-socket', '--unix-socket', [CompletionResultType]::ParameterName, 'Listen on this Unix domain socket instead of TCP (removed again on Ctrl-C)')
            [CompletionResult]::new('--coproc', '--coproc', [CompletionResultType]::ParameterName, 'Run CMD (with sh -c) for every connection, websocketd style: each message received is a line on its stdin, each line it prints is sent; the request is in CGI environment variables (REQUEST_URI, QUERY_STRING, REMOTE_ADDR, HTTP_*, ...). Its exit closes the connection with 1000, death by a signal with 1011')
            [CompletionResult]::new('--max-clients', '--max-clients', [CompletionResultType]::ParameterName, 'Serve at most N connections at once; more are refused with 429')
            [CompletionResult]::new('--allow-origin', '--allow-origin', [CompletionResultType]::ParameterName, 'Accept upgrades from web pages of ORIGIN (repeatable; ''*'' for any). With --coproc an upgrade carrying any other Origin is refused (403), so a web page cannot drive CMD')
            [CompletionResult]::new('--broadcast', '--broadcast', [CompletionResultType]::ParameterName, 'Send every message from one client to all clients (the sender too): a chat room for testing fan-out')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'wscope;demo' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a request header (repeatable); replaces a default header of the same name')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a request header (repeatable); replaces a default header of the same name')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Offer a subprotocol (repeatable, in order of preference)')
            [CompletionResult]::new('--subprotocol', '--subprotocol', [CompletionResultType]::ParameterName, 'Offer a subprotocol (repeatable, in order of preference)')
            [CompletionResult]::new('--origin', '--origin', [CompletionResultType]::ParameterName, 'Origin header to send')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Basic authentication (overrides user:pass@ in the URL)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Basic authentication (overrides user:pass@ in the URL)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Basic authentication (overrides user:pass@ in the URL)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'User-Agent header [default: wscope/VERSION]')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent header [default: wscope/VERSION]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting (DNS and TCP) after SECS')
            [CompletionResult]::new('--handshake-timeout', '--handshake-timeout', [CompletionResultType]::ParameterName, 'Give up on TLS and the HTTP upgrade after SECS')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Go through this proxy: http://[user:pass@]host:port, socks5://..., socks5h://... (default: the environment, as curl reads it; "" for none)')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts that bypass the proxy: comma-separated names (with their subdomains), IPs, or *')
            [CompletionResult]::new('--deflate-window-bits', '--deflate-window-bits', [CompletionResultType]::ParameterName, '[breaks RFC] Compress what wscope sends with a window of N bits (8-15), whatever was agreed: for testing how a server copes')
            [CompletionResult]::new('--max-redirs', '--max-redirs', [CompletionResultType]::ParameterName, 'How many redirects -L follows at most')
            [CompletionResult]::new('--unix-socket', '--unix-socket', [CompletionResultType]::ParameterName, 'Connect through this Unix domain socket instead of TCP; the URL still gives the Host header and the path')
            [CompletionResult]::new('--cookie', '--cookie', [CompletionResultType]::ParameterName, 'Send these cookies (''name=value; other=value''), after those of --from-curl')
            [CompletionResult]::new('--from-curl', '--from-curl', [CompletionResultType]::ParameterName, 'Open the WebSocket of a copied curl command (a browser''s "Copy as cURL"): its URL, headers, cookies; wscope''s own options given beside it win. Says on stderr what it kept and dropped')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificate(s) in this PEM file (in addition to the system roots)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM); needs --key')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key of the client certificate (PEM, PKCS#8)')
            [CompletionResult]::new('--coproc', '--coproc', [CompletionResultType]::ParameterName, 'Run CMD (with sh -c) once connected, in place of stdin and stdout: each line it prints is sent, each message received is a line on its stdin (-b, -0, --input, --binary-output apply); when it exits wscope closes (1000; 1011 if a signal killed it), when the connection ends its stdin is closed and it gets --close-timeout to exit. Its stderr is wscope''s')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'How stdin is cut into messages: a line each, a NUL-terminated record each (as -0), all of it as one message, or a JSON value each (sent compact) [default: lines]')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Send MSG instead of reading stdin (repeatable)')
            [CompletionResult]::new('--execute', '--execute', [CompletionResultType]::ParameterName, 'Send MSG instead of reading stdin (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Print exactly N received messages, then close; wait for them however long the gaps (bounded by --wait); fewer than N exits with status 12')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Print exactly N received messages, then close; wait for them however long the gaps (bounded by --wait); fewer than N exits with status 12')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'After input ends, keep receiving for SECS, then close (replaces the idle window unless --idle is given too)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'After input ends, keep receiving for SECS, then close (replaces the idle window unless --idle is given too)')
            [CompletionResult]::new('--idle', '--idle', [CompletionResultType]::ParameterName, 'After input ends, close once no message has arrived for SECS (each message restarts the window; 0 closes at once) [default: 1]')
            [CompletionResult]::new('--fragment', '--fragment', [CompletionResultType]::ParameterName, 'Send every message as N fragments (a TEXT or BINARY frame, then CONT frames)')
            [CompletionResult]::new('--reconnect-max', '--reconnect-max', [CompletionResultType]::ParameterName, 'Give up after N reconnect attempts in a row (default: no limit)')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Send MSG first on every connection, before any input (repeatable)')
            [CompletionResult]::new('--init-file', '--init-file', [CompletionResultType]::ParameterName, 'Send each line of FILE first on every connection, after the --init messages')
            [CompletionResult]::new('--close-timeout', '--close-timeout', [CompletionResultType]::ParameterName, 'After sending Close, wait at most SECS for the peer''s Close')
            [CompletionResult]::new('--heartbeat', '--heartbeat', [CompletionResultType]::ParameterName, 'Send MSG as a text message every SECS, for APIs that want an application-level keepalive (needs --heartbeat-message)')
            [CompletionResult]::new('--heartbeat-message', '--heartbeat-message', [CompletionResultType]::ParameterName, 'The message --heartbeat sends, e.g. ''{"op":"ping"}''')
            [CompletionResult]::new('--reply', '--reply', [CompletionResultType]::ParameterName, 'Answer a received message that matches MATCH (its whole text, or a jq expression when it starts with ''.'' or ''select('') with RESPONSE (repeatable; rate-limited)')
            [CompletionResult]::new('--ping-interval', '--ping-interval', [CompletionResultType]::ParameterName, 'Send a ping every SECS and track the round-trip time')
            [CompletionResult]::new('--ping-timeout', '--ping-timeout', [CompletionResultType]::ParameterName, 'Declare the peer dead when a ping has no pong after SECS (needs --ping-interval)')
            [CompletionResult]::new('--max-message-size', '--max-message-size', [CompletionResultType]::ParameterName, 'Largest message accepted from the peer (suffixes K, M, G); larger ones close with 1009')
            [CompletionResult]::new('--dump-bytes', '--dump-bytes', [CompletionResultType]::ParameterName, 'How many payload bytes --hexdump shows per frame')
            [CompletionResult]::new('--binary-output', '--binary-output', [CompletionResultType]::ParameterName, 'How received binary messages are written to stdout in pipe mode: raw bytes, hex or base64, each followed by the separator')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--show-credentials', '--show-credentials', [CompletionResultType]::ParameterName, 'Show credentials (Authorization values) in the displayed handshake instead of masking them')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Follow HTTP redirects (301, 302, 303, 307, 308) of the upgrade request')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Follow HTTP redirects (301, 302, 303, 307, 308) of the upgrade request')
            [CompletionResult]::new('--no-deflate', '--no-deflate', [CompletionResultType]::ParameterName, 'Do not offer permessage-deflate (compression), which wscope offers by default as browsers do')
            [CompletionResult]::new('--keep-extensions', '--keep-extensions', [CompletionResultType]::ParameterName, 'With --from-curl or `wscope curl`: send the copied Sec-WebSocket-Extensions header instead of wscope''s own permessage-deflate offer')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate or host name (prints a warning)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate or host name (prints a warning)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Send each stdin line as a binary message instead of text')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'Send each stdin line as a binary message instead of text')
            [CompletionResult]::new('--reflect', '--reflect', [CompletionResultType]::ParameterName, 'Echo every received data message back unchanged until the peer closes')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'After an abnormal closure or a failed connect, connect again (exponential backoff with jitter); unsent input is sent on the new connection')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the handshake and control frames on stderr in pipe mode (always shown in the REPL)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the handshake and control frames on stderr in pipe mode (always shown in the REPL)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Print one line per frame on the wire, both directions (FIN, RSV, opcode, mask key, length)')
            [CompletionResult]::new('--frames', '--frames', [CompletionResultType]::ParameterName, 'Print one line per frame on the wire, both directions (FIN, RSV, opcode, mask key, length)')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'With --frames, also hex-dump each frame''s header bytes and first payload bytes')
            [CompletionResult]::new('--hexdump', '--hexdump', [CompletionResultType]::ParameterName, 'With --frames, also hex-dump each frame''s header bytes and first payload bytes')
            [CompletionResult]::new('--dump-handshake', '--dump-handshake', [CompletionResultType]::ParameterName, 'Hex-dump the handshake bytes too')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'Print every event as one JSON object per line on stdout')
            [CompletionResult]::new('-0', '-0', [CompletionResultType]::ParameterName, 'Separate messages with NUL instead of newline, on stdout and (unless --input says otherwise) on stdin: for messages that contain newlines')
            [CompletionResult]::new('--null', '--null', [CompletionResultType]::ParameterName, 'Separate messages with NUL instead of newline, on stdout and (unless --input says otherwise) on stdin: for messages that contain newlines')
            [CompletionResult]::new('--timing', '--timing', [CompletionResultType]::ParameterName, 'At the end, print how long DNS, proxy, connect, TLS, the upgrade and the first message took')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Prefix printed events with the time')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Prefix printed events with the time')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Do not read or write the REPL history file')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'wscope;curl' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'wscope;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a local server: an echo server (text and binary echoed, pings answered, close handshake done), a chat room (--broadcast), or a program per connection (--coproc)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Start an echo server on a free loopback port and connect to it; takes the client options, as in: wscope demo -x')
            [CompletionResult]::new('curl', 'curl', [CompletionResultType]::ParameterValue, 'Open the WebSocket a copied curl command describes: paste a browser''s "Copy as cURL" after `wscope` (URL, -H headers, -b cookies, --compressed, -k; http(s):// becomes ws(s)://); what was kept and dropped is said on stderr. For wscope''s own options use --from-curl ''curl ...'' instead')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wscope;help;serve' {
            break
        }
        'wscope;help;demo' {
            break
        }
        'wscope;help;curl' {
            break
        }
        'wscope;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
