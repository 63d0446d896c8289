// A GraphQL over WebSocket server for wscope's tests, on `ws` with one schema (README.md,
// "GraphQL") and either dialect: `--dialect transport` is the `graphql-ws` library (subprotocol
// `graphql-transport-ws`), `--dialect legacy` Apollo's `subscriptions-transport-ws` (subprotocol
// `graphql-ws`) set up as its README shows. Binds 127.0.0.1 on a free port, serves the path
// /graphql, prints the port as the first stdout line, then one JSON object per line for what it
// sees.

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'transport' },
    // Require `{"token": TOKEN}` in the connection_init payload.
    token: { type: 'string' },
    // The libraries' keepalive: graphql-ws sends a WebSocket Ping frame every N ms and drops a
    // client whose Pong has not come N ms later (its default: 12000); the legacy server sends
    // `{"type":"ka"}` every N ms (default: none). 0 turns either off.
    keepalive: { type: 'string' },
    // graphql-ws only: also send the protocol's `{"type":"ping"}` message every N ms after the
    // connection_init (the library never does by itself); pongs are logged.
    ping: { type: 'string', default: '0' },
    // graphql-ws closes with 4408 when connection_init has not come within N ms (default 3000).
    'init-timeout': { type: 'string', default: '3000' },
    'node-dir': { type: 'string', default: path.join(here, '..', '..', 'target', 'peers', 'node') },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
if (!['transport', 'legacy'].includes(args.dialect)) {
  console.error(`--dialect must be transport or legacy, not ${args.dialect}`);
  process.exit(2);
}
const load = createRequire(path.resolve(args['node-dir'], 'package.json'));
const graphql = load('graphql');

function emitLog(event, fields = {}) {
  process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');
}

// hello, greet(name), boom (fails), slow(ms) (answers after ms), and the subscription
// count(to, every_ms) that yields 1..to, one every every_ms ms (default: at once).
function schema() {
  const { GraphQLSchema, GraphQLObjectType, GraphQLString, GraphQLInt, GraphQLNonNull } = graphql;
  const query = new GraphQLObjectType({
    name: 'Query',
    fields: {
      hello: { type: GraphQLString, resolve: () => 'world' },
      greet: {
        type: GraphQLString,
        args: { name: { type: new GraphQLNonNull(GraphQLString) } },
        resolve: (_, { name }) => `hello ${name}`,
      },
      boom: {
        type: GraphQLString,
        resolve: () => {
          throw new Error('boom');
        },
      },
      slow: {
        type: GraphQLInt,
        args: { ms: { type: new GraphQLNonNull(GraphQLInt) } },
        resolve: async (_, { ms }) => {
          await sleep(Math.min(Math.max(ms, 0), 60000));
          return ms;
        },
      },
    },
  });
  const subscription = new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      count: {
        type: GraphQLInt,
        args: { to: { type: new GraphQLNonNull(GraphQLInt) }, every_ms: { type: GraphQLInt } },
        subscribe: async function* (_, { to, every_ms: every }) {
          for (let n = 1; n <= Math.min(to, 10_000_000); n += 1) {
            if (every > 0 && n > 1) await sleep(every);
            yield { count: n };
          }
        },
      },
    },
  });
  return new GraphQLSchema({ query, subscription });
}

// Whether a connection_init payload passes the --token check.
function allowed(payload) {
  return args.token === undefined || payload?.token === args.token;
}

function number(name) {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} takes milliseconds`);
    process.exit(2);
  }
  return value;
}

// Sends `{"type":"ping"}` on the socket every `every` ms until it closes.
function pingEvery(socket, every) {
  const timer = setInterval(() => socket.send(JSON.stringify({ type: 'ping' })), every);
  socket.on('close', () => clearInterval(timer));
}

// graphql-ws on ws (`useServer` installs its subprotocol choice): refuses a bad init payload
// with 4403 (onConnect returns false).
function serveTransport(server) {
  const { WebSocketServer } = load('ws');
  const { useServer } = load('graphql-ws/use/ws');
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const keepAlive = args.keepalive === undefined ? 12_000 : number('keepalive');
  const ping = number('ping');
  useServer(
    {
      schema: schema(),
      connectionInitWaitTimeout: number('init-timeout'),
      onConnect: (ctx) => {
        const ok = allowed(ctx.connectionParams);
        emitLog(ok ? 'init' : 'refused', { payload: ctx.connectionParams ?? null });
        if (ok && ping > 0) pingEvery(ctx.extra.socket, ping);
        return ok;
      },
      onPing: (_, payload) => emitLog('ping', { payload: payload ?? null }),
      onPong: (_, payload) => emitLog('pong', { payload: payload ?? null }),
      onSubscribe: (_, id, payload) => emitLog('subscribe', { id, payload }),
      onComplete: (_, id) => emitLog('complete', { id }),
      onClose: (_, code, reason) => emitLog('close', { code, reason }),
    },
    wss,
    keepAlive,
  );
}

// subscriptions-transport-ws, as Apollo Server 2 deployed it: `SubscriptionServer.create` with
// the http server and a path (its own `ws` 7 picks the subprotocol).
function serveLegacy(server) {
  const { SubscriptionServer } = load('subscriptions-transport-ws');
  const keepAlive = args.keepalive === undefined ? undefined : number('keepalive') || undefined;
  SubscriptionServer.create(
    {
      schema: schema(),
      execute: graphql.execute,
      subscribe: graphql.subscribe,
      keepAlive,
      onConnect: (payload) => {
        const ok = allowed(payload);
        emitLog(ok ? 'init' : 'refused', { payload: payload ?? null });
        if (!ok) throw new Error('not authorized');
        return true;
      },
      onOperation: (message, params) => {
        emitLog('subscribe', { id: message.id, payload: message.payload });
        return params;
      },
      onOperationComplete: (_, id) => emitLog('complete', { id }),
      onDisconnect: () => emitLog('close', {}),
    },
    { server, path: '/graphql' },
  );
}

const server = createServer((req, res) => {
  res.writeHead(426, { 'Content-Type': 'text/plain' });
  res.end('WebSocket only\n');
});
if (args.dialect === 'transport') serveTransport(server);
else serveLegacy(server);

if (args['exit-with-stdin']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
