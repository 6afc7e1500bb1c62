// `authdeck token --format raw|header|json|env` and `--min-valid`: every format carries the
// same current token, the JSON has exactly the contract's fields, the env lines survive
// `eval`, and `--min-valid N` refreshes exactly when no more than N seconds are left (ten
// processes asking at once: one refresh, one token).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { account, addProvider, cli, connect, fails, killAll, newHome, ok, startProvider } from './harness.mjs';

let op;

before(async () => { op = await startProvider({ proxy: true }); });
after(async () => { killAll(); await op?.close(); });

const tokenRequests = () => op.proxy.counts()['/token'] ?? 0;

async function connected(login) {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login });
  return { home, id };
}

/** Makes the stored access token look as if it expires in `seconds` (the record is plain JSON). */
function expireIn(home, id, seconds) {
  const file = path.join(home, 'accounts', `${id}.json`);
  const record = JSON.parse(fs.readFileSync(file, 'utf8'));
  record.expires_at = new Date(Date.now() + seconds * 1000).toISOString();
  fs.writeFileSync(file, JSON.stringify(record, null, 2));
}

test('token formats: raw, header, json and env carry the same current token', async () => {
  const { home, id } = await connected('fay');
  const raw = (await ok(['token', id], { home })).stdout;
  assert.match(raw, /^\S+\n$/);
  const token = raw.trim();
  assert.equal((await ok(['token', id, '--format', 'raw'], { home })).stdout, raw);
  assert.equal((await ok(['token', id, '--format', 'header'], { home })).stdout, `Authorization: Bearer ${token}\n`);

  const json = JSON.parse((await ok(['token', id, '--format', 'json'], { home })).stdout);
  assert.deepEqual(Object.keys(json).sort(), ['access_token', 'account', 'email', 'expires_at', 'expires_at_unix', 'issuer', 'scopes', 'token_type']);
  assert.equal(json.access_token, token);
  assert.equal(json.account, id);
  assert.equal(json.issuer, op.issuer);
  assert.equal(json.token_type.toLowerCase(), 'bearer');
  assert.equal(json.email, 'fay@example.test');
  assert.ok(Array.isArray(json.scopes) && json.scopes.includes('openid'), json.scopes);
  assert.match(json.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(json.expires_at_unix, Date.parse(json.expires_at) / 1000);
  assert.ok(json.expires_at_unix > Date.now() / 1000 + 3000, 'an hour-long token');

  const env = (await ok(['token', id, '--format', 'env'], { home })).stdout;
  assert.equal(env, `AUTHDECK_TOKEN=${token}\nAUTHDECK_TOKEN_EXPIRES_AT=${json.expires_at_unix}\n`);
  const evaluated = execFileSync('sh', ['-c', `eval "$(cat)"; printf '%s\\n%s' "$AUTHDECK_TOKEN" "$AUTHDECK_TOKEN_EXPIRES_AT"`], { input: env, encoding: 'utf8' });
  assert.equal(evaluated, `${token}\n${json.expires_at_unix}`);

  const me = await fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(me.status, 200, 'the handed-out token works at the provider');

  const bad = await fails(['token', id, '--format', 'yaml'], { home });
  assert.match(bad.stderr, /yaml/);
  const absurd = await fails(['token', id, '--min-valid', '99999999999'], { home });
  assert.match(absurd.stderr, /min-valid/);
});

test('--min-valid refreshes exactly when no more than that is left', async () => {
  const { home, id } = await connected('gus');
  const first = (await ok(['token', id], { home })).stdout.trim();
  op.proxy.resetCounts();
  // An hour left: the default (60 s) and --min-valid 600 hand out the stored token.
  assert.equal((await ok(['token', id, '--min-valid', '600'], { home })).stdout.trim(), first);
  assert.equal(tokenRequests(), 0);
  // Five minutes left: the default still hands it out; --min-valid 600 refreshes once.
  expireIn(home, id, 300);
  assert.equal((await ok(['token', id], { home })).stdout.trim(), first);
  assert.equal(tokenRequests(), 0);
  const second = (await ok(['token', id, '--min-valid', '600', '--format', 'json'], { home })).stdout;
  const renewed = JSON.parse(second);
  assert.notEqual(renewed.access_token, first);
  assert.equal(tokenRequests(), 1);
  assert.ok(renewed.expires_at_unix > Date.now() / 1000 + 3000);
  // --min-valid 0 never refreshes a token that is still good.
  expireIn(home, id, 5);
  assert.equal((await ok(['token', id, '--min-valid', '0'], { home })).stdout.trim(), renewed.access_token);
  assert.equal(tokenRequests(), 1);
  assert.equal((await account(home, id)).status, 'expiring');
});

test('ten processes with --min-valid at once: exactly one refresh, the same token for all', async () => {
  const { home, id } = await connected('hal');
  expireIn(home, id, 300);
  op.proxy.resetCounts();
  const results = await Promise.all(Array.from({ length: 10 }, () => cli(['token', id, '--min-valid', '600'], { home })));
  assert.ok(results.every((r) => r.code === 0), results.map((r) => r.stderr).join('\n'));
  assert.equal(tokenRequests(), 1, 'one refresh request reached the provider');
  assert.equal(new Set(results.map((r) => r.stdout)).size, 1, 'every process printed the same token');
  assert.equal((await account(home, id)).status, 'valid');
});
