// Shared helpers for the `authdeck` CLI acceptance tests (node:test).
//
//   import { newHome, cli, startLogin, connect, addProvider, assertOneSentence } from './harness.mjs';
//
// The binary is $AUTHDECK_BIN, or <repo>/target/debug/authdeck. The tests need a session bus
// with an unlocked Secret Service (run them through tests/cli/run.sh). Every CLI call is run
// asynchronously (the provider lives in the test process, so a synchronous spawn would
// starve it) and recorded in `calls` for the hygiene test.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { completeLogin } from '../provider/lib.mjs';

export { completeLogin, startProvider } from '../provider/lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '..', '..');
export const BIN = process.env.AUTHDECK_BIN || path.join(REPO, 'target', 'debug', 'authdeck');
export const DEEP_LINK = 'dev.authdeck.app:/oauth/callback';
export const TEST_REDIRECT = 'dev.authdeck.test:/cb';

/** Every CLI run of this test process: {args, env, stdout, stderr, code, signal, ms, kind}. */
export const calls = [];

const children = new Set();
const homes = [];

function killChildren() {
  for (const child of children) {
    try { child.kill('SIGKILL'); } catch { /* gone */ }
  }
}

process.on('exit', () => {
  killChildren();
  if (!process.env.AUTHDECK_KEEP_HOMES) {
    for (const dir of homes) {
      try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ }
    }
  }
});

/** Kills every child process still running (for `after` hooks). */
export function killAll() { killChildren(); }

/** A fresh, empty AUTHDECK_HOME (removed when the test process exits). */
export function newHome(prefix = 'authdeck-home-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  homes.push(dir);
  return dir;
}

function childEnv(home, env = {}) {
  const out = { ...process.env };
  // Nothing from the caller's shell may change how the CLI behaves.
  for (const k of ['AUTHDECK_LOG', 'RUST_LOG', 'AUTHDECK_HTTP_TIMEOUT_SECS', 'RUST_BACKTRACE', 'BROWSER']) delete out[k];
  if (home !== undefined) out.AUTHDECK_HOME = home;
  Object.assign(out, env);
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

/**
 * Runs the CLI to completion.
 * @returns {Promise<{code:number|null, signal:string|null, stdout:string, stderr:string, ms:number, timedOut:boolean}>}
 */
export function cli(args, {
  home, input, env, timeoutMs = 30_000, kind,
} = {}) {
  const started = Date.now();
  const childEnvVars = childEnv(home, env);
  const child = spawn(BIN, args, { env: childEnvVars, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (c) => { stdout += c; });
  child.stderr.on('data', (c) => { stderr += c; });
  child.stdin.on('error', () => {});
  child.stdin.end(input ?? '');
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', (err) => { clearTimeout(timer); children.delete(child); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const result = {
        code, signal, stdout, stderr, ms: Date.now() - started, timedOut,
      };
      calls.push({
        args, env: env || {}, home, kind: kind || args[0], ...result,
      });
      resolve(result);
    });
  });
}

/** Like `cli`, but asserts exit 0 and returns the result. */
export async function ok(args, opts) {
  const r = await cli(args, opts);
  assert.equal(r.code, 0, `authdeck ${args.join(' ')} exited ${r.code}${r.signal ? ` (${r.signal})` : ''}: ${r.stderr}`);
  return r;
}

/** Like `cli`, but asserts a non-zero exit with one sentence on stderr. */
export async function fails(args, opts) {
  const r = await cli(args, opts);
  assert.ok(!r.timedOut, `authdeck ${args.join(' ')} did not finish`);
  assert.notEqual(r.code, 0, `authdeck ${args.join(' ')} should fail, but exited 0: ${r.stdout}`);
  assert.equal(r.signal, null, `authdeck ${args.join(' ')} died of ${r.signal}`);
  assertOneSentence(r.stderr, `authdeck ${args.join(' ')}`);
  return r;
}

/** `accounts --json`, parsed. */
export async function accounts(home, opts = {}) {
  const r = await ok(['accounts', '--json'], { home, ...opts });
  const list = JSON.parse(r.stdout);
  assert.ok(Array.isArray(list), `accounts --json is not an array: ${r.stdout}`);
  return list;
}

