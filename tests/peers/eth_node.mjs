// An Ethereum development node for wscope's JSON-RPC tests and README example: Ganache 7
// (`ganache.server`, which takes port 0 where its command line does not), JSON-RPC over HTTP and
// WebSocket on the same port, deterministic accounts, a block mined per transaction or on
// `evm_mine`. Binds 127.0.0.1 on a free port and prints the port as the only stdout line.

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    // Where setup.sh ran `npm ci` for its `eth` part.
    'node-dir': { type: 'string', default: path.join(here, '..', '..', 'target', 'peers', 'eth') },
    // Mine a block every N seconds as well (default 0: only on transactions and evm_mine).
    'block-time': { type: 'string', default: '0' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
const blockTime = Number(args['block-time']);
if (!(blockTime >= 0)) {
  console.error('--block-time takes seconds');
  process.exit(2);
}
const ganache = createRequire(path.resolve(args['node-dir'], 'package.json'))('ganache');

const server = ganache.server({
  logging: { quiet: true },
  wallet: { deterministic: true },
  miner: { blockTime },
  chain: { chainId: 1337 },
});

if (args['exit-with-stdin']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

server.listen(0, '127.0.0.1', (err) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  process.stdout.write(`${server.address().port}\n`);
});
