#!/usr/bin/env node
// Run the local OpenID provider until SIGTERM/SIGINT or until stdin (when it is a pipe) closes.
//
//   node tests/provider/server.mjs [--port N] [--issuer-path P] [--access-ttl S]
//        [--id-token-ttl S] [--refresh-ttl S] [--proxy] [--control-port N] [--auto-login USER]
//        [--no-registration]
//
// Prints exactly one JSON line on stdout when ready:
//   {"issuer":"http://127.0.0.1:PORT...","port":PORT,"control":"http://127.0.0.1:CPORT"}
// ("control" only with --proxy). Logs go to stderr, and only when DEBUG is set.

import fs from 'node:fs';
import { parseArgs } from 'node:util';

// Nothing but the ready line may reach stdout; library chatter goes to stderr iff DEBUG.
const quiet = !process.env.DEBUG;
const toStderr = (...args) => { if (!quiet) process.stderr.write(`${args.map(String).join(' ')}\n`); };
console.log = toStderr;
console.info = toStderr;
console.debug = toStderr;
if (quiet) {
  console.warn = () => {};
  console.error = () => {};
}

function fail(msg) {
  process.stderr.write(`server.mjs: ${msg}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'issuer-path': { type: 'string' },
      'access-ttl': { type: 'string' },
      'id-token-ttl': { type: 'string' },
      'refresh-ttl': { type: 'string' },
      proxy: { type: 'boolean', default: false },
      'control-port': { type: 'string', default: '0' },
      'auto-login': { type: 'string' },
      'no-registration': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (err) {
  fail(err.message);
}
if (values.help) {
  process.stderr.write('usage: node server.mjs [--port N] [--issuer-path P] [--access-ttl S] [--id-token-ttl S] '
    + '[--refresh-ttl S] [--proxy] [--control-port N] [--auto-login USER] [--no-registration]\n');
  process.exit(0);
}

const int = (name, v) => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) fail(`--${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return Number(v);
};

const { startProvider } = await import('./lib.mjs');

let op;
try {
  op = await startProvider({
    port: int('port', values.port),
    issuerPath: values['issuer-path'],
    accessTtl: int('access-ttl', values['access-ttl']),
    idTokenTtl: int('id-token-ttl', values['id-token-ttl']),
    refreshTtl: int('refresh-ttl', values['refresh-ttl']),
    proxy: values.proxy,
    controlPort: int('control-port', values['control-port']),
    autoLogin: values['auto-login'],
    registration: !values['no-registration'],
  });
} catch (err) {
  fail(err.message);
}

const ready = { issuer: op.issuer, port: op.port };
if (op.proxy) ready.control = op.proxy.control;
process.stdout.write(`${JSON.stringify(ready)}\n`);
toStderr('ready', JSON.stringify(ready));

let stopping = false;
async function stop(why) {
  if (stopping) return;
  stopping = true;
  toStderr('stopping:', why);
  const force = setTimeout(() => process.exit(0), 2000);
  force.unref();
  try {
    await op.close();
  } finally {
    process.exit(0);
  }
}

process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGHUP', () => stop('SIGHUP'));

// A parent that dies closes our stdin pipe: follow it. Only when stdin is a pipe/socket
// (not a TTY, not /dev/null, not a file).
let stdinIsPipe = false;
try {
  const st = fs.fstatSync(0);
  stdinIsPipe = st.isFIFO() || st.isSocket();
} catch {
  stdinIsPipe = false;
}
if (stdinIsPipe) {
  process.stdin.on('data', () => {});
  process.stdin.on('end', () => stop('stdin EOF'));
  process.stdin.on('close', () => stop('stdin closed'));
  process.stdin.on('error', () => stop('stdin error'));
  process.stdin.resume();
}
