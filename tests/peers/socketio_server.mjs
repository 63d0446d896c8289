// A Socket.IO server for wscope's tests: the `socket.io` package, version 4 (Engine.IO 4, the
// default) or 2 (`--version 2`: Engine.IO 3, for `--eio 3`), with the same behaviours on both
// (README.md, "Socket.IO"). Binds 127.0.0.1 on a free port, prints the port as the first stdout
// line, then one JSON object per line for what it sees (connections, events, acks, disconnects).

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    version: { type: 'string', default: '4' },
    path: { type: 'string', default: '/socket.io' },
    'ping-interval': { type: 'string', default: '25000' },
    'ping-timeout': { type: 'string', default: '20000' },
    token: { type: 'string', default: 'secret' },
    // Where setup.sh ran `npm ci` (the packages are resolved from there).
    'node-dir': { type: 'string', default: path.join(here, '..', '..', 'target', 'peers', 'node') },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
if (!['2', '4'].includes(args.version)) {
  console.error(`--version must be 2 or 4, not ${args.version}`);
  process.exit(2);
}
const pingInterval = Number(args['ping-interval']);
const pingTimeout = Number(args['ping-timeout']);
if (!(pingInterval > 0 && pingTimeout > 0)) {
  console.error('--ping-interval and --ping-timeout take milliseconds');
  process.exit(2);
}
const load = createRequire(path.resolve(args['node-dir'], 'package.json'));

function emitLog(event, fields = {}) {
  process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');
}

// Event arguments as JSON for the log: each Buffer (wherever it is) as {"base64": ...}.
function loggable(value) {
  if (Buffer.isBuffer(value)) return { base64: value.toString('base64') };
  if (value instanceof ArrayBuffer) return { base64: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(loggable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, loggable(v)]));
  }
  return value === undefined ? null : value;
}

// What the client sent to authenticate: the CONNECT payload (v4) or the query (v2).
function credentials(socket) {
  return args.version === '4' ? socket.handshake.auth : socket.handshake.query;
}

// The auth middleware of /admin: `{"token": TOKEN}` (v4) or `?token=TOKEN` (v2), else refused.
function requireToken(socket, next) {
  const given = credentials(socket)?.token;
  if (given === args.token) {
    next();
    return;
  }
  emitLog('refused', { namespace: socket.nsp.name, auth: loggable(credentials(socket)) });
  next(new Error('not authorized'));
}

const BLOB = Buffer.from([0, 1, 2, 0xfe, 0xff]);

function behave(socket) {
  const namespace = socket.nsp.name;
  emitLog('connect', { namespace, id: socket.id, auth: loggable(credentials(socket)) });
  socket.emit('welcome', { namespace, id: socket.id });
  // Logs each event (whether the client asked for an ack) and hands the handler its arguments
  // and the ack callback (a no-op when none was asked for).
  const on = (name, handler) =>
    socket.on(name, (...list) => {
      const ack = typeof list.at(-1) === 'function' ? list.pop() : null;
      emitLog('message', { namespace, name, args: loggable(list), ack: ack !== null });
      handler(list, ack ?? (() => {}));
    });
  // Echoes its arguments (binary ones too) to the sender; acks with "ok" when asked.
  on('chat', (list, ack) => {
    socket.emit('chat', ...list);
    ack('ok');
  });
  // `socket.send(...)` from the client: echoed with `socket.send`.
  on('message', (list) => socket.send(...list));
  // Answers through the client's ack callback with the arguments it got.
  on('ack', (list, ack) => ack(...list));
  // Sends a Buffer, alone and inside an object.
  on('blob', () => socket.emit('blob', BLOB, { name: 'blob', data: BLOB }));
  // Asks the client for an ack; logs what it carried and emits it back as `answer`.
  on('ask', (list) => {
    socket.emit('question', ...(list.length ? list : ['ready?']), (...answer) => {
      emitLog('ack', { namespace, name: 'question', args: loggable(answer) });
      socket.emit('answer', ...answer);
    });
  });
  // Emits `tick` 1..N (default 5, at most 1000000), then `done` N: all at once, or one every
  // `interval` ms when given.
  on('stream', (list) => {
    const [count = 5, interval = 0] = list.map(Number);
    const total = Math.min(Number.isInteger(count) && count > 0 ? count : 0, 1_000_000);
    let n = 0;
    const tick = () => {
      n += 1;
      socket.emit('tick', n);
      if (n === total) socket.emit('done', total);
      else if (interval > 0) setTimeout(tick, interval);
    };
    if (interval > 0 && total > 0) tick();
    else while (n < total) tick();
  });
  // The server disconnects the client: from this namespace (DISCONNECT), or with `true` the
  // whole connection.
  on('bye', (list) => socket.disconnect(list[0] === true));
  socket.on('disconnect', (reason) => emitLog('disconnect', { namespace, id: socket.id, reason }));
}

const server = createServer();
const options = { path: args.path, pingInterval, pingTimeout };
let io;
if (args.version === '4') {
  const { Server } = load('socket.io');
  io = new Server(server, options);
} else {
  io = load('socket.io-v2')(server, options);
}
io.of('/').on('connection', behave);
io.of('/admin').use(requireToken).on('connection', behave);

if (args['exit-with-stdin']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