/** The `accounts --json` element with this id (or email), or undefined. */
export async function account(home, idOrEmail, opts) {
  return (await accounts(home, opts)).find((a) => a.id === idOrEmail || a.email === idOrEmail);
}

/** `provider add NAME --issuer ISSUER --client-id authdeck [extra...]` (asserts success). */
export async function addProvider(home, name, issuer, extra = [], opts = {}) {
  return ok(['provider', 'add', name, '--issuer', issuer, '--client-id', 'authdeck', ...extra], { home, ...opts });
}

/**
 * Exactly one plain line of text: no HTML, no panic, no Debug dump, no backtrace, and it
 * reads as a sentence.
 */
export function assertOneSentence(stderr, what = 'stderr') {
  const lines = stderr.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `${what}: expected exactly one line on stderr, got ${lines.length}: ${JSON.stringify(stderr)}`);
  const line = lines[0];
  assert.ok(!line.includes('<'), `${what}: stderr looks like HTML: ${line}`);
  assert.ok(!/panicked|RUST_BACKTRACE|stack backtrace/i.test(line), `${what}: stderr is a panic: ${line}`);
  assert.ok(!/\w+ \{ |\w+\(".*"\)|Error \{|Os \{/.test(line), `${what}: stderr looks like a Debug dump: ${line}`);
  assert.ok(!/\u001b\[/.test(line), `${what}: stderr has terminal escape codes: ${JSON.stringify(line)}`);
  assert.ok(line.length <= 400, `${what}: stderr is too long for one sentence (${line.length} chars)`);
  assert.ok(/[.!?…]$/.test(line.trim()), `${what}: stderr does not read as a sentence: ${line}`);
  return line;
}

// ------------------------------------------------------------------ login

function lines(text) {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/**
 * Starts `authdeck login PROVIDER --no-browser` and resolves once it printed the
 * authorization URL.
 * @returns {Promise<{url:string, proc, done:Promise<{code, signal, stdout, stderr}>, write(text), stdout():string, stderr():string}>}
 */
export function startLogin(home, provider, {
  stdinPipe = false, args = [], env, timeoutMs = 60_000, device = false,
} = {}) {
  const started = Date.now();
  // `--device` prints the address and then the code: resolve once both are out.
  const fullArgs = device ? ['login', provider, '--device', ...args] : ['login', provider, '--no-browser', ...args];
  const wanted = device ? 2 : 1;
  const proc = spawn(BIN, fullArgs, {
    env: childEnv(home, env),
    stdio: [stdinPipe ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdin?.on('error', () => {});
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const done = new Promise((resolve) => {
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(proc);
      const result = {
        code, signal, stdout, stderr, ms: Date.now() - started,
      };
      calls.push({
        args: fullArgs, env: env || {}, home, kind: 'login', ...result,
      });
      resolve(result);
    });
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    proc.stdout.on('data', (c) => {
      stdout += c;
      if (!settled && stdout.split('\n').length > wanted) {
        settled = true;
        resolve({
          url: stdout.split('\n')[0],
          second: stdout.split('\n')[1],
          proc,
          done,
          write: (text) => proc.stdin.write(text),
          stdout: () => stdout,
          stderr: () => stderr,
        });
      }
    });
    proc.stderr.on('data', (c) => { stderr += c; });
    proc.on('error', (err) => { if (!settled) { settled = true; reject(err); } });
    done.then((r) => {
      if (!settled) {
        settled = true;
        reject(new Error(`authdeck login exited ${r.code} before printing the URL: ${r.stderr}`));
      }
    });
  });
}

/** Asserts that a finished `login` printed the URL first and the account id alone last. */
export function loginResult(result, url) {
  assert.equal(result.code, 0, `login exited ${result.code}: ${result.stderr}`);
  const out = lines(result.stdout);
  assert.equal(out[0], url, 'login: first stdout line is the authorization URL');
  assert.equal(out.length, 2, `login: stdout has the URL and the account id only: ${JSON.stringify(result.stdout)}`);
  const id = out.at(-1);
  assert.match(id, /^[A-Za-z0-9][A-Za-z0-9._-]*$/, `login: last line is an account id: ${id}`);
  return id;
}

/**
 * Full sign-in: `login --no-browser`, the headless browser, then `authdeck callback URL`
 * from another process. Returns the account id.
 */
export async function connect(home, provider, issuerInfo, { login = 'alice', env } = {}) {
  const started = await startLogin(home, provider, { env });
  try {
    if (issuerInfo?.issuer) {
      assert.ok(started.url.startsWith(`${issuerInfo.issuer}/`), `authorization URL ${started.url} is not at ${issuerInfo.issuer}`);
    }
    const callback = await completeLogin(started.url, { login });
    await ok(['callback', callback], { home, env });
    const result = await started.done;
    return loginResult(result, started.url);
  } finally {
    if (started.proc.exitCode === null) started.proc.kill('SIGKILL');
  }
}

// ------------------------------------------------------------------ URLs and polling

/** Rewrites query parameters of a callback URL (value null removes the parameter). */
export function withParams(url, changes) {
  const q = url.indexOf('?');
  const base = q === -1 ? url : url.slice(0, q);
  const params = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) params.delete(k);
    else params.set(k, v);
  }
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

export function paramOf(url, name) {
  const q = url.indexOf('?');
  return new URLSearchParams(q === -1 ? '' : url.slice(q + 1)).get(name);
}

/** Replaces the part of a callback URL before `?`. */
export function retarget(url, target) {
  const q = url.indexOf('?');
  return `${target}${q === -1 ? '' : url.slice(q)}`;
}

export const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });

/** Polls `fn` until it returns a truthy value or the deadline passes (then throws). */
export async function waitFor(fn, { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(intervalMs);
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * GET over plain HTTP/1.1 on a fresh connection, like a browser following the redirect.
 * Resolves with {status, headers (a Headers), body}; rejects with the socket error.
 */
export function httpGet(url, { timeoutMs = 15_000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { connection: 'close' }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode, headers, body });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', (err) => reject(new Error(`GET ${url.split('?')[0]} failed: ${err.code || err.message}`)));
  });
}

/**
 * A TCP listener that counts connections: point HTTP(S)_PROXY at it to prove that a
 * command made no network request.
 */
export async function networkTrap() {
  let connections = 0;
  const server = net.createServer((socket) => { connections += 1; socket.destroy(); });
  await new Promise((r) => { server.listen(0, '127.0.0.1', r); });
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    env: {
      HTTP_PROXY: url, HTTPS_PROXY: url, ALL_PROXY: url, http_proxy: url, https_proxy: url, all_proxy: url, NO_PROXY: '', no_proxy: '',
    },
    connections: () => connections,
    close: () => new Promise((r) => { server.close(() => r()); }),
  };
}

