// The official Node clients of the protocol servers, as the benchmark's yardstick: each runs one
// workload against a server of tests/peers/ and prints one JSON line with what it did and how
// long it took (from the session being ready to the last answer):
//   node bench_clients.mjs socketio URL [--count N]  socket.io-client 4: N `chat` emits, N echoes
//   node bench_clients.mjs graphql URL [--count N]   graphql-ws: subscription count(to: N)
//   node bench_clients.mjs stomp URL [--count N]     @stomp/stompjs: N SENDs through a subscription
//   node bench_clients.mjs jsonrpc URL [--count N]   rpc-websockets: N sum calls, all pipelined
// URL is the server's endpoint (Socket.IO: http://127.0.0.1:PORT/, STOMP: ws://.../ws).

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    count: { type: 'string', default: '10000' },
    'node-dir': { type: 'string', default: path.join(here, '..', '..', 'target', 'peers', 'node') },
  },
});
const [workload, url] = positionals;
const count = Number(args.count);
if (!url || !(Number.isInteger(count) && count > 0)) {
  console.error('usage: bench_clients.mjs socketio|graphql|stomp|jsonrpc URL [--count N]');
  process.exit(2);
}
const load = createRequire(path.resolve(args['node-dir'], 'package.json'));

// Resolves once `n` calls of the returned function have happened.
function counter(n) {
  let seen = 0;
  let done;
  const all = new Promise((resolve) => {
    done = resolve;
  });
  return [all, () => (seen += 1) === n && done()];
}

async function socketio() {
  const { io } = load('socket.io-client');
  const socket = io(url, { transports: ['websocket'] });
  await new Promise((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
  const [echoed, one] = counter(count);
  socket.on('chat', one);
  const began = performance.now();
  for (let i = 0; i < count; i += 1) socket.emit('chat', i);
  await echoed;
  const seconds = (performance.now() - began) / 1000;
  socket.close();
  return { client: 'socket.io-client', emitted: count, received: count, seconds };
}

async function graphql() {
  const { createClient } = load('graphql-ws');
  const client = createClient({ url, webSocketImpl: load('ws'), lazy: false });
  await new Promise((resolve) => client.on('connected', resolve));
  const began = performance.now();
  let results = 0;
  await new Promise((resolve, reject) => {
    client.subscribe(
      { query: `subscription { count(to: ${count}) }` },
      { next: () => (results += 1), error: reject, complete: resolve },
    );
  });
  const seconds = (performance.now() - began) / 1000;
  await client.dispose();
  return { client: 'graphql-ws', results, seconds };
}

async function stomp() {
  const { Client } = load('@stomp/stompjs');
  const WebSocket = load('ws');
  const client = new Client({
    webSocketFactory: () => new WebSocket(url, ['v12.stomp', 'v11.stomp', 'v10.stomp']),
    connectHeaders: { login: 'guest', passcode: 'guest', host: '/' },
    reconnectDelay: 0,
    // RabbitMQ 3.10's Web-STOMP kills a connection with heart-beats under flow control (its
    // heartbeat receiver crashes on `resume`): none for a throughput run.
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
  });
  await new Promise((resolve, reject) => {
    client.onConnect = resolve;
    client.onStompError = (frame) => reject(new Error(frame.headers.message));
    client.activate();
  });
  const destination = `/queue/bench-${process.pid}`;
  const [received, one] = counter(count);
  const closed = new Promise((_, reject) => {
    client.onWebSocketClose = (e) => reject(new Error(`closed ${e.code} ${e.reason}`));
    client.onStompError = (frame) => reject(new Error(`${frame.headers.message}: ${frame.body}`));
  });
  client.subscribe(destination, one);
  const began = performance.now();
  for (let i = 0; i < count; i += 1) client.publish({ destination, body: `message ${i}` });
  await Promise.race([received, closed]);
  const seconds = (performance.now() - began) / 1000;
  await client.deactivate();
  return { client: '@stomp/stompjs', sent: count, received: count, seconds };
}

async function jsonrpc() {
  const { Client } = load('rpc-websockets');
  const client = new Client(url);
  await new Promise((resolve, reject) => {
    client.on('open', resolve);
    client.on('error', reject);
  });
  const began = performance.now();
  const calls = [];
  for (let i = 0; i < count; i += 1) calls.push(client.call('sum', [i, 1]));
  await Promise.all(calls);
  const seconds = (performance.now() - began) / 1000;
  client.close();
  return { client: 'rpc-websockets', calls: count, seconds };
}

const workloads = { socketio, graphql, stomp, jsonrpc };
if (!Object.hasOwn(workloads, workload)) {
  console.error(`unknown workload ${workload}: socketio, graphql, stomp or jsonrpc`);
  process.exit(2);
}
const result = await workloads[workload]();
console.log(JSON.stringify({ ...result, per_second: Math.round(count / result.seconds) }));
process.exit(0);
