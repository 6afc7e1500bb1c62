// Refresh is single-flight per account across processes: many `authdeck` processes at once
// never present a rotated refresh token twice (which would revoke the grant), and a waiter
// that saw another refresh complete uses its result.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { spawn } from 'node:child_process';

import {
  BIN, account, accounts, addProvider, cli, connect, killAll, newHome, ok, startProvider,
} from './harness.mjs';

const N = 20;

let op;
let op30;

before(async () => {
  [op, op30] = await Promise.all([startProvider({ proxy: true }), startProvider({ proxy: true, accessTtl: 30 })]);
});
after(async () => { killAll(); await Promise.all([op?.close(), op30?.close()]); });

const tokenRequests = (o) => o.proxy.counts()['/token'] ?? 0;

function summary(results) {
  return results.map((r, i) => `#${i} exit ${r.code}: ${r.stderr.trim() || r.stdout.trim().slice(0, 60)}`).join('\n');
}

test(`${N} concurrent \`refresh\` of one account: all succeed, the grant survives`, async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'alice' });
  op.proxy.resetCounts();
  const results = await Promise.all(Array.from({ length: N }, () => cli(['refresh', id], { home })));
  assert.ok(results.every((r) => r.code === 0), summary(results));
  const requests = tokenRequests(op);
  assert.ok(requests >= 1 && requests <= N, `${requests} token requests`);
  const a = await account(home, id);
  assert.equal(a.status, 'valid');
  op.proxy.resetCounts();
  await ok(['refresh', id], { home });
  assert.equal(tokenRequests(op), 1);
  const token = (await ok(['token', id], { home })).stdout.trim();
  const me = await fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(me.status, 200, 'the account is still usable at the provider');
});

// With 30-second tokens every `token` call is "within 60 s of expiry", so a process that starts
// after another one's refresh finished refreshes again, by the contract. What must hold: the
// refreshes never overlap or replay a rotated token (the grant survives), and callers that
// waited on a refresh use its result (so far fewer requests than processes).
test(`${N} concurrent \`token\` on an account about to expire (accessTtl 30): no overlap, grant intact`, async () => {
  const home = newHome();
  await addProvider(home, 'local', op30.issuer);
  const id = await connect(home, 'local', op30, { login: 'bob' });
  const old = op30.proxy.secretDetails().filter((d) => d.kind === 'access_token').at(-1).value;
  op30.proxy.resetCounts();
  const results = await Promise.all(Array.from({ length: N }, () => cli(['token', id], { home })));
  assert.ok(results.every((r) => r.code === 0), summary(results));
  const tokens = results.map((r) => r.stdout);
  assert.ok(tokens.every((t) => /^[^\n]+\n$/.test(t)), 'each printed one line');
  const sent = tokenRequests(op30);
  assert.ok(sent >= 1 && sent < N, `waiters used the result they waited for (${sent} requests for ${N} calls)`);
  const issued = new Set(op30.proxy.secretDetails().filter((d) => d.kind === 'access_token').map((d) => d.value));
  assert.ok(tokens.every((t) => issued.has(t.trim())), 'every printed token was issued by the provider');
  assert.ok(tokens.every((t) => t.trim() !== old), 'nobody printed the token that was about to expire');
  // No rotated refresh token was replayed: the grant still works.
  const again = await cli(['refresh', id], { home });
  assert.equal(again.code, 0, again.stderr);
});

