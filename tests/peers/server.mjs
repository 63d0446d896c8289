// A WebSocket server for wscope's tests on Node's `ws` library, with the same behaviours and the
// same JSON events as server.py: binds 127.0.0.1 on a free port, prints the port as the first
// stdout line, then one JSON event per line (see README.md).

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    deflate: { type: 'string', default: 'on' },
    // Where setup.sh ran `npm ci` (the `ws` package is resolved from there).
    'node-dir': { type: 'string', default: path.join(here, '..', '..', 'target', 'peers', 'node') },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
if (!['on', 'off'].includes(args.deflate)) {
  console.error(`--deflate must be on or off, not ${args.deflate}`);
  process.exit(2);
}
const { WebSocketServer } = createRequire(path.join(args['node-dir'], 'package.json'))('ws');

const FORBIDDEN_BODY = JSON.stringify({ error: 'forbidden', detail: 'origin not allowed' });

// Behaviour path -> defaults of its query parameters.
const ROUTES = {
  '/echo': {},
  '/stream': { interval_ms: '20' },
  '/subscribe': { interval_ms: '20' },
  '/close': { code: '4000', reason: 'bye' },
  '/echo-close': { code: '1000', reason: 'done' },
  '/forbidden': {},
  '/subprotocol': {},
  '/chat': {},
};

function emit(event, fields = {}) {
  process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');
}

// The behaviour a request target asks for, with its parameters (defaults filled in).
class Route {
  constructor(target) {
    const url = new URL(target, 'http://127.0.0.1');
    this.target = target;
    this.path = url.pathname;
    this.known = Object.hasOwn(ROUTES, this.path);
    this.params = { ...(ROUTES[this.path] ?? {}) };
    for (const key of new Set(url.searchParams.keys())) {
      this.params[key] = url.searchParams.getAll(key).at(-1);
    }
  }

  // The HTTP status that refuses this upgrade, or null to accept it.
  status() {
    if (this.path === '/forbidden') return 403;
    return this.known ? null : 404;
  }

  // `/chat` selects `chat` when offered; every other behaviour selects none.
  subprotocol(offered) {
    return this.path === '/chat' && offered.has('chat') ? 'chat' : false;
  }

  number(name, low, high) {
    const raw = this.params[name];
    const value = /^\s*[-+]?\d+\s*$/.test(raw) ? parseInt(raw, 10) : parseInt(ROUTES[this.path][name], 10);
    return Math.min(Math.max(value, low), high);
  }
}

function lowerHeaders(req) {
  const pairs = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    pairs.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
  }
  return pairs;
}

function logMessage(data, isBinary) {
  if (isBinary) {
    emit('message', { type: 'binary', length: data.length, base64: data.toString('base64') });
  } else {
    emit('message', { type: 'text', length: data.length, text: data.toString('utf8') });
  }
}

function refuse(socket, route, req, status) {
  emit('rejected', { path: route.target, headers: lowerHeaders(req), status });
  const [reason, type, body] =
    status === 403
      ? ['Forbidden', 'application/json', FORBIDDEN_BODY]
      : ['Not Found', 'text/plain', 'no such behaviour\n'];
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: ${type}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

// Sends `prefix 1`, `prefix 2`, ... every interval; returns the timer to stop.
function push(ws, prefix, intervalMs) {
  let n = 0;
  const tick = () => {
    n += 1;
    ws.send(`${prefix} ${n}`, () => {});
  };
  tick();
  return setInterval(tick, intervalMs);
}

function closeAfterFirst(ws, route, echoFirst) {
  ws.once('message', (data, isBinary) => {
    logMessage(data, isBinary);
    if (echoFirst) ws.send(data, { binary: isBinary });
    const code = route.number('code', 1000, 4999);
    const reason = route.params.reason;
    emit('server_close', { code, reason });
    ws.close(code, reason);
  });
}

function behave(ws, route) {
  let timer = null;
  ws.on('close', (code, reason) => {
    clearInterval(timer);
    if (code === 1006) emit('disconnect');
    else emit('close', { code, reason: reason.toString('utf8') });
  });
  ws.on('error', (err) => emit('error', { message: `${err.name}: ${err.message}` }));
  const interval = () => route.number('interval_ms', 1, 60000);
  switch (route.path) {
    case '/stream':
      timer = push(ws, 'msg', interval());
      break;
    case '/subscribe':
      ws.on('message', (data, isBinary) => {
        logMessage(data, isBinary);
        timer ??= push(ws, 'tick', interval());
      });
      break;
    case '/close':
      closeAfterFirst(ws, route, false);
      break;
    case '/echo-close':
      closeAfterFirst(ws, route, true);
      break;
    default:
      ws.on('message', (data, isBinary) => {
        logMessage(data, isBinary);
        ws.send(data, { binary: isBinary });
      });
  }
}

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: args.deflate === 'on',
  handleProtocols: (offered, req) => new Route(req.url).subprotocol(offered),
});

const server = createServer((req, res) => {
  res.writeHead(426, { 'Content-Type': 'text/plain' });
  res.end('WebSocket only\n');
});

server.on('upgrade', (req, socket, head) => {
  socket.on('error', (err) => emit('error', { message: `${err.name}: ${err.message}` }));
  const route = new Route(req.url);
  const status = route.status();
  if (status !== null) {
    refuse(socket, route, req, status);
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const extensions = ws.extensions ? ws.extensions.split(',') : [];
    const offered = (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((token) => token.trim())
      .filter((token) => token);
    emit('open', {
      path: route.target,
      headers: lowerHeaders(req),
      offered,
      subprotocol: ws.protocol || null,
      extensions,
    });
    behave(ws, route);
  });
});

if (args['exit-with-stdin']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
