// Onboarding without a client ID (issue 11, items 1 and 2): provider files and links, and
// AuthDeck registering itself with the provider (RFC 7591) and deleting that registration
// again (RFC 7592), against the real test provider; every refusal, and a scan that no secret
// reaches a provider file, a link, the data folder, the activity log or any output.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  SecretCollector, calls, cli, connect, fails, filesUnder, killAll, newHome, ok, reliability, startProvider,
} from './harness.mjs';

let op; // registration open, behind the fault proxy (which records every secret it sees)
let closed; // an issuer without registration

before(async () => {
  op = await startProvider({ proxy: true });
  closed = await startProvider({ registration: false });
});
after(async () => { killAll(); await op?.close(); await closed?.close(); });

const collector = new SecretCollector();

async function providers(home) {
  return JSON.parse((await ok(['provider', 'list', '--json'], { home })).stdout);
}

function providersFile(home) {
  return JSON.parse(fs.readFileSync(path.join(home, 'providers.json'), 'utf8')).providers;
}

function registrationTokens() {
  const seen = op.proxy.secretDetails().filter((d) => d.kind === 'registration_access_token');
  assert.ok(seen.length > 0, 'the proxy saw a registration answer');
  return seen.map((d) => d.value);
}

/** GET the RFC 7592 address with each token seen; the status of the best answer. */
async function registrationStatus(uri) {
  let best = 0;
  for (const token of registrationTokens()) {
    const res = await fetch(uri, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (best === 0 || res.status === 200) best = res.status;
  }
  return best;
}

function writeFile(home, name, content) {
  const file = path.join(home, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

// ------------------------------------------------------------------ the whole path

let exported; // the provider file of a registered provider
let link;

test('add without a client ID registers, signs in, exports as "register on import"', async () => {
  const home = newHome();
  const add = await ok(['provider', 'add', 'self', '--issuer', op.issuer, '--label', 'Local demo'], { home });
  assert.match(add.stdout, /AuthDeck registered itself with the provider/);
  const [listed] = await providers(home);
  assert.equal(listed.registered, true);
  assert.ok(listed.client_id && listed.client_id !== 'authdeck', `an issued client ID: ${listed.client_id}`);
  const [saved] = providersFile(home);
  assert.equal(saved.registered.registration_client_uri, `${op.issuer}/reg/${listed.client_id}`);
  assert.equal(await registrationStatus(saved.registered.registration_client_uri), 200, 'the registration exists');

  const id = await connect(home, 'self', op, { login: 'alice' });
  assert.ok(id);

  const out = await ok(['provider', 'export', 'self'], { home });
  exported = JSON.parse(out.stdout);
  assert.deepEqual(exported, {
    version: 1,
    label: 'Local demo',
    issuer: op.issuer,
    register_on_import: true,
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    redirect_uri: 'dev.authdeck.app:/oauth/callback',
  });
  const file = path.join(home, 'out.authdeck.json');
  await ok(['provider', 'export', 'self', '--output', file], { home });
  assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), exported);

  link = (await ok(['provider', 'export', 'self', '--link'], { home })).stdout.trim();
  assert.match(link, /^dev\.authdeck\.app:\/provider\?file=[A-Za-z0-9_-]+$/);
  assert.ok(link.length < 2048, `the link is ${link.length} bytes`);

  // Still in use: the registration stays.
  const kept = await ok(['provider', 'remove', 'self'], { home });
  assert.match(kept.stderr, /stays, because a connected account still uses it\./);
  assert.equal(await registrationStatus(saved.registered.registration_client_uri), 200);
  await ok(['logout', id], { home });
});

test('import into a fresh data folder registers its own client and signs in there', async () => {
  assert.ok(exported, 'the export test ran');
  const home = newHome();
  const file = writeFile(home, 'work.authdeck.json', exported);
  const r = await ok(['provider', 'import', file], { home });
  assert.match(r.stdout, /^Added provider local-demo \(Local demo\); AuthDeck registered itself with it\.\n$/);
  const [p] = await providers(home);
  assert.equal(p.name, 'local-demo');
  assert.equal(p.registered, true);
  const id = await connect(home, 'local-demo', op, { login: 'bob' });
  const list = JSON.parse((await ok(['accounts', '--json'], { home })).stdout);
  assert.deepEqual(list.map((a) => a.id), [id]);

  // The same name again: a clear choice, no overwrite, nothing added.
  const again = await fails(['provider', 'import', file], { home });
  assert.match(again.stderr, /already exists, so nothing was added; import it under another name with --name NAME\./);
  assert.equal((await providers(home)).length, 1);
  await ok(['provider', 'import', file, '--name', 'second'], { home });
  assert.deepEqual((await providers(home)).map((x) => x.name), ['local-demo', 'second']);
  const ids = providersFile(home).map((x) => x.client_id);
  assert.notEqual(ids[0], ids[1], 'each import registers a client of its own');
});

test('link round trip: the link adds the same provider', async () => {
  assert.ok(link, 'the export test ran');
  const home = newHome();
  await ok(['provider', 'import', link, '--name', 'linked'], { home });
  const [p] = await providers(home);
  assert.equal(p.label, 'Local demo');
  assert.equal(p.issuer, op.issuer);
  const back = JSON.parse((await ok(['provider', 'export', 'linked'], { home })).stdout);
  assert.deepEqual(back, exported);

  // A provider with a client ID exports it, and its link carries it.
  await ok(['provider', 'add', 'plain', '--issuer', op.issuer, '--client-id', 'authdeck', '--loopback'], { home });
  const plainLink = (await ok(['provider', 'export', 'plain', '--link'], { home })).stdout.trim();
  const other = newHome();
  await ok(['provider', 'import', plainLink], { home: other });
  const [q] = await providers(other);
  assert.equal(q.client_id, 'authdeck');
  assert.equal(q.registered, false);
  assert.equal(q.redirect_uri, 'http://127.0.0.1/callback');
  await connect(other, q.name, op);
});

test('remove deletes the registration at the provider once no account uses it', async () => {
  const home = newHome();
  await ok(['provider', 'add', 'gone', '--issuer', op.issuer], { home });
  const [saved] = providersFile(home);
  const uri = saved.registered.registration_client_uri;
  assert.equal(await registrationStatus(uri), 200);
  const r = await ok(['provider', 'remove', 'gone'], { home });
  assert.equal(r.stderr, '', 'deleted without a warning');
  assert.equal(await registrationStatus(uri), 401, 'the provider no longer knows the registration');
  assert.equal(await op.provider.Client.find(saved.client_id), undefined);
  assert.deepEqual(await providers(home), []);
});

// ------------------------------------------------------------------ refusals

test('an issuer without registration needs a client ID from its administrator', async () => {
  const home = newHome();
  const r = await fails(['provider', 'add', 'closed', '--issuer', closed.issuer], { home });
  assert.match(r.stderr, /needs a client ID from its administrator/);
  assert.deepEqual(await providers(home), []);
  // A "register on import" file for it, likewise.
  const file = writeFile(home, 'closed.json', { ...exported, issuer: closed.issuer });
  const imported = await fails(['provider', 'import', file], { home });
  assert.match(imported.stderr, /needs a client ID from its administrator/);
  assert.deepEqual(await providers(home), []);
  reliability({
    area: 'Hostile provider files and links',
    name: 'provider add without a client ID at an issuer without registration',
    sees: r.stderr,
    asserts: 'exit 1, one sentence; nothing added (also for a "register on import" file)',
    test: 'tests/cli/onboarding.test.mjs: an issuer without registration needs a client ID from its administrator',
  });
});

test('each hostile or broken provider file is refused in one sentence, nothing added', async () => {
  const home = newHome();
  const good = {
    version: 1, label: 'Work', issuer: op.issuer, client_id: 'authdeck', scopes: ['openid'], redirect_uri: 'dev.authdeck.app:/oauth/callback',
  };
  const cases = [
    ['a client secret', { ...good, client_secret: 'hunter2-client-secret' }, /carries a secret \("client_secret"\)/],
    ['a registration token', { ...good, registration_access_token: 'hunter2-reg-token' }, /carries a secret/],
    ['a refresh token', { ...good, refresh_token: 'hunter2-refresh' }, /carries a secret/],
    ['an id token, nested', { ...good, extra: { id_token: 'hunter2-id' } }, /carries a secret/],
    ['an unknown secret-looking field', { ...good, apiKey: 'hunter2-key' }, /carries a secret/],
    ['a preset pointing elsewhere', { ...good, preset: 'google' }, /says it is for Google but points to 127\.0\.0\.1/],
    ['a preset\'s label pointing elsewhere', { ...good, label: 'Google' }, /says it is for Google/],
    ['http off this computer', { ...good, issuer: 'http://login.example.com' }, /http:\/\//],
    ['an unknown version', { ...good, version: 7 }, /version 7, which this AuthDeck cannot read/],
    ['an unknown field', { ...good, surprise: true }, /not a provider file AuthDeck can read/],
    ['malformed JSON', '{"version": 1,', /not a provider file AuthDeck can read/],
    ['oversized', { ...good, label: 'x'.repeat(17 * 1024) }, /larger than 16 KB/],
    ['a foreign redirect', { ...good, redirect_uri: 'com.evil.app:/cb' }, /not AuthDeck/],
  ];
  for (const [what, content, words] of cases) {
    const file = writeFile(home, 'bad.json', content);
    const r = await fails(['provider', 'import', file], { home });
    assert.match(r.stderr, words, `${what}: ${r.stderr}`);
    assert.ok(!r.stderr.includes('hunter2'), `${what}: the refusal repeats no secret value`);
    assert.deepEqual(await providers(home), [], `${what}: nothing added`);
    // The same as a link.
    const encoded = Buffer.from(typeof content === 'string' ? content : JSON.stringify(content)).toString('base64url');
    const viaLink = await fails(['provider', 'import', `dev.authdeck.app:/provider?file=${encoded}`], { home });
    if (what === 'oversized') assert.match(viaLink.stderr, /too long to be a provider link/);
    else assert.equal(viaLink.stderr, r.stderr, `${what}: a link is refused like its file`);
    reliability({
      area: 'Hostile provider files and links',
      name: `provider file with ${what}`,
      sees: r.stderr,
      asserts: 'exit 1, one sentence, no secret value repeated; nothing added; the same file as a link is refused alike',
      test: 'tests/cli/onboarding.test.mjs: each hostile or broken provider file is refused in one sentence, nothing added',
    });
  }
  const damaged = await fails(['provider', 'import', 'dev.authdeck.app:/provider?file=%%%'], { home });
  assert.match(damaged.stderr, /damaged/);
  await fails(['provider', 'import', path.join(home, 'missing.json')], { home });
  assert.deepEqual(await providers(home), []);
  // And the good one is fine.
  await ok(['provider', 'import', writeFile(home, 'good.json', good)], { home });
});

// ------------------------------------------------------------------ secrets

test('no secret reaches a provider file, a link, the data folder, the activity log or any output', async () => {
  // The confidential client's secret too: a provider with a secret exports without it.
  const home = newHome();
  await ok(['provider', 'add', 'conf', '--issuer', op.issuer, '--client-id', 'authdeck-confidential',
    '--redirect-uri', 'dev.authdeck.test:/cb', '--client-secret-stdin'], { home, input: 'demo-secret\n' });
  collector.add('demo-secret', 'client secret');
  const conf = await ok(['provider', 'export', 'conf'], { home });
  assert.match(conf.stderr, /never put in a provider file/);
  await collector.addFromProxy(op.proxy);
  const kinds = new Set(op.proxy.secretDetails().map((d) => d.kind));
  for (const kind of ['registration_access_token', 'access_token', 'refresh_token', 'id_token']) {
    assert.ok(kinds.has(kind), `the run produced a ${kind} to look for`);
  }
  assert.ok(collector.size >= 10, `secrets collected: ${collector.size}`);
  const onboarding = calls.filter((c) => c.home !== undefined);
  for (const call of onboarding) {
    for (const [stream, text] of [['stdout', call.stdout], ['stderr', call.stderr]]) {
      assert.deepEqual(collector.findIn(text), [], `authdeck ${call.args.join(' ')} ${stream}`);
    }
  }
  const homes = [...new Set(onboarding.map((c) => c.home))];
  for (const dir of homes) {
    if (!fs.existsSync(dir)) continue;
    for (const f of filesUnder(dir)) {
      assert.deepEqual(collector.findIn(f.content), [], `${f.path} holds a secret`);
      if (/activity|provider|\.json$/.test(f.path)) assert.ok(!/registration_access_token/.test(f.content), f.path);
    }
  }
  assert.deepEqual(collector.findIn(link), [], 'the link');
  assert.deepEqual(collector.findIn(JSON.stringify(exported)), [], 'the provider file');
});