// ------------------------------------------------------------------ secrets

/**
 * Collects secret values (from the fault proxy's /secrets and from `token` output) and
 * finds them in text.
 */
export class SecretCollector {
  constructor() { this.values = new Map(); } // value -> where it came from

  add(value, source = 'test') {
    if (typeof value === 'string' && value.length >= 8 && !this.values.has(value)) this.values.set(value, source);
  }

  /** Adds everything the fault proxy recorded (`op.proxy`, or its control URL). */
  async addFromProxy(proxy) {
    let details;
    if (typeof proxy === 'string') {
      details = await (await fetch(`${proxy}/secrets?detail=1`)).json();
    } else {
      details = proxy.secretDetails();
    }
    for (const d of details) this.add(d.value, `proxy:${d.kind}`);
  }

  get size() { return this.values.size; }

  /** [{source, index}] of every secret found in `text`. */
  findIn(text) {
    const found = [];
    for (const [value, source] of this.values) {
      const index = text.indexOf(value);
      if (index !== -1) found.push({ source, index });
    }
    return found;
  }
}

/** Every regular file under `dir`, recursively: [{path, content (latin1)}]. */
export function filesUnder(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push({ path: p, content: fs.readFileSync(p).toString('latin1') });
  }
  return out;
}

/**
 * Records one row of docs/reliability.md: a fault or attack, what the user saw (the exact
 * message of this run), and what the test asserted. Written only when
 * AUTHDECK_RELIABILITY_OUT names a file (scripts/test.sh sets it); see tests/reliability/.
 */
export function reliability({ area, name, sees, asserts, test }) {
  const out = process.env.AUTHDECK_RELIABILITY_OUT;
  if (!out) return;
  const row = { area, name, sees: sees.trim(), asserts, test };
  fs.appendFileSync(out, `${JSON.stringify(row)}\n`);
}
