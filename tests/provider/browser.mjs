#!/usr/bin/env node
// Headless user agent for the local OpenID provider.
//
//   node tests/provider/browser.mjs URL [--login alice] [--deny] [--deliver print|http|exec]
//
// Completes the login/consent pages for the authorization URL, then delivers the callback:
//   print (default)  write the callback URL alone on stdout
//   http             GET the callback URL (loopback redirect); exit 0 iff 2xx; body -> stderr
//   exec             run $AUTHDECK_TEST_DELIVER_CMD (split on spaces) + callback URL; exit with its code
// As $BROWSER (xdg-open runs "$BROWSER URL"), options come from the environment:
//   AUTHDECK_TEST_LOGIN (default alice), AUTHDECK_TEST_DENY=1, AUTHDECK_TEST_DELIVER=print|http|exec
// With http/exec, one line with the callback URL is appended to $AUTHDECK_TEST_BROWSER_LOG if set.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const quiet = !process.env.DEBUG;
if (quiet) {
  console.warn = () => {};
}

function die(msg, code = 1) {
  process.stderr.write(`browser.mjs: ${msg}\n`);
  process.exit(code);
}

let values;
let positionals;
try {
  ({ values, positionals } = parseArgs({
    options: {
      login: { type: 'string' },
      deny: { type: 'boolean' },
      deliver: { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  }));
} catch (err) {
  die(err.message, 2);
}
if (positionals.length !== 1) die('usage: browser.mjs URL [--login alice] [--deny] [--deliver print|http|exec]', 2);

const env = process.env;
const url = positionals[0];
const login = values.login ?? (env.AUTHDECK_TEST_LOGIN || 'alice');
const deny = values.deny ?? ['1', 'true', 'yes'].includes(String(env.AUTHDECK_TEST_DENY || '').toLowerCase());
const deliver = values.deliver ?? (env.AUTHDECK_TEST_DELIVER || 'print');
if (!['print', 'http', 'exec'].includes(deliver)) die(`unknown --deliver ${JSON.stringify(deliver)}`, 2);

const { completeLogin } = await import('./lib.mjs');

let callback;
try {
  callback = await completeLogin(url, { login, deny });
} catch (err) {
  die(err.message);
}

function logCallback() {
  if (env.AUTHDECK_TEST_BROWSER_LOG) fs.appendFileSync(env.AUTHDECK_TEST_BROWSER_LOG, `${callback}\n`);
}

switch (deliver) {
  case 'print':
    process.stdout.write(`${callback}\n`);
    break;
  case 'http': {
    logCallback();
    let target;
    try {
      target = new URL(callback);
    } catch {
      die(`callback is not a URL: ${callback}`);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      die(`--deliver http needs an http(s) callback, got ${callback}`);
    }
    let res;
    try {
      res = await fetch(target, { redirect: 'manual', signal: AbortSignal.timeout(30000) });
    } catch (err) {
      die(`GET ${callback} failed: ${err.cause?.code || err.cause?.message || err.message}`);
    }
    const text = await res.text().catch(() => '');
    process.stderr.write(`${text}${text.endsWith('\n') ? '' : '\n'}`);
    if (res.status < 200 || res.status > 299) die(`GET ${callback} answered ${res.status}`);
    process.exit(0);
    break;
  }
  case 'exec': {
    const cmd = (env.AUTHDECK_TEST_DELIVER_CMD || '').split(' ').filter(Boolean);
    if (cmd.length === 0) die('--deliver exec needs AUTHDECK_TEST_DELIVER_CMD', 2);
    logCallback();
    const child = spawn(cmd[0], [...cmd.slice(1), callback], { stdio: 'inherit' });
    child.on('error', (err) => die(`cannot run ${cmd[0]}: ${err.message}`, 127));
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 1 : 1)));
    break;
  }
  default:
    break;
}
