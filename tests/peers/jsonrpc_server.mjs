// A JSON-RPC 2.0 WebSocket server for wscope's tests on `rpc-websockets` (the library Solana's
// web3.js speaks through), with the methods and the event of README.md, "JSON-RPC". Binds
// 127.0.0.1 on a free port, prints the port as the first stdout line, then one JSON object per
// line for each connection and each message it receives.

import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    // How often the `tick` event goes to the clients that subscribed to it (rpc.on).
    'tick-ms': { type: 'string', default: '100' },
    'node-dir': { type: 'string', default: path.join(here, '..', '..', 'target', 'peers', 'node') },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
const tickMs = Number(args['tick-ms']);
if (!(Number.isInteger(tickMs) && tickMs > 0)) {
  console.error('--tick-ms takes milliseconds');
  process.exit(2);
}
const { Server } = createRequire(path.resolve(args['node-dir'], 'package.json'))('rpc-websockets');

function emitLog(event, fields = {}) {
  process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');
}

const server = new Server({ host: '127.0.0.1', port: 0 });

// sum(a, b) or sum({a, b}).
server.register('sum', (params) => {
  const [a, b] = Array.isArray(params) ? params : [params?.a, params?.b];
  if (typeof a !== 'number' || typeof b !== 'number') {
    throw server.createError(-32602, 'Invalid params', 'sum takes two numbers');
  }
  return a + b;
});
// Answers with its params as they came.
server.register('echo', (params) => params ?? null);
// Always fails, with the params it got as the error's data.
server.register('fail', (params) => {
  throw server.createError(-32001, 'failed on purpose', { params: params ?? null });
});
// slow(ms[, value]): answers value (default ms) after ms milliseconds (at most 60000), so that
// a later quicker call is answered first.
server.register('slow', async (params) => {
  const [ms, value] = Array.isArray(params) ? params : [params?.ms, params?.value];
  const wait = Math.min(Math.max(Number(ms) || 0, 0), 60000);
  await sleep(wait);
  return value ?? wait;
});

// `tick` notifications ({"notification":"tick","params":{"n":N}}) for subscribers.
server.event('tick');
let n = 0;
setInterval(() => {
  n += 1;
  server.emit('tick', { n });
}, tickMs).unref();

server.on('connection', (socket, request) => {
  emitLog('open', { path: request.url });
  socket.on('message', (data, isBinary) =>
    emitLog('message', { type: isBinary ? 'binary' : 'text', text: data.toString('utf8') }),
  );
  socket.on('close', (code, reason) => emitLog('close', { code, reason: reason.toString('utf8') }));
});

if (args['exit-with-stdin']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

server.on('listening', () => {
  process.stdout.write(`${server.wss.address().port}\n`);
});
server.on('error', (err) => {
  console.error(err);
  process.exit(1);
});