test(`${N} concurrent \`token\` on an account within 60 s of expiry (long-lived new token): one refresh`, async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'carol' });
  // Make the stored access token expire in 30 s (the record is plain JSON).
  const file = path.join(home, 'accounts', `${id}.json`);
  const record = JSON.parse(fs.readFileSync(file, 'utf8'));
  record.expires_at = new Date(Date.now() + 30_000).toISOString();
  fs.writeFileSync(file, JSON.stringify(record, null, 2));
  assert.equal((await account(home, id)).status, 'expiring');
  op.proxy.resetCounts();
  const results = await Promise.all(Array.from({ length: N }, () => cli(['token', id], { home })));
  assert.ok(results.every((r) => r.code === 0), summary(results));
  assert.equal(tokenRequests(op), 1, 'only one refresh request reached the provider');
  assert.equal(new Set(results.map((r) => r.stdout)).size, 1, 'every process printed the same token');
  const a = await account(home, id);
  assert.equal(a.status, 'valid');
  assert.ok(a.last_refreshed_at);
});

test(`concurrent \`refresh\` and \`token\` on several accounts at once`, async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const ids = [];
  for (const user of ['dan', 'eve', 'fay']) ids.push(await connect(home, 'local', op, { login: user }));
  const jobs = [];
  for (let i = 0; i < 6; i += 1) {
    for (const id of ids) jobs.push(cli([i % 2 ? 'token' : 'refresh', id], { home }));
  }
  jobs.push(cli(['refresh', '--all'], { home }));
  const results = await Promise.all(jobs);
  assert.ok(results.every((r) => r.code === 0), summary(results));
  for (const id of ids) {
    assert.equal((await account(home, id)).status, 'valid');
    await ok(['refresh', id], { home });
  }
});

// A process can die at any moment (killed, power cut, crash). Whatever the moment, the account
// metadata must parse and the keychain must hold one complete token set from one answer (it is
// one keychain entry, written before the metadata). Killed after the provider rotated the
// refresh token but before the keychain write, the account keeps its old set, which the
// provider now refuses: it becomes "needs_reconnect", consistently, and signing in again fixes it.
test('refresh processes killed at random moments: metadata always parses, tokens stay one consistent set', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'kim' });
  const issuedAccessTokens = () => new Set(
    op.proxy.secretDetails().filter((d) => d.kind === 'access_token').map((d) => d.value),
  );
  let reconnects = 0;
  for (let round = 0; round < 12; round += 1) {
    const child = spawn(BIN, ['refresh', id], { env: { ...process.env, AUTHDECK_HOME: home }, stdio: 'ignore' });
    // Listened for from the start: a fast build may finish before the kill.
    const exited = new Promise((resolve) => { child.once('exit', resolve); });
    const delay = 2 + Math.floor(Math.random() * 40);
    await new Promise((resolve) => { setTimeout(resolve, delay); });
    child.kill('SIGKILL');
    await exited;

    const list = await accounts(home); // fails the test if accounts --json does not parse
    const a = list.find((x) => x.id === id);
    assert.ok(a, `round ${round}: the account is still listed`);
    const inspect = await ok(['inspect', id, '--json'], { home });
    JSON.parse(inspect.stdout); // the keychain entry parses as a complete token set
    if (a.status === 'needs_reconnect') {
      reconnects += 1;
      assert.equal(await connect(home, 'local', op, { login: 'kim' }), id);
      continue;
    }
    const token = (await ok(['token', id], { home })).stdout.trim();
    assert.ok(issuedAccessTokens().has(token), `round ${round}: the stored access token is one the provider issued`);
    const after = await cli(['refresh', id], { home });
    if (after.code !== 0) {
      // Killed after the rotation reached the provider: the old set is consistent but refused.
      assert.match(after.stderr, /connect the account again/i, after.stderr);
      assert.equal((await account(home, id)).status, 'needs_reconnect');
      reconnects += 1;
      assert.equal(await connect(home, 'local', op, { login: 'kim' }), id);
    }
  }
  const leftovers = fs.readdirSync(path.join(home, 'accounts')).filter((f) => !f.endsWith('.json'));
  assert.ok(leftovers.every((f) => f.startsWith('.') && f.endsWith('.tmp')), `only temp files may remain: ${leftovers}`);
  assert.ok(reconnects < 12, 'most kills leave a usable account');
});
