# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_wscope_global_optspecs
    string join \n H/header= s/subprotocol= origin= u/user= A/user-agent= connect-timeout= handshake-timeout= show-credentials proxy= noproxy= L/location no-deflate deflate-window-bits= max-redirs= unix-socket= cookie= from-curl= keep-extensions cacert= cert= key= k/insecure b/binary coproc= input= e/execute= n/count= w/wait= idle= reflect fragment= reconnect reconnect-max= init= init-file= close-timeout= heartbeat= heartbeat-message= reply= ping-interval= ping-timeout= max-message-size= v/verbose x/frames X/hexdump dump-bytes= dump-handshake jsonl record= binary-output= 0/null timing t/timestamps color= no-history pretty filter= r/raw-output filter-strict decode= proto= connect-payload= eio= socketio-path= graphql-dialect= stomp-host= subscribe= destination= ack= stomp-split= id-start= call-timeout= generate= h/help V/version
end

function __fish_wscope_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_wscope_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_wscope_using_subcommand
    set -l cmd (__fish_wscope_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c wscope -n "__fish_wscope_needs_command" -s H -l header -d 'Add a request header (repeatable); replaces a default header of the same name' -r
complete -c wscope -n "__fish_wscope_needs_command" -s s -l subprotocol -d 'Offer a subprotocol (repeatable, in order of preference)' -r
complete -c wscope -n "__fish_wscope_needs_command" -l origin -d 'Origin header to send' -r
complete -c wscope -n "__fish_wscope_needs_command" -s u -l user -l auth -d 'Basic authentication (overrides user:pass@ in the URL)' -r
complete -c wscope -n "__fish_wscope_needs_command" -s A -l user-agent -d 'User-Agent header [default: wscope/VERSION]' -r
complete -c wscope -n "__fish_wscope_needs_command" -l connect-timeout -d 'Give up connecting (DNS and TCP) after SECS' -r
complete -c wscope -n "__fish_wscope_needs_command" -l handshake-timeout -d 'Give up on TLS and the HTTP upgrade after SECS' -r
complete -c wscope -n "__fish_wscope_needs_command" -l proxy -d 'Go through this proxy: http://[user:pass@]host:port, socks5://..., socks5h://... (default: the environment, as curl reads it; "" for none)' -r
complete -c wscope -n "__fish_wscope_needs_command" -l noproxy -d 'Hosts that bypass the proxy: comma-separated names (with their subdomains), IPs, or *' -r
complete -c wscope -n "__fish_wscope_needs_command" -l deflate-window-bits -d '[breaks RFC] Compress what wscope sends with a window of N bits (8-15), whatever was agreed: for testing how a server copes' -r
complete -c wscope -n "__fish_wscope_needs_command" -l max-redirs -d 'How many redirects -L follows at most' -r
complete -c wscope -n "__fish_wscope_needs_command" -l unix-socket -d 'Connect through this Unix domain socket instead of TCP; the URL still gives the Host header and the path' -r -F
complete -c wscope -n "__fish_wscope_needs_command" -l cookie -d 'Send these cookies (\'name=value; other=value\'), after those of --from-curl' -r
complete -c wscope -n "__fish_wscope_needs_command" -l from-curl -d 'Open the WebSocket of a copied curl command (a browser\'s "Copy as cURL"): its URL, headers, cookies; wscope\'s own options given beside it win. Says on stderr what it kept and dropped' -r
complete -c wscope -n "__fish_wscope_needs_command" -l cacert -d 'Trust the CA certificate(s) in this PEM file (in addition to the system roots)' -r -F
complete -c wscope -n "__fish_wscope_needs_command" -l cert -d 'Client certificate (PEM); needs --key' -r -F
complete -c wscope -n "__fish_wscope_needs_command" -l key -d 'Private key of the client certificate (PEM, PKCS#8)' -r -F
complete -c wscope -n "__fish_wscope_needs_command" -l coproc -d 'Run CMD (with sh -c) once connected, in place of stdin and stdout: each line it prints is sent, each message received is a line on its stdin (-b, -0, --input, --binary-output apply); when it exits wscope closes (1000; 1011 if a signal killed it), when the connection ends its stdin is closed and it gets --close-timeout to exit. Its stderr is wscope\'s' -r
complete -c wscope -n "__fish_wscope_needs_command" -l input -d 'How stdin is cut into messages: a line each, a NUL-terminated record each (as -0), all of it as one message, or a JSON value each (sent compact) [default: lines]' -r -f -a "lines\t'One message per line (LF or CRLF)'
nul\t'One message per NUL-terminated record (as with -0)'
whole\t'All of stdin is one message'
json\t'One message per JSON value of a stream, pretty-printed or not, sent compact'"
complete -c wscope -n "__fish_wscope_needs_command" -s e -l execute -d 'Send MSG instead of reading stdin (repeatable)' -r
complete -c wscope -n "__fish_wscope_needs_command" -s n -l count -d 'Print exactly N received messages, then close; wait for them however long the gaps (bounded by --wait); fewer than N exits with status 12' -r
complete -c wscope -n "__fish_wscope_needs_command" -s w -l wait -d 'After input ends, keep receiving for SECS, then close (replaces the idle window unless --idle is given too)' -r
complete -c wscope -n "__fish_wscope_needs_command" -l idle -d 'After input ends, close once no message has arrived for SECS (each message restarts the window; 0 closes at once) [default: 1]' -r
complete -c wscope -n "__fish_wscope_needs_command" -l fragment -d 'Send every message as N fragments (a TEXT or BINARY frame, then CONT frames)' -r
complete -c wscope -n "__fish_wscope_needs_command" -l reconnect-max -d 'Give up after N reconnect attempts in a row (default: no limit)' -r
complete -c wscope -n "__fish_wscope_needs_command" -l init -d 'Send MSG first on every connection, before any input (repeatable)' -r
complete -c wscope -n "__fish_wscope_needs_command" -l init-file -d 'Send each line of FILE first on every connection, after the --init messages' -r -F
complete -c wscope -n "__fish_wscope_needs_command" -l close-timeout -d 'After sending Close, wait at most SECS for the peer\'s Close' -r
complete -c wscope -n "__fish_wscope_needs_command" -l heartbeat -d 'Send MSG as a text message every SECS, for APIs that want an application-level keepalive (needs --heartbeat-message). Under --proto stomp: the STOMP heart-beats, every SECS both ways as CONNECT offers them (default 10; 0: none)' -r
complete -c wscope -n "__fish_wscope_needs_command" -l heartbeat-message -d 'The message --heartbeat sends, e.g. \'{"op":"ping"}\'' -r
complete -c wscope -n "__fish_wscope_needs_command" -l reply -d 'Answer a received message that matches MATCH with RESPONSE (repeatable; rate-limited). MATCH is the whole text; \'jq:FILTER\' a jq filter; \'text:TEXT\' the whole text whatever it starts with (a bare MATCH starting with \'.\' or \'select(\' is jq); \'\\=>\' is \'=>\' in MATCH' -r
complete -c wscope -n "__fish_wscope_needs_command" -l ping-interval -d 'Send a ping every SECS and track the round-trip time' -r
complete -c wscope -n "__fish_wscope_needs_command" -l ping-timeout -d 'Declare the peer dead when a ping has no pong after SECS (needs --ping-interval)' -r
complete -c wscope -n "__fish_wscope_needs_command" -l max-message-size -d 'Largest message accepted from the peer (suffixes K, M, G); larger ones close with 1009' -r
complete -c wscope -n "__fish_wscope_needs_command" -l dump-bytes -d 'How many payload bytes --hexdump shows per frame' -r
complete -c wscope -n "__fish_wscope_needs_command" -l record -d 'Also write every event as JSON Lines (the --jsonl schema) into FILE, in any mode, the REPL included; `wscope replay FILE` sends it again' -r -F
complete -c wscope -n "__fish_wscope_needs_command" -l binary-output -d 'How received binary messages are written to stdout in pipe mode: raw bytes, hex or base64, each followed by the separator' -r -f -a "raw\t'The bytes as they are'
hex\t'Lower-case hex digits'
base64\t'Standard base64 with padding'"
complete -c wscope -n "__fish_wscope_needs_command" -l color -d 'When to use colours' -r -f -a "auto\t'Colour when the stream is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c wscope -n "__fish_wscope_needs_command" -l filter -d 'Apply a jq expression to every received JSON message and print each result as compact JSON instead of the message; messages that are not JSON pass through (REPL: /filter)' -r
complete -c wscope -n "__fish_wscope_needs_command" -l decode -d 'Inflate binary messages compressed by the application (gzip, zlib, raw deflate; auto recognises gzip and zlib headers) before they are shown or filtered; decoded size bounded by --max-message-size' -r -f -a "gzip\t''
zlib\t''
deflate\t''
auto\t''"
complete -c wscope -n "__fish_wscope_needs_command" -l proto -d 'Speak an application protocol over the WebSocket: wscope does its handshake and keepalive; what you type or pipe is its messages, each message received prints as one line (compact JSON), and -v and -x still show every WebSocket message and frame' -r -f -a "socketio\t'Socket.IO: protocol v5 over Engine.IO 4 (Socket.IO 3 and later; v4 over Engine.IO 3 with --eio 3); the URL is the one the official client takes'
graphql\t'GraphQL over WebSocket, both dialects: graphql-transport-ws (the graphql-ws library) and the legacy graphql-ws (Apollo\'s subscriptions-transport-ws), the one the server selects'
stomp\t'STOMP 1.0-1.2 (RabbitMQ, ActiveMQ, Spring\'s brokers); the URL is the broker\'s STOMP-over-WebSocket endpoint'
jsonrpc\t'JSON-RPC 2.0: calls matched to their answers by id (Ethereum and Solana nodes, rpc-websockets, language servers)'"
complete -c wscope -n "__fish_wscope_needs_command" -l connect-payload -d 'The payload of the protocol\'s connect message, a JSON object (Socket.IO: the CONNECT\'s auth and GraphQL: the connection_init payload, e.g. \'{"token":"..."}\'; STOMP: more CONNECT headers, e.g. \'{"Authorization":"Bearer ..."}\')' -r
complete -c wscope -n "__fish_wscope_needs_command" -l eio -d 'Socket.IO: the Engine.IO revision, 4 (Socket.IO 3 and later) or 3 (Socket.IO 2 servers) [default: 4]' -r
complete -c wscope -n "__fish_wscope_needs_command" -l socketio-path -d 'Socket.IO: the server\'s Engine.IO path, for servers mounted elsewhere [default: /socket.io]' -r
complete -c wscope -n "__fish_wscope_needs_command" -l graphql-dialect -d 'GraphQL: speak this dialect only (its subprotocol alone is offered) [default: the one the server selects from graphql-transport-ws, graphql-ws; after a 1002 from a server that selected the first, graphql-ws alone is offered on a second connection]' -r -f -a "transport-ws\t'graphql-transport-ws, the graphql-ws library\'s protocol'
legacy\t'The legacy graphql-ws subprotocol (subscriptions-transport-ws)'"
complete -c wscope -n "__fish_wscope_needs_command" -l stomp-host -d 'STOMP: the host CONNECT names, which brokers take as the virtual host (RabbitMQ refuses one it does not know) [default: /]' -r
complete -c wscope -n "__fish_wscope_needs_command" -l subscribe -d 'STOMP: SUBSCRIBE to DEST once connected (repeatable); each MESSAGE prints as one line, its body' -r
complete -c wscope -n "__fish_wscope_needs_command" -l destination -d 'STOMP: SEND each stdin line (or plain REPL line) to DEST' -r
complete -c wscope -n "__fish_wscope_needs_command" -l ack -d 'STOMP: the ack mode of the subscriptions; with client modes wscope ACKs each message it printed and NACKs those past -n (in the REPL: /ack and /nack) [default: auto]' -r -f -a "auto\t'The broker counts a message acknowledged once sent'
client\t'ACK (cumulative: a message and every earlier one of its subscription)'
client-individual\t'ACK each message'"
complete -c wscope -n "__fish_wscope_needs_command" -l stomp-split -d 'STOMP: send a frame larger than BYTES as several WebSocket messages of at most BYTES each (suffixes K, M), as Spring\'s brokers take large frames' -r
complete -c wscope -n "__fish_wscope_needs_command" -l id-start -d 'JSON-RPC: the first id wscope gives a call (then the next free ones) [default: 1]' -r
complete -c wscope -n "__fish_wscope_needs_command" -l call-timeout -d 'JSON-RPC: how long a call may wait for its answer before it counts as failed; 0: as long as the session lasts [default: 30]' -r
complete -c wscope -n "__fish_wscope_needs_command" -l generate -d 'Write shell completions or the man page to stdout (bash, zsh, fish, powershell, elvish, man), or `all` to write them into ./completions and ./man' -r
complete -c wscope -n "__fish_wscope_needs_command" -l show-credentials -d 'Show credentials instead of masking them (Authorization, Proxy-Authorization and Cookie values, URL passwords), on the screen, in --jsonl and in --record files'
complete -c wscope -n "__fish_wscope_needs_command" -s L -l location -d 'Follow HTTP redirects (301, 302, 303, 307, 308) of the upgrade request'
complete -c wscope -n "__fish_wscope_needs_command" -l no-deflate -d 'Do not offer permessage-deflate (compression), which wscope offers by default as browsers do'
complete -c wscope -n "__fish_wscope_needs_command" -l keep-extensions -d 'With --from-curl or `wscope curl`: send the copied Sec-WebSocket-Extensions header instead of wscope\'s own permessage-deflate offer'
complete -c wscope -n "__fish_wscope_needs_command" -s k -l insecure -d 'Do not verify the server\'s certificate or host name (prints a warning)'
complete -c wscope -n "__fish_wscope_needs_command" -s b -l binary -d 'Send each stdin line as a binary message instead of text'
complete -c wscope -n "__fish_wscope_needs_command" -l reflect -d 'Echo every received data message back unchanged until the peer closes'
complete -c wscope -n "__fish_wscope_needs_command" -l reconnect -d 'After an abnormal closure or a failed connect, connect again (exponential backoff with jitter); unsent input is sent on the new connection'
complete -c wscope -n "__fish_wscope_needs_command" -s v -l verbose -d 'Show the handshake and control frames on stderr in pipe mode (always shown in the REPL)'
complete -c wscope -n "__fish_wscope_needs_command" -s x -l frames -d 'Print one line per frame on the wire, both directions (FIN, RSV, opcode, mask key, length)'
complete -c wscope -n "__fish_wscope_needs_command" -s X -l hexdump -d 'With --frames, also hex-dump each frame\'s header bytes and first payload bytes'
complete -c wscope -n "__fish_wscope_needs_command" -l dump-handshake -d 'Hex-dump the handshake bytes too'
complete -c wscope -n "__fish_wscope_needs_command" -l jsonl -d 'Print every event as one JSON object per line on stdout'
complete -c wscope -n "__fish_wscope_needs_command" -s 0 -l null -d 'Separate messages with NUL instead of newline, on stdout and (unless --input says otherwise) on stdin: for messages that contain newlines'
complete -c wscope -n "__fish_wscope_needs_command" -l timing -d 'At the end, print how long DNS, proxy, connect, TLS, the upgrade and the first message took'
complete -c wscope -n "__fish_wscope_needs_command" -s t -l timestamps -d 'Prefix printed events with the time'
complete -c wscope -n "__fish_wscope_needs_command" -l no-history -d 'Do not read or write the REPL history file'
complete -c wscope -n "__fish_wscope_needs_command" -l pretty -d 'Indent received JSON (two spaces, as jq does), on a pipe too; on a terminal JSON is shown highlighted, compact without this (REPL: /pretty on|off)'
complete -c wscope -n "__fish_wscope_needs_command" -s r -l raw-output -d 'Print string results of --filter without quotes, as jq -r does'
complete -c wscope -n "__fish_wscope_needs_command" -l filter-strict -d 'With --filter, drop messages that are not JSON instead of passing them through'
complete -c wscope -n "__fish_wscope_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wscope -n "__fish_wscope_needs_command" -s V -l version -d 'Print version'
complete -c wscope -n "__fish_wscope_needs_command" -a "serve" -d 'Run a local server: an echo server (text and binary echoed, pings answered, close handshake done), a chat room (--broadcast), or a program per connection (--coproc)'
complete -c wscope -n "__fish_wscope_needs_command" -a "demo" -d 'Start an echo server on a free loopback port and connect to it; takes the client options, as in: wscope demo -x'
complete -c wscope -n "__fish_wscope_needs_command" -a "replay" -d 'Send a recording (--record FILE) again: its messages at their recorded moments, to the recorded URL or another; with --expect, compare what comes back; takes the client options'
complete -c wscope -n "__fish_wscope_needs_command" -a "probe" -d 'Check a server against RFC 6455 and RFC 7692: a report card of PASS, FAIL, WARN, INFO and SKIP, one line per check with its RFC section and what the server did'
complete -c wscope -n "__fish_wscope_needs_command" -a "curl" -d 'Open the WebSocket a copied curl command describes: paste a browser\'s "Copy as cURL" after `wscope` (URL, -H headers, -b cookies, --compressed, -k; http(s):// becomes ws(s)://); what was kept and dropped is said on stderr. For wscope\'s own options use --from-curl \'curl ...\' instead'
complete -c wscope -n "__fish_wscope_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wscope -n "__fish_wscope_using_subcommand serve" -s l -l listen -d 'Address to listen on (port 0 picks a free port); beyond loopback only when told' -r
complete -c wscope -n "__fish_wscope_using_subcommand serve" -l unix-socket -d 'Listen on this Unix domain socket instead of TCP (removed again on Ctrl-C)' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand serve" -l coproc -d 'Run CMD (with sh -c) for every connection, websocketd style: each message received is a line on its stdin, each line it prints is sent; the request is in CGI environment variables (REQUEST_URI, QUERY_STRING, REMOTE_ADDR, HTTP_*, ...). Its exit closes the connection with 1000, death by a signal with 1011' -r
complete -c wscope -n "__fish_wscope_using_subcommand serve" -l max-clients -d 'Serve at most N connections at once; more are refused with 429' -r
complete -c wscope -n "__fish_wscope_using_subcommand serve" -l allow-origin -d 'Accept upgrades from web pages of ORIGIN (repeatable; \'*\' for any). With --coproc an upgrade carrying any other Origin is refused (403), so a web page cannot drive CMD' -r
complete -c wscope -n "__fish_wscope_using_subcommand serve" -l broadcast -d 'Send every message from one client to all clients (the sender too): a chat room for testing fan-out'
complete -c wscope -n "__fish_wscope_using_subcommand serve" -s h -l help -d 'Print help'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s H -l header -d 'Add a request header (repeatable); replaces a default header of the same name' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s s -l subprotocol -d 'Offer a subprotocol (repeatable, in order of preference)' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l origin -d 'Origin header to send' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s u -l user -l auth -d 'Basic authentication (overrides user:pass@ in the URL)' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s A -l user-agent -d 'User-Agent header [default: wscope/VERSION]' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l connect-timeout -d 'Give up connecting (DNS and TCP) after SECS' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l handshake-timeout -d 'Give up on TLS and the HTTP upgrade after SECS' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l proxy -d 'Go through this proxy: http://[user:pass@]host:port, socks5://..., socks5h://... (default: the environment, as curl reads it; "" for none)' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l noproxy -d 'Hosts that bypass the proxy: comma-separated names (with their subdomains), IPs, or *' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l deflate-window-bits -d '[breaks RFC] Compress what wscope sends with a window of N bits (8-15), whatever was agreed: for testing how a server copes' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l max-redirs -d 'How many redirects -L follows at most' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l unix-socket -d 'Connect through this Unix domain socket instead of TCP; the URL still gives the Host header and the path' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l cookie -d 'Send these cookies (\'name=value; other=value\'), after those of --from-curl' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l from-curl -d 'Open the WebSocket of a copied curl command (a browser\'s "Copy as cURL"): its URL, headers, cookies; wscope\'s own options given beside it win. Says on stderr what it kept and dropped' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l cacert -d 'Trust the CA certificate(s) in this PEM file (in addition to the system roots)' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l cert -d 'Client certificate (PEM); needs --key' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l key -d 'Private key of the client certificate (PEM, PKCS#8)' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l coproc -d 'Run CMD (with sh -c) once connected, in place of stdin and stdout: each line it prints is sent, each message received is a line on its stdin (-b, -0, --input, --binary-output apply); when it exits wscope closes (1000; 1011 if a signal killed it), when the connection ends its stdin is closed and it gets --close-timeout to exit. Its stderr is wscope\'s' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l input -d 'How stdin is cut into messages: a line each, a NUL-terminated record each (as -0), all of it as one message, or a JSON value each (sent compact) [default: lines]' -r -f -a "lines\t'One message per line (LF or CRLF)'
nul\t'One message per NUL-terminated record (as with -0)'
whole\t'All of stdin is one message'
json\t'One message per JSON value of a stream, pretty-printed or not, sent compact'"
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s e -l execute -d 'Send MSG instead of reading stdin (repeatable)' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s n -l count -d 'Print exactly N received messages, then close; wait for them however long the gaps (bounded by --wait); fewer than N exits with status 12' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s w -l wait -d 'After input ends, keep receiving for SECS, then close (replaces the idle window unless --idle is given too)' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l idle -d 'After input ends, close once no message has arrived for SECS (each message restarts the window; 0 closes at once) [default: 1]' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l fragment -d 'Send every message as N fragments (a TEXT or BINARY frame, then CONT frames)' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l reconnect-max -d 'Give up after N reconnect attempts in a row (default: no limit)' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l init -d 'Send MSG first on every connection, before any input (repeatable)' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l init-file -d 'Send each line of FILE first on every connection, after the --init messages' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l close-timeout -d 'After sending Close, wait at most SECS for the peer\'s Close' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l heartbeat -d 'Send MSG as a text message every SECS, for APIs that want an application-level keepalive (needs --heartbeat-message). Under --proto stomp: the STOMP heart-beats, every SECS both ways as CONNECT offers them (default 10; 0: none)' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l heartbeat-message -d 'The message --heartbeat sends, e.g. \'{"op":"ping"}\'' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l reply -d 'Answer a received message that matches MATCH with RESPONSE (repeatable; rate-limited). MATCH is the whole text; \'jq:FILTER\' a jq filter; \'text:TEXT\' the whole text whatever it starts with (a bare MATCH starting with \'.\' or \'select(\' is jq); \'\\=>\' is \'=>\' in MATCH' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l ping-interval -d 'Send a ping every SECS and track the round-trip time' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l ping-timeout -d 'Declare the peer dead when a ping has no pong after SECS (needs --ping-interval)' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l max-message-size -d 'Largest message accepted from the peer (suffixes K, M, G); larger ones close with 1009' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l dump-bytes -d 'How many payload bytes --hexdump shows per frame' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l record -d 'Also write every event as JSON Lines (the --jsonl schema) into FILE, in any mode, the REPL included; `wscope replay FILE` sends it again' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l binary-output -d 'How received binary messages are written to stdout in pipe mode: raw bytes, hex or base64, each followed by the separator' -r -f -a "raw\t'The bytes as they are'
hex\t'Lower-case hex digits'
base64\t'Standard base64 with padding'"
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l color -d 'When to use colours' -r -f -a "auto\t'Colour when the stream is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l filter -d 'Apply a jq expression to every received JSON message and print each result as compact JSON instead of the message; messages that are not JSON pass through (REPL: /filter)' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l decode -d 'Inflate binary messages compressed by the application (gzip, zlib, raw deflate; auto recognises gzip and zlib headers) before they are shown or filtered; decoded size bounded by --max-message-size' -r -f -a "gzip\t''
zlib\t''
deflate\t''
auto\t''"
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l proto -d 'Speak an application protocol over the WebSocket: wscope does its handshake and keepalive; what you type or pipe is its messages, each message received prints as one line (compact JSON), and -v and -x still show every WebSocket message and frame' -r -f -a "socketio\t'Socket.IO: protocol v5 over Engine.IO 4 (Socket.IO 3 and later; v4 over Engine.IO 3 with --eio 3); the URL is the one the official client takes'
graphql\t'GraphQL over WebSocket, both dialects: graphql-transport-ws (the graphql-ws library) and the legacy graphql-ws (Apollo\'s subscriptions-transport-ws), the one the server selects'
stomp\t'STOMP 1.0-1.2 (RabbitMQ, ActiveMQ, Spring\'s brokers); the URL is the broker\'s STOMP-over-WebSocket endpoint'
jsonrpc\t'JSON-RPC 2.0: calls matched to their answers by id (Ethereum and Solana nodes, rpc-websockets, language servers)'"
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l connect-payload -d 'The payload of the protocol\'s connect message, a JSON object (Socket.IO: the CONNECT\'s auth and GraphQL: the connection_init payload, e.g. \'{"token":"..."}\'; STOMP: more CONNECT headers, e.g. \'{"Authorization":"Bearer ..."}\')' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l eio -d 'Socket.IO: the Engine.IO revision, 4 (Socket.IO 3 and later) or 3 (Socket.IO 2 servers) [default: 4]' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l socketio-path -d 'Socket.IO: the server\'s Engine.IO path, for servers mounted elsewhere [default: /socket.io]' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l graphql-dialect -d 'GraphQL: speak this dialect only (its subprotocol alone is offered) [default: the one the server selects from graphql-transport-ws, graphql-ws; after a 1002 from a server that selected the first, graphql-ws alone is offered on a second connection]' -r -f -a "transport-ws\t'graphql-transport-ws, the graphql-ws library\'s protocol'
legacy\t'The legacy graphql-ws subprotocol (subscriptions-transport-ws)'"
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l stomp-host -d 'STOMP: the host CONNECT names, which brokers take as the virtual host (RabbitMQ refuses one it does not know) [default: /]' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l subscribe -d 'STOMP: SUBSCRIBE to DEST once connected (repeatable); each MESSAGE prints as one line, its body' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l destination -d 'STOMP: SEND each stdin line (or plain REPL line) to DEST' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l ack -d 'STOMP: the ack mode of the subscriptions; with client modes wscope ACKs each message it printed and NACKs those past -n (in the REPL: /ack and /nack) [default: auto]' -r -f -a "auto\t'The broker counts a message acknowledged once sent'
client\t'ACK (cumulative: a message and every earlier one of its subscription)'
client-individual\t'ACK each message'"
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l stomp-split -d 'STOMP: send a frame larger than BYTES as several WebSocket messages of at most BYTES each (suffixes K, M), as Spring\'s brokers take large frames' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l id-start -d 'JSON-RPC: the first id wscope gives a call (then the next free ones) [default: 1]' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l call-timeout -d 'JSON-RPC: how long a call may wait for its answer before it counts as failed; 0: as long as the session lasts [default: 30]' -r
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l show-credentials -d 'Show credentials instead of masking them (Authorization, Proxy-Authorization and Cookie values, URL passwords), on the screen, in --jsonl and in --record files'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s L -l location -d 'Follow HTTP redirects (301, 302, 303, 307, 308) of the upgrade request'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l no-deflate -d 'Do not offer permessage-deflate (compression), which wscope offers by default as browsers do'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l keep-extensions -d 'With --from-curl or `wscope curl`: send the copied Sec-WebSocket-Extensions header instead of wscope\'s own permessage-deflate offer'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s k -l insecure -d 'Do not verify the server\'s certificate or host name (prints a warning)'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s b -l binary -d 'Send each stdin line as a binary message instead of text'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l reflect -d 'Echo every received data message back unchanged until the peer closes'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l reconnect -d 'After an abnormal closure or a failed connect, connect again (exponential backoff with jitter); unsent input is sent on the new connection'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s v -l verbose -d 'Show the handshake and control frames on stderr in pipe mode (always shown in the REPL)'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s x -l frames -d 'Print one line per frame on the wire, both directions (FIN, RSV, opcode, mask key, length)'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s X -l hexdump -d 'With --frames, also hex-dump each frame\'s header bytes and first payload bytes'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l dump-handshake -d 'Hex-dump the handshake bytes too'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l jsonl -d 'Print every event as one JSON object per line on stdout'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s 0 -l null -d 'Separate messages with NUL instead of newline, on stdout and (unless --input says otherwise) on stdin: for messages that contain newlines'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l timing -d 'At the end, print how long DNS, proxy, connect, TLS, the upgrade and the first message took'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s t -l timestamps -d 'Prefix printed events with the time'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l no-history -d 'Do not read or write the REPL history file'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l pretty -d 'Indent received JSON (two spaces, as jq does), on a pipe too; on a terminal JSON is shown highlighted, compact without this (REPL: /pretty on|off)'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s r -l raw-output -d 'Print string results of --filter without quotes, as jq -r does'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -l filter-strict -d 'With --filter, drop messages that are not JSON instead of passing them through'
complete -c wscope -n "__fish_wscope_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l speed -d 'Play the recorded timing X times as fast (0.5: half as fast)' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s H -l header -d 'Add a request header (repeatable); replaces a default header of the same name' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s s -l subprotocol -d 'Offer a subprotocol (repeatable, in order of preference)' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l origin -d 'Origin header to send' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s u -l user -l auth -d 'Basic authentication (overrides user:pass@ in the URL)' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s A -l user-agent -d 'User-Agent header [default: wscope/VERSION]' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l connect-timeout -d 'Give up connecting (DNS and TCP) after SECS' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l handshake-timeout -d 'Give up on TLS and the HTTP upgrade after SECS' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l proxy -d 'Go through this proxy: http://[user:pass@]host:port, socks5://..., socks5h://... (default: the environment, as curl reads it; "" for none)' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l noproxy -d 'Hosts that bypass the proxy: comma-separated names (with their subdomains), IPs, or *' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l deflate-window-bits -d '[breaks RFC] Compress what wscope sends with a window of N bits (8-15), whatever was agreed: for testing how a server copes' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l max-redirs -d 'How many redirects -L follows at most' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l unix-socket -d 'Connect through this Unix domain socket instead of TCP; the URL still gives the Host header and the path' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l cookie -d 'Send these cookies (\'name=value; other=value\'), after those of --from-curl' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l from-curl -d 'Open the WebSocket of a copied curl command (a browser\'s "Copy as cURL"): its URL, headers, cookies; wscope\'s own options given beside it win. Says on stderr what it kept and dropped' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l cacert -d 'Trust the CA certificate(s) in this PEM file (in addition to the system roots)' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l cert -d 'Client certificate (PEM); needs --key' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l key -d 'Private key of the client certificate (PEM, PKCS#8)' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l coproc -d 'Run CMD (with sh -c) once connected, in place of stdin and stdout: each line it prints is sent, each message received is a line on its stdin (-b, -0, --input, --binary-output apply); when it exits wscope closes (1000; 1011 if a signal killed it), when the connection ends its stdin is closed and it gets --close-timeout to exit. Its stderr is wscope\'s' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l input -d 'How stdin is cut into messages: a line each, a NUL-terminated record each (as -0), all of it as one message, or a JSON value each (sent compact) [default: lines]' -r -f -a "lines\t'One message per line (LF or CRLF)'
nul\t'One message per NUL-terminated record (as with -0)'
whole\t'All of stdin is one message'
json\t'One message per JSON value of a stream, pretty-printed or not, sent compact'"
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s e -l execute -d 'Send MSG instead of reading stdin (repeatable)' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s n -l count -d 'Print exactly N received messages, then close; wait for them however long the gaps (bounded by --wait); fewer than N exits with status 12' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s w -l wait -d 'After input ends, keep receiving for SECS, then close (replaces the idle window unless --idle is given too)' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l idle -d 'After input ends, close once no message has arrived for SECS (each message restarts the window; 0 closes at once) [default: 1]' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l fragment -d 'Send every message as N fragments (a TEXT or BINARY frame, then CONT frames)' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l reconnect-max -d 'Give up after N reconnect attempts in a row (default: no limit)' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l init -d 'Send MSG first on every connection, before any input (repeatable)' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l init-file -d 'Send each line of FILE first on every connection, after the --init messages' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l close-timeout -d 'After sending Close, wait at most SECS for the peer\'s Close' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l heartbeat -d 'Send MSG as a text message every SECS, for APIs that want an application-level keepalive (needs --heartbeat-message). Under --proto stomp: the STOMP heart-beats, every SECS both ways as CONNECT offers them (default 10; 0: none)' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l heartbeat-message -d 'The message --heartbeat sends, e.g. \'{"op":"ping"}\'' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l reply -d 'Answer a received message that matches MATCH with RESPONSE (repeatable; rate-limited). MATCH is the whole text; \'jq:FILTER\' a jq filter; \'text:TEXT\' the whole text whatever it starts with (a bare MATCH starting with \'.\' or \'select(\' is jq); \'\\=>\' is \'=>\' in MATCH' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l ping-interval -d 'Send a ping every SECS and track the round-trip time' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l ping-timeout -d 'Declare the peer dead when a ping has no pong after SECS (needs --ping-interval)' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l max-message-size -d 'Largest message accepted from the peer (suffixes K, M, G); larger ones close with 1009' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l dump-bytes -d 'How many payload bytes --hexdump shows per frame' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l record -d 'Also write every event as JSON Lines (the --jsonl schema) into FILE, in any mode, the REPL included; `wscope replay FILE` sends it again' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l binary-output -d 'How received binary messages are written to stdout in pipe mode: raw bytes, hex or base64, each followed by the separator' -r -f -a "raw\t'The bytes as they are'
hex\t'Lower-case hex digits'
base64\t'Standard base64 with padding'"
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l color -d 'When to use colours' -r -f -a "auto\t'Colour when the stream is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l filter -d 'Apply a jq expression to every received JSON message and print each result as compact JSON instead of the message; messages that are not JSON pass through (REPL: /filter)' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l decode -d 'Inflate binary messages compressed by the application (gzip, zlib, raw deflate; auto recognises gzip and zlib headers) before they are shown or filtered; decoded size bounded by --max-message-size' -r -f -a "gzip\t''
zlib\t''
deflate\t''
auto\t''"
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l proto -d 'Speak an application protocol over the WebSocket: wscope does its handshake and keepalive; what you type or pipe is its messages, each message received prints as one line (compact JSON), and -v and -x still show every WebSocket message and frame' -r -f -a "socketio\t'Socket.IO: protocol v5 over Engine.IO 4 (Socket.IO 3 and later; v4 over Engine.IO 3 with --eio 3); the URL is the one the official client takes'
graphql\t'GraphQL over WebSocket, both dialects: graphql-transport-ws (the graphql-ws library) and the legacy graphql-ws (Apollo\'s subscriptions-transport-ws), the one the server selects'
stomp\t'STOMP 1.0-1.2 (RabbitMQ, ActiveMQ, Spring\'s brokers); the URL is the broker\'s STOMP-over-WebSocket endpoint'
jsonrpc\t'JSON-RPC 2.0: calls matched to their answers by id (Ethereum and Solana nodes, rpc-websockets, language servers)'"
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l connect-payload -d 'The payload of the protocol\'s connect message, a JSON object (Socket.IO: the CONNECT\'s auth and GraphQL: the connection_init payload, e.g. \'{"token":"..."}\'; STOMP: more CONNECT headers, e.g. \'{"Authorization":"Bearer ..."}\')' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l eio -d 'Socket.IO: the Engine.IO revision, 4 (Socket.IO 3 and later) or 3 (Socket.IO 2 servers) [default: 4]' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l socketio-path -d 'Socket.IO: the server\'s Engine.IO path, for servers mounted elsewhere [default: /socket.io]' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l graphql-dialect -d 'GraphQL: speak this dialect only (its subprotocol alone is offered) [default: the one the server selects from graphql-transport-ws, graphql-ws; after a 1002 from a server that selected the first, graphql-ws alone is offered on a second connection]' -r -f -a "transport-ws\t'graphql-transport-ws, the graphql-ws library\'s protocol'
legacy\t'The legacy graphql-ws subprotocol (subscriptions-transport-ws)'"
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l stomp-host -d 'STOMP: the host CONNECT names, which brokers take as the virtual host (RabbitMQ refuses one it does not know) [default: /]' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l subscribe -d 'STOMP: SUBSCRIBE to DEST once connected (repeatable); each MESSAGE prints as one line, its body' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l destination -d 'STOMP: SEND each stdin line (or plain REPL line) to DEST' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l ack -d 'STOMP: the ack mode of the subscriptions; with client modes wscope ACKs each message it printed and NACKs those past -n (in the REPL: /ack and /nack) [default: auto]' -r -f -a "auto\t'The broker counts a message acknowledged once sent'
client\t'ACK (cumulative: a message and every earlier one of its subscription)'
client-individual\t'ACK each message'"
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l stomp-split -d 'STOMP: send a frame larger than BYTES as several WebSocket messages of at most BYTES each (suffixes K, M), as Spring\'s brokers take large frames' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l id-start -d 'JSON-RPC: the first id wscope gives a call (then the next free ones) [default: 1]' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l call-timeout -d 'JSON-RPC: how long a call may wait for its answer before it counts as failed; 0: as long as the session lasts [default: 30]' -r
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l no-timing -d 'Send each message as soon as the one before it is out'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l expect -d 'Compare the messages received with the recorded ones, in order; when they differ, print a diff and exit with status 13'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l show-credentials -d 'Show credentials instead of masking them (Authorization, Proxy-Authorization and Cookie values, URL passwords), on the screen, in --jsonl and in --record files'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s L -l location -d 'Follow HTTP redirects (301, 302, 303, 307, 308) of the upgrade request'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l no-deflate -d 'Do not offer permessage-deflate (compression), which wscope offers by default as browsers do'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l keep-extensions -d 'With --from-curl or `wscope curl`: send the copied Sec-WebSocket-Extensions header instead of wscope\'s own permessage-deflate offer'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s k -l insecure -d 'Do not verify the server\'s certificate or host name (prints a warning)'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s b -l binary -d 'Send each stdin line as a binary message instead of text'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l reflect -d 'Echo every received data message back unchanged until the peer closes'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l reconnect -d 'After an abnormal closure or a failed connect, connect again (exponential backoff with jitter); unsent input is sent on the new connection'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s v -l verbose -d 'Show the handshake and control frames on stderr in pipe mode (always shown in the REPL)'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s x -l frames -d 'Print one line per frame on the wire, both directions (FIN, RSV, opcode, mask key, length)'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s X -l hexdump -d 'With --frames, also hex-dump each frame\'s header bytes and first payload bytes'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l dump-handshake -d 'Hex-dump the handshake bytes too'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l jsonl -d 'Print every event as one JSON object per line on stdout'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s 0 -l null -d 'Separate messages with NUL instead of newline, on stdout and (unless --input says otherwise) on stdin: for messages that contain newlines'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l timing -d 'At the end, print how long DNS, proxy, connect, TLS, the upgrade and the first message took'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s t -l timestamps -d 'Prefix printed events with the time'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l no-history -d 'Do not read or write the REPL history file'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l pretty -d 'Indent received JSON (two spaces, as jq does), on a pipe too; on a terminal JSON is shown highlighted, compact without this (REPL: /pretty on|off)'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s r -l raw-output -d 'Print string results of --filter without quotes, as jq -r does'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -l filter-strict -d 'With --filter, drop messages that are not JSON instead of passing them through'
complete -c wscope -n "__fish_wscope_using_subcommand replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wscope -n "__fish_wscope_using_subcommand probe" -s H -l header -d 'Add a request header (repeatable); replaces a default header of the same name' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -s s -l subprotocol -d 'Offer a subprotocol (repeatable, in order of preference)' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l origin -d 'Origin header to send' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -s u -l user -l auth -d 'Basic authentication (overrides user:pass@ in the URL)' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -s A -l user-agent -d 'User-Agent header [default: wscope/VERSION]' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l connect-timeout -d 'Give up connecting (DNS and TCP) after SECS' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l handshake-timeout -d 'Give up on TLS and the HTTP upgrade after SECS' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l proxy -d 'Go through this proxy: http://[user:pass@]host:port, socks5://..., socks5h://... (default: the environment, as curl reads it; "" for none)' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l noproxy -d 'Hosts that bypass the proxy: comma-separated names (with their subdomains), IPs, or *' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l deflate-window-bits -d '[breaks RFC] Compress what wscope sends with a window of N bits (8-15), whatever was agreed: for testing how a server copes' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l max-redirs -d 'How many redirects -L follows at most' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l unix-socket -d 'Connect through this Unix domain socket instead of TCP; the URL still gives the Host header and the path' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l cookie -d 'Send these cookies (\'name=value; other=value\'), after those of --from-curl' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l from-curl -d 'Open the WebSocket of a copied curl command (a browser\'s "Copy as cURL"): its URL, headers, cookies; wscope\'s own options given beside it win. Says on stderr what it kept and dropped' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l cacert -d 'Trust the CA certificate(s) in this PEM file (in addition to the system roots)' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l cert -d 'Client certificate (PEM); needs --key' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l key -d 'Private key of the client certificate (PEM, PKCS#8)' -r -F
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l only -d 'Run only the checks of these groups (repeatable or comma-separated)' -r -f -a "handshake\t'The upgrade: Accept, version, key, subprotocols, permessage-deflate'
messages\t'Data messages: echo detection, a fragmented message'
control\t'Ping and pong'
close\t'The closing handshake'
violations\t'Frames the server must fail the connection on'
limits\t'Largest message accepted, idle timeout'"
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l skip -d 'Leave out the checks of these groups (repeatable or comma-separated; the groups of --only)' -r -f -a "handshake\t'The upgrade: Accept, version, key, subprotocols, permessage-deflate'
messages\t'Data messages: echo detection, a fragmented message'
control\t'Ping and pong'
close\t'The closing handshake'
violations\t'Frames the server must fail the connection on'
limits\t'Largest message accepted, idle timeout'"
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l close-timeout -d 'Wait at most SECS for each answer the server owes (a pong, its Close, a refusal)' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l max-probe-size -d 'The largest message the search for the server\'s limit tries (suffixes K, M, G)' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l idle-probe -d 'Keep a connection idle for up to SECS to see whether and when the server closes it (off by default)' -r
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l color -d 'When to use colours' -r -f -a "auto\t'Colour when the stream is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l show-credentials -d 'Show credentials instead of masking them (Authorization, Proxy-Authorization and Cookie values, URL passwords), on the screen, in --jsonl and in --record files'
complete -c wscope -n "__fish_wscope_using_subcommand probe" -s L -l location -d 'Follow HTTP redirects (301, 302, 303, 307, 308) of the upgrade request'
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l no-deflate -d 'Do not offer permessage-deflate (compression), which wscope offers by default as browsers do'
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l keep-extensions -d 'With --from-curl or `wscope curl`: send the copied Sec-WebSocket-Extensions header instead of wscope\'s own permessage-deflate offer'
complete -c wscope -n "__fish_wscope_using_subcommand probe" -s k -l insecure -d 'Do not verify the server\'s certificate or host name (prints a warning)'
complete -c wscope -n "__fish_wscope_using_subcommand probe" -l jsonl -d 'Print one JSON object per check on stdout, then a summary'
complete -c wscope -n "__fish_wscope_using_subcommand probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wscope -n "__fish_wscope_using_subcommand curl" -s h -l help -d 'Print help'
complete -c wscope -n "__fish_wscope_using_subcommand help; and not __fish_seen_subcommand_from serve demo replay probe curl help" -f -a "serve" -d 'Run a local server: an echo server (text and binary echoed, pings answered, close handshake done), a chat room (--broadcast), or a program per connection (--coproc)'
complete -c wscope -n "__fish_wscope_using_subcommand help; and not __fish_seen_subcommand_from serve demo replay probe curl help" -f -a "demo" -d 'Start an echo server on a free loopback port and connect to it; takes the client options, as in: wscope demo -x'
complete -c wscope -n "__fish_wscope_using_subcommand help; and not __fish_seen_subcommand_from serve demo replay probe curl help" -f -a "replay" -d 'Send a recording (--record FILE) again: its messages at their recorded moments, to the recorded URL or another; with --expect, compare what comes back; takes the client options'
complete -c wscope -n "__fish_wscope_using_subcommand help; and not __fish_seen_subcommand_from serve demo replay probe curl help" -f -a "probe" -d 'Check a server against RFC 6455 and RFC 7692: a report card of PASS, FAIL, WARN, INFO and SKIP, one line per check with its RFC section and what the server did'
complete -c wscope -n "__fish_wscope_using_subcommand help; and not __fish_seen_subcommand_from serve demo replay probe curl help" -f -a "curl" -d 'Open the WebSocket a copied curl command describes: paste a browser\'s "Copy as cURL" after `wscope` (URL, -H headers, -b cookies, --compressed, -k; http(s):// becomes ws(s)://); what was kept and dropped is said on stderr. For wscope\'s own options use --from-curl \'curl ...\' instead'
complete -c wscope -n "__fish_wscope_using_subcommand help; and not __fish_seen_subcommand_from serve demo replay probe curl help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
