// Secret hygiene: with debug logging on, run every kind of command (three sign-in routes, a
// confidential client, refreshes, failures, inspect (also --remote), activity, lists, logout), then look for every
// secret the provider handed out (as seen by the fault proxy) in every file of the data
// directory and in every output. Only `token`'s stdout may hold one.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  SecretCollector, addProvider, calls, cli, completeLogin, connect, filesUnder, httpGet, killAll, loginResult,
  newHome, ok, startLogin, startProvider, withParams,
} from './harness.mjs';

const DEBUG = { AUTHDECK_LOG: 'debug', AUTHDECK_HTTP_TIMEOUT_SECS: '2' };
const CLIENT_SECRET = 'demo-secret';

let op;
let home;
const snapshots = []; // files captured while a sign-in was pending: {path, content}
const collector = new SecretCollector();
let scenarioDone;

before(async () => {
  op = await startProvider({ proxy: true });
  home = newHome();
  scenarioDone = scenario().catch((err) => { throw err; });
  scenarioDone.catch(() => {}); // reported by the first test
});
after(async () => { killAll(); await op?.close(); });

const run = (args, opts = {}) => cli(args, { home, ...opts, env: { ...DEBUG, ...opts.env } });
const must = (args, opts = {}) => ok(args, { home, ...opts, env: { ...DEBUG, ...opts.env } });

async function scenario() {
  // Providers: public (deep link), loopback, confidential (secret from stdin -> keychain).
  await addProvider(home, 'local', op.issuer, [], { env: DEBUG });
  await addProvider(home, 'loop', op.issuer, ['--loopback'], { env: DEBUG });
  await must(['provider', 'add', 'conf', '--issuer', op.issuer, '--client-id', 'authdeck-confidential',
    '--redirect-uri', 'dev.authdeck.test:/cb', '--client-secret-stdin'], { input: `${CLIENT_SECRET}\n` });
  collector.add(CLIENT_SECRET, 'client secret');

  // 1. deep link answered by `authdeck callback` (with a forged answer carrying the genuine code first)
  {
    const started = await startLogin(home, 'local', { env: DEBUG });
    const genuine = await completeLogin(started.url, { login: 'alice' });
    for (const f of filesUnder(home)) snapshots.push(f);
    const forged = await run(['callback', withParams(genuine, { iss: 'https://evil.example' })]);
    assert.notEqual(forged.code, 0);
    await must(['callback', genuine]);
    loginResult(await started.done, started.url);
    await run(['callback', genuine]); // replay
  }
  // 2. confidential client, answer pasted on stdin
  {
    const started = await startLogin(home, 'conf', { env: DEBUG, stdinPipe: true });
    const genuine = await completeLogin(started.url, { login: 'bob' });
    for (const f of filesUnder(home)) snapshots.push(f);
    started.write(`${withParams(genuine, { state: 'forged-state-000000000000000000000' })}\n`);
    started.write(`${genuine}\n`);
    loginResult(await started.done, started.url);
  }
  // 3. loopback listener
  {
    const started = await startLogin(home, 'loop', { env: DEBUG });
    const genuine = await completeLogin(started.url, { login: 'carol' });
    for (const f of filesUnder(home)) snapshots.push(f);
    assert.equal((await httpGet(genuine.replace('/callback?', '/nope?'))).status, 404);
    // (Whether the browser gets the success page is checked in contract.test.mjs.)
    await httpGet(genuine).catch(() => {});
    loginResult(await started.done, started.url);
  }
  // 4. a denied sign-in
  {
    const started = await startLogin(home, 'local', { env: DEBUG });
    const denied = await completeLogin(started.url, { deny: true });
    await run(['callback', denied]);
    await started.done;
  }
  // 5. reconnect alice (same account updated)
  await connect(home, 'local', op, { login: 'alice', env: DEBUG });

  // Everything else, each with debug logs.
  for (const who of ['alice@example.test', 'bob@example.test', 'carol@example.test']) {
    await must(['refresh', who]);
    await must(['inspect', who]);
    await must(['inspect', who, '--json']);
    // Asking the provider (introspection, with the confidential client's secret for bob).
    await must(['inspect', who, '--remote']);
    await must(['inspect', who, '--remote', '--json']);
    const t = await must(['token', who], { kind: 'token' });
    collector.add(t.stdout.trim(), 'token output');
  }
  await must(['refresh', '--all']);
  for (const who of ['alice@example.test', 'bob@example.test']) {
    await must(['activity', who]);
    await must(['activity', who, '--json']);
  }
  await must(['accounts']);
  await must(['accounts', '--json']);
  await must(['provider', 'list']);
  await must(['provider', 'list', '--json']);
  // Failed refreshes (the request carries the refresh token; the answer is garbage).
  for (const spec of [{ mode: 'status', status: 502, body: 'html' }, { mode: 'malformed' }, { mode: 'reset' },
    { mode: 'oauth_error', status: 400, error: 'invalid_request', error_description: 'nope' }]) {
    op.proxy.fault(spec);
    const r = await run(['refresh', 'alice@example.test']);
    assert.notEqual(r.code, 0, `refresh with ${spec.mode} should fail`);
    await op.proxy.reset();
  }
  await must(['inspect', 'alice@example.test']); // shows the last error
  // invalid_grant on bob (confidential), then logout of carol (revocation) and bob.
  op.proxy.fault({ mode: 'oauth_error', error: 'invalid_grant', times: 1 });
  await run(['refresh', 'bob@example.test']);
  await op.proxy.reset();
  await run(['token', 'bob@example.test'], { kind: 'token' });
  await must(['inspect', 'bob@example.test', '--json']);
  await must(['logout', 'carol@example.test']);
  await must(['logout', 'bob@example.test']);
  await must(['accounts', '--json']);

  await collector.addFromProxy(op.proxy);
}

test('the scenario ran', async () => {
  await scenarioDone;
  const kinds = new Set([...collector.values.values()]);
  for (const kind of ['proxy:access_token', 'proxy:refresh_token', 'proxy:id_token', 'proxy:code', 'proxy:code_verifier', 'token output', 'client secret']) {
    assert.ok(kinds.has(kind), `collected ${kind} (${[...kinds].join(', ')})`);
  }
  assert.ok(op.proxy.secretDetails().some((d) => d.kind === 'client_secret' && d.value === CLIENT_SECRET),
    'the confidential client sent its secret (so it was really used)');
  assert.ok(collector.size >= 20, `${collector.size} secrets collected`);
  assert.ok(calls.length >= 40, `${calls.length} CLI runs`);
});

test('no secret in any file of AUTHDECK_HOME (pending/, activity/, accounts/, providers.json, ...)', async () => {
  await scenarioDone;
  const files = [...snapshots, ...filesUnder(home)];
  assert.ok(files.some((f) => f.path.includes(`${'/'}pending${'/'}`)), 'pending sign-ins were scanned');
  assert.ok(files.some((f) => f.path.includes(`${'/'}activity${'/'}`)), 'activity logs were scanned');
  assert.ok(files.some((f) => f.path.includes(`${'/'}accounts${'/'}`)), 'account records were scanned');
  const leaks = [];
  for (const f of files) {
    for (const { source } of collector.findIn(f.content)) leaks.push(`${f.path.slice(home.length)}: ${source}`);
  }
  assert.deepEqual([...new Set(leaks)], [], 'secrets found in files');
});

test('no secret in any output (stdout and stderr with AUTHDECK_LOG=debug), except `token` stdout', async () => {
  await scenarioDone;
  const leaks = [];
  for (const c of calls) {
    const where = `authdeck ${c.args.join(' ').slice(0, 60)}`;
    for (const { source } of collector.findIn(c.stderr)) leaks.push(`${where} (stderr): ${source}`);
    if (c.kind !== 'token') {
      for (const { source } of collector.findIn(c.stdout)) leaks.push(`${where} (stdout): ${source}`);
    }
  }
  assert.deepEqual([...new Set(leaks)], [], 'secrets found in output');
});

test('account files hold no token fields', async () => {
  await scenarioDone;
  const accountFiles = [...snapshots, ...filesUnder(home)].filter((f) => /[/\\]accounts[/\\][^/\\]+\.json$/.test(f.path));
  assert.ok(accountFiles.length > 0, 'account files were written');
  const bad = [];
  const walk = (value, where) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (/^(access_token|refresh_token|id_token|code_verifier|client_secret)$/.test(k) && typeof v === 'string') bad.push(`${where}.${k}`);
        walk(v, `${where}.${k}`);
      }
    }
  };
  for (const f of accountFiles) {
    assert.doesNotMatch(f.content, /"(access_token|refresh_token)"\s*:/, `${f.path} has a token key`);
    walk(JSON.parse(f.content), f.path.slice(home.length));
  }
  assert.deepEqual(bad, []);
});

test('debug logs name keychain calls as plain text (`keychain op=read key=...`)', async () => {
  await scenarioDone;
  const refreshes = calls.filter((c) => c.args[0] === 'refresh' && c.code === 0 && c.env.AUTHDECK_LOG === 'debug');
  assert.ok(refreshes.length > 0);
  const problems = new Set();
  for (const c of refreshes) {
    if (/\u001b\[/.test(c.stderr)) problems.add('terminal escape codes in the log although stderr is not a terminal');
    // eslint-disable-next-line no-control-regex
    const plain = c.stderr.replace(/\u001b\[[0-9;]*m/g, '');
    if (!/keychain op=read key=account\//.test(plain)) {
      const line = plain.split('\n').find((l) => /keychain op/.test(l) && /read/.test(l)) ?? '';
      const got = line.slice(line.indexOf('keychain op')).replace(/account\/[^"\s]+/, 'account/...');
      problems.add(`keychain reads are not logged as \`keychain op=read key=account/...\` (got: ${got || 'nothing'})`);
    }
  }
  assert.deepEqual([...problems], []);
  const quiet = await cli(['accounts'], { home: newHome() });
  assert.equal(quiet.stderr, '', 'no logs unless asked for');
});
