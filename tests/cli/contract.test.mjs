// The documented contract of the `authdeck` CLI: providers, the three sign-in routes, the
// output of login / accounts / token / inspect, refresh, logout, errors.

import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, test } from 'node:test';

import {
  DEEP_LINK, TEST_REDIRECT, account, accounts, addProvider, assertOneSentence, cli, completeLogin, connect, fails,
  httpGet, killAll, loginResult, networkTrap, newHome, ok, paramOf, portOpen, startLogin, startProvider, waitFor,
  withParams,
} from './harness.mjs';

let op; // provider behind the fault proxy (counts + secrets)

before(async () => { op = await startProvider({ proxy: true }); });
after(async () => { killAll(); await op?.close(); });

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

async function providerList(home) {
  const r = await ok(['provider', 'list', '--json'], { home });
  const list = JSON.parse(r.stdout);
  assert.ok(Array.isArray(list), r.stdout);
  return list;
}

// ------------------------------------------------------------------ providers

test('provider add / list / remove', async () => {
  const home = newHome();
  assert.deepEqual(await providerList(home), []);
  const add = await ok(['provider', 'add', 'local', '--issuer', op.issuer, '--client-id', 'authdeck',
    '--label', 'Local demo', '--scope', 'openid email offline_access'], { home });
  assert.equal(add.stderr, '');
  assert.match(add.stdout, new RegExp(DEEP_LINK.replace(/[.:/]/g, '\\$&')), 'add names the redirect URI to register');
  await ok(['provider', 'add', 'loop', '--issuer', op.issuer, '--client-id', 'authdeck', '--loopback'], { home });
  await ok(['provider', 'add', 'other.scheme_1', '--issuer', `${op.issuer}/`, '--client-id', 'authdeck-confidential',
    '--redirect-uri', TEST_REDIRECT, '--client-secret-env', 'AUTHDECK_TEST_SECRET'], { home });

  const list = await providerList(home);
  assert.deepEqual(list.map((p) => p.name), ['local', 'loop', 'other.scheme_1']);
  const [local, loop, other] = list;
  for (const p of list) {
    for (const key of ['name', 'label', 'issuer', 'client_id', 'scopes', 'redirect_uri']) assert.ok(key in p, `${p.name} has ${key}`);
    assert.ok(Array.isArray(p.scopes) && p.scopes.every((s) => typeof s === 'string'), `${p.name} scopes`);
  }
  assert.equal(local.label, 'Local demo');
  assert.equal(local.issuer, op.issuer);
  assert.equal(local.client_id, 'authdeck');
  assert.deepEqual(local.scopes, ['openid', 'email', 'offline_access']);
  assert.equal(local.redirect_uri, DEEP_LINK);
  assert.equal(loop.label, 'loop', 'label defaults to the name');
  assert.deepEqual(loop.scopes, ['openid', 'email', 'profile', 'offline_access'], 'default scopes');
  assert.equal(loop.redirect_uri, 'http://127.0.0.1/callback');
  assert.equal(other.redirect_uri, TEST_REDIRECT);
  assert.equal(other.client_id, 'authdeck-confidential');

  const human = await ok(['provider', 'list'], { home });
  for (const name of ['local', 'loop', 'other.scheme_1', 'Local demo']) assert.ok(human.stdout.includes(name), `human list shows ${name}`);

  const dup = await fails(['provider', 'add', 'local', '--issuer', op.issuer, '--client-id', 'x'], { home });
  assert.match(dup.stderr, /already exists/i);
  await fails(['provider', 'add', '-bad name', '--issuer', op.issuer, '--client-id', 'x'], { home });
  await fails(['provider', 'add', 'noclient', '--issuer', op.issuer, '--client-id', ' '], { home });

  const rm = await ok(['provider', 'remove', 'loop'], { home });
  assert.equal(rm.stderr, '');
  assert.deepEqual((await providerList(home)).map((p) => p.name), ['local', 'other.scheme_1']);
  const again = await fails(['provider', 'remove', 'loop'], { home });
  assert.match(again.stderr, /loop/);
  assert.equal((await providerList(home)).length, 2, 'a failed remove changes nothing');
});

test('an issuer with a path (discovery, login, refresh under /realms/demo)', async (t) => {
  const opPath = await startProvider({ issuerPath: '/realms/demo' });
  t.after(() => opPath.close());
  const home = newHome();
  await addProvider(home, 'realm', opPath.issuer);
  assert.equal((await providerList(home))[0].issuer, opPath.issuer);
  const id = await connect(home, 'realm', opPath, { login: 'paula' });
  const a = await account(home, id);
  assert.equal(a.subject, 'paula');
  await ok(['refresh', id], { home });
  const insp = JSON.parse((await ok(['inspect', id, '--json'], { home })).stdout);
  assert.equal(insp.endpoints.issuer, opPath.issuer);
  assert.equal(insp.endpoints.token_endpoint, `${opPath.issuer}/token`);
});

test('presets add offline; --preset oidc needs an issuer', async (t) => {
  const trap = await networkTrap();
  t.after(() => trap.close());
  const home = newHome();
  for (const preset of ['google', 'microsoft', 'github', 'gitlab']) {
    const r = await ok(['provider', 'add', `p-${preset}`, '--preset', preset, '--client-id', 'client-123'], { home, env: trap.env });
    assert.ok(r.ms < 5000, `preset ${preset} took ${r.ms} ms`);
  }
  await ok(['provider', 'add', 'p-tenant', '--preset', 'microsoft', '--tenant', 'contoso.onmicrosoft.com', '--client-id', 'c'], { home, env: trap.env });
  await ok(['provider', 'add', 'p-oidc', '--preset', 'oidc', '--issuer', 'https://id.example.com', '--client-id', 'c'], { home, env: trap.env });
  const noIssuer = await fails(['provider', 'add', 'p-oidc2', '--preset', 'oidc', '--client-id', 'c'], { home, env: trap.env });
  assert.match(noIssuer.stderr, /issuer/i);
  await fails(['provider', 'add', 'p-bogus', '--preset', 'myspace', '--client-id', 'c'], { home, env: trap.env });
  assert.equal(trap.connections(), 0, 'adding providers made no network request');

  const byName = Object.fromEntries((await providerList(home)).map((p) => [p.name, p]));
  assert.deepEqual(Object.keys(byName).sort(), ['p-github', 'p-gitlab', 'p-google', 'p-microsoft', 'p-oidc', 'p-tenant']);
  assert.equal(byName['p-google'].issuer, 'https://accounts.google.com');
  assert.equal(byName['p-google'].label, 'Google');
  assert.equal(byName['p-microsoft'].issuer, 'https://login.microsoftonline.com/common/v2.0');
  assert.equal(byName['p-tenant'].issuer, 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0');
  assert.equal(byName['p-gitlab'].issuer, 'https://gitlab.com');
  assert.equal(byName['p-github'].label, 'GitHub');
  assert.equal(byName['p-github'].client_id, 'client-123');
  assert.equal(byName['p-oidc'].issuer, 'https://id.example.com');
  for (const p of Object.values(byName)) assert.ok(p.redirect_uri, `${p.name} has a redirect URI`);
});

test('http:// endpoints off this computer and bad redirect URIs are refused, fast and offline', async (t) => {
  const trap = await networkTrap();
  t.after(() => trap.close());
  const home = newHome();
  const refused = [
    ['--issuer', 'http://example.com'],
    ['--issuer', 'http://127.0.0.1.example.com'],
    ['--auth-url', 'http://example.com/auth', '--token-url', 'https://example.com/token'],
    ['--auth-url', 'https://example.com/auth', '--token-url', 'http://example.com/token'],
    ['--auth-url', 'https://example.com/auth', '--token-url', 'https://example.com/token', '--revoke-url', 'http://example.com/revoke'],
    ['--auth-url', 'https://example.com/auth', '--token-url', 'https://example.com/token', '--userinfo-url', 'http://example.com/me'],
  ];
  for (const args of refused) {
    const r = await fails(['provider', 'add', 'x', ...args, '--client-id', 'c'], { home, env: trap.env });
    assert.match(r.stderr, /http:\/\//, `${args.join(' ')}: the message says what is wrong`);
    assert.ok(r.ms < 3000, `${args.join(' ')} took ${r.ms} ms`);
  }
  const redirects = ['myapp:/cb', 'https://example.com/cb', 'http://localhost/callback', 'http://example.com/callback', 'not a uri'];
  for (const uri of redirects) {
    const r = await fails(['provider', 'add', 'x', '--issuer', 'https://id.example.com', '--client-id', 'c', '--redirect-uri', uri], { home, env: trap.env });
    assert.ok(r.stderr.includes(uri) || /redirect/i.test(r.stderr), `${uri}: the message names the redirect URI: ${r.stderr}`);
  }
  assert.deepEqual(await providerList(home), [], 'nothing was added');
  assert.equal(trap.connections(), 0, 'no network request was made');

  // `localhost` is a name, not a loopback address: only literal loopback IPs may use http.
  const named = await fails(['provider', 'add', 'x', '--issuer', 'http://localhost:9', '--client-id', 'c'], { home, env: trap.env });
  assert.match(named.stderr, /127\.0\.0\.1 or \[::1\]/, named.stderr);
  // Loopback http is fine (and still offline at add time).
  for (const issuer of ['http://127.0.0.1:9/realms/x', 'http://[::1]:9']) {
    await ok(['provider', 'add', `ok${issuer.length}`, '--issuer', issuer, '--client-id', 'c'], { home, env: trap.env });
  }
  assert.equal(trap.connections(), 0);
});

// ------------------------------------------------------------------ sign-in routes

test('login: URL first, `authdeck callback` from another process, id last', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const login = await startLogin(home, 'local');
  const auth = new URL(login.url);
  assert.equal(`${auth.origin}${auth.pathname}`, `${op.issuer}/auth`);
  const p = auth.searchParams;
  assert.equal(p.get('client_id'), 'authdeck');
  assert.equal(p.get('response_type'), 'code');
  assert.equal(p.get('redirect_uri'), DEEP_LINK);
  assert.equal(p.get('code_challenge_method'), 'S256');
  assert.match(p.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
  assert.ok(p.get('state')?.length >= 22, 'state has enough entropy');
  assert.ok(p.get('nonce')?.length >= 22, 'nonce is sent for OpenID Connect');
  assert.equal(p.get('prompt'), 'consent');
  assert.deepEqual(p.get('scope').split(' ').sort(), ['email', 'offline_access', 'openid', 'profile']);

  const callback = await completeLogin(login.url, { login: 'alice' });
  assert.ok(callback.startsWith(`${DEEP_LINK}?`), callback);
  const cb = await ok(['callback', callback], { home });
  assert.match(cb.stdout, /alice@example\.test/);
  const result = await login.done;
  const id = loginResult(result, login.url);
  assert.match(result.stderr, /alice@example\.test/, 'login says who was connected (stderr)');
  assert.ok(cb.stdout.includes(id), 'callback names the account id');
  assert.deepEqual((await accounts(home)).map((a) => a.id), [id]);
});

test('login: the callback URL pasted on standard input (a bad line first is refused, not fatal)', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const login = await startLogin(home, 'local', { stdinPipe: true });
  const callback = await completeLogin(login.url, { login: 'stdin-user' });
  login.write('this is not an address\n');
  login.write(`${withParams(callback, { state: 'forged-state-value-1234567890' })}\n`);
  await waitFor(() => (login.stderr().match(/\n/g) || []).length >= 3, { what: 'two refusals on stderr' });
  assert.equal(login.proc.exitCode, null, 'login keeps waiting after bad input');
  login.write(`  ${callback}  \n`);
  const result = await login.done;
  const id = loginResult(result, login.url);
  assert.equal((await account(home, id)).subject, 'stdin-user');
});

function externalAddresses() {
  return Object.values(os.networkInterfaces()).flat().filter((i) => i && !i.internal).map((i) => i.address);
}

test('login: the loopback listener (404 elsewhere, refusal for forgeries, static page, then closed)', async () => {
  const home = newHome();
  await addProvider(home, 'loop', op.issuer, ['--loopback']);
  const login = await startLogin(home, 'loop');
  const redirect = new URL(new URL(login.url).searchParams.get('redirect_uri'));
  assert.equal(redirect.hostname, '127.0.0.1');
  assert.equal(redirect.pathname, '/callback');
  const port = Number(redirect.port);
  assert.ok(port > 0);
  assert.ok(await portOpen(port), 'listener is up while the sign-in waits');
  // Bound to 127.0.0.1 itself: not to other loopback addresses, IPv6 or other interfaces.
  for (const host of ['127.0.0.2', '::1', ...externalAddresses()]) {
    assert.equal(await portOpen(port, host), false, `not reachable at ${host}`);
  }

  const callback = await completeLogin(login.url, { login: 'loopy' });
  assert.ok(callback.startsWith(`http://127.0.0.1:${port}/callback?`), callback);
  const code = paramOf(callback, 'code');
  const state = paramOf(callback, 'state');

  const wrongPath = await httpGet(callback.replace('/callback?', '/other?'));
  assert.equal(wrongPath.status, 404);
  assert.ok(!wrongPath.body.includes(code) && !wrongPath.body.includes(state), 'the 404 page echoes nothing');
  const forged = await httpGet(withParams(callback, { state: 'forged-state-value-1234567890' }));
  assert.equal(forged.status, 400, 'a forged answer is refused');
  assert.equal(login.proc.exitCode, null, 'login still waiting');
  assert.deepEqual(await accounts(home), []);

  const page = await httpGet(callback);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  assert.match(page.body, /signed in/i);
  assert.ok(!/<script/i.test(page.body), 'static page: no script');
  assert.ok(!page.body.includes(code) && !page.body.includes(state), 'the page echoes nothing from the request');

  const id = loginResult(await login.done, login.url);
  assert.equal((await account(home, id)).subject, 'loopy');
  await waitFor(async () => !(await portOpen(port)), { timeoutMs: 3000, what: `port ${port} closed` });
});

test('login: the loopback listener answers the browser with the success page every time (20 sign-ins)', async () => {
  // The success page must be sent before `login` exits, whichever of its routes notices first.
  const home = newHome();
  await addProvider(home, 'loop', op.issuer, ['--loopback']);
  const problems = [];
  const one = async (i) => {
    const login = await startLogin(home, 'loop');
    const callback = await completeLogin(login.url, { login: `loop${i}` });
    try {
      const page = await httpGet(callback);
      if (page.status !== 200 || !/signed in/i.test(page.body)) problems.push(`#${i}: HTTP ${page.status}`);
    } catch (err) {
      problems.push(`#${i}: ${err.message.replace(/http:\/\/127\.0\.0\.1:\d+/, 'loopback')}`);
    }
    const result = await login.done;
    if (result.code !== 0) problems.push(`#${i}: login exited ${result.code}: ${result.stderr.trim()}`);
  };
  for (let batch = 0; batch < 5; batch += 1) {
    await Promise.all([0, 1, 2, 3].map((k) => one(batch * 4 + k)));
  }
  assert.deepEqual(problems, [], 'every browser got the success page');
  assert.equal((await accounts(home)).length, 20);
});

test('login --hint passes login_hint; Ctrl-C cancels the sign-in and a late answer is refused', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const login = await startLogin(home, 'local', { args: ['--hint', 'hank@example.test'] });
  assert.equal(new URL(login.url).searchParams.get('login_hint'), 'hank@example.test');
  const callback = await completeLogin(login.url, { login: 'hank' });
  login.proc.kill('SIGINT');
  const result = await login.done;
  assert.notEqual(result.code, 0, 'a cancelled login exits non-zero');
  assert.match(result.stderr.split('\n').filter(Boolean).at(-1), /cancel/i);
  assert.equal(result.stdout.split('\n').filter(Boolean).length, 1, 'no account id printed');
  const late = await fails(['callback', callback], { home });
  assert.match(late.stderr, /already used|cancel|sign-in in progress/i);
  assert.deepEqual(await accounts(home), []);
});

test('a confidential client with --client-secret-env', async () => {
  const home = newHome();
  await ok(['provider', 'add', 'conf', '--issuer', op.issuer, '--client-id', 'authdeck-confidential',
    '--client-secret-env', 'AUTHDECK_TEST_CLIENT_SECRET'], { home });
  const env = { AUTHDECK_TEST_CLIENT_SECRET: 'demo-secret' };
  const id = await connect(home, 'conf', op, { login: 'cora', env });
  await ok(['refresh', id], { home, env });
  const missing = await fails(['refresh', id], { home, env: { AUTHDECK_TEST_CLIENT_SECRET: undefined } });
  assert.match(missing.stderr, /AUTHDECK_TEST_CLIENT_SECRET/);
  assert.ok(!missing.stderr.includes('demo-secret'));
  const wrong = await fails(['refresh', id], { home, env: { AUTHDECK_TEST_CLIENT_SECRET: 'wrong-secret' } });
  assert.match(wrong.stderr, /client/i);
  assert.ok(!wrong.stderr.includes('wrong-secret'));
  await ok(['refresh', id], { home, env });
  assert.ok(!(await ok(['provider', 'list', '--json'], { home })).stdout.includes('demo-secret'));
});

test('removing a provider keeps its connected accounts working', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'rex' });
  await ok(['provider', 'remove', 'local'], { home });
  await ok(['refresh', id], { home });
  await ok(['token', id], { home });
  assert.equal((await account(home, id)).status, 'valid');
  op.proxy.resetCounts();
  await ok(['logout', id], { home });
  assert.equal(op.proxy.counts()['/token/revocation'], 1);
});

test('login on an unknown provider fails with one sentence', async () => {
  const home = newHome();
  const r = await fails(['login', 'nope', '--no-browser'], { home });
  assert.match(r.stderr, /nope/);
  assert.equal(r.stdout, '');
});

// ------------------------------------------------------------------ accounts

test('accounts --json: fields and types; the same user again updates the same account', async () => {
  const home = newHome();
  assert.deepEqual(await accounts(home), []);
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'alice' });
  const [a] = await accounts(home);
  assert.equal(a.id, id);
  assert.equal(a.provider, 'local');
  assert.equal(a.subject, 'alice');
  assert.equal(a.email, 'alice@example.test');
  assert.equal(typeof a.display_name, 'string');
  assert.ok(a.display_name.length > 0);
  assert.ok(Array.isArray(a.scopes) && a.scopes.includes('openid') && a.scopes.includes('offline_access'), JSON.stringify(a.scopes));
  assert.ok(a.scopes.every((s) => typeof s === 'string'));
  assert.equal(a.status, 'valid');
  assert.match(a.expires_at, RFC3339);
  const left = Date.parse(a.expires_at) - Date.now();
  assert.ok(left > 3500_000 && left <= 3600_000, `expires in about an hour (${left} ms)`);
  assert.equal(a.has_refresh_token, true);
  assert.ok('last_refreshed_at' in a);
  assert.equal(a.last_refreshed_at, null);

  const human = await ok(['accounts'], { home });
  assert.ok(human.stdout.includes(id) && human.stdout.includes('alice@example.test'));

  const again = await connect(home, 'local', op, { login: 'alice' });
  assert.equal(again, id, 'same provider + subject -> same account id');
  const list = await accounts(home);
  assert.equal(list.length, 1, 'no duplicate account');
  assert.ok(Date.parse(list[0].expires_at) >= Date.parse(a.expires_at), 'tokens updated');

  const bob = await connect(home, 'local', op, { login: 'bob' });
  assert.notEqual(bob, id);
  const both = await accounts(home);
  assert.deepEqual(both.map((x) => x.id).sort(), [bob, id].sort());
  assert.deepEqual(both.map((x) => x.email).sort(), ['alice@example.test', 'bob@example.test']);
});

test('ACCOUNT arguments accept the id or the email', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'erin' });
  const byEmail = JSON.parse((await ok(['inspect', 'erin@example.test', '--json'], { home })).stdout);
  const byId = JSON.parse((await ok(['inspect', id, '--json'], { home })).stdout);
  assert.equal(byEmail.account.id, id);
  assert.equal(byId.account.id, id);
  await ok(['refresh', 'erin@example.test'], { home });
  const t1 = (await ok(['token', 'erin@example.test'], { home })).stdout;
  const t2 = (await ok(['token', id], { home })).stdout;
  assert.equal(t1, t2);
});

// ------------------------------------------------------------------ refresh, token, inspect

test('refresh twice in a row (the rotated refresh token was stored), one request each', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'rita' });
  const before = await account(home, id);
  const tokenBefore = (await ok(['token', id], { home })).stdout.trim();
  for (let i = 1; i <= 2; i += 1) {
    op.proxy.resetCounts();
    const r = await ok(['refresh', id], { home });
    assert.equal(op.proxy.counts()['/token'], 1, `refresh ${i}: one token request`);
    assert.ok(r.stdout.includes(id), `refresh ${i} names the account`);
    assert.equal(r.stderr, '');
  }
  const after = await account(home, id);
  assert.match(after.last_refreshed_at, RFC3339);
  assert.ok(Date.parse(after.last_refreshed_at) >= Date.parse(before.expires_at) - 3600_000);
  assert.equal(after.status, 'valid');
  const tokenAfter = (await ok(['token', id], { home })).stdout.trim();
  assert.notEqual(tokenAfter, tokenBefore, 'refresh stored a new access token');
  const userinfo = await fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${tokenAfter}` } });
  assert.equal(userinfo.status, 200, 'the new access token works at the provider');
});

test('token prints exactly one line: the access token the provider issued', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'tom' });
  op.proxy.resetCounts();
  const r = await ok(['token', id], { home });
  assert.equal(op.proxy.counts()['/token'], undefined, 'a fresh token is not refreshed');
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^[^\n]+\n$/, `exactly one line: ${JSON.stringify(r.stdout)}`);
  const token = r.stdout.trim();
  const issued = op.proxy.secretDetails().filter((d) => d.kind === 'access_token').map((d) => d.value);
  assert.ok(issued.includes(token), 'the printed token is one the provider issued');
  const userinfo = await (await fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${token}` } })).json();
  assert.equal(userinfo.sub, 'tom', 'and it is this account\'s token');
});

test('inspect (--json and human): status, scopes, claims, never a token value', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'ivy' });
  await ok(['refresh', id], { home });
  const token = (await ok(['token', id], { home })).stdout.trim();
  const secrets = op.proxy.secrets().filter((s) => s.length >= 8);
  assert.ok(secrets.includes(token));

  const r = await ok(['inspect', id, '--json'], { home });
  const i = JSON.parse(r.stdout);
  assert.equal(i.account.id, id);
  assert.equal(i.account.status, 'valid');
  assert.ok(Array.isArray(i.scopes) && i.scopes.includes('openid'));
  assert.equal(i.has_refresh_token, true);
  assert.equal(i.id_token.format, 'jwt');
  assert.equal(i.id_token.claims.sub, 'ivy');
  assert.equal(i.id_token.claims.iss, op.issuer);
  assert.equal(i.id_token.claims.aud, 'authdeck');
  assert.equal(i.access_token.length, token.length);
  assert.ok(typeof i.expires_in_seconds === 'number' && i.expires_in_seconds > 3000);
  const human = await ok(['inspect', 'ivy@example.test'], { home });
  assert.match(human.stdout, /ivy@example\.test/);
  assert.match(human.stdout, /"sub":"ivy"/);
  for (const out of [r.stdout, r.stderr, human.stdout, human.stderr]) {
    for (const s of secrets) assert.ok(!out.includes(s), 'inspect prints no secret');
  }
  assert.ok(!/"(access_token|refresh_token|id_token)"\s*:\s*"/.test(r.stdout), 'no token-valued field');
});

test('logout revokes at the provider (one revocation request) and removes the account', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'lou' });
  const other = await connect(home, 'local', op, { login: 'mia' });
  await ok(['refresh', id], { home });
  const refreshTokens = op.proxy.secretDetails().filter((d) => d.kind === 'refresh_token').map((d) => d.value);
  const current = refreshTokens.at(-1); // the rotated one lou holds now
  op.proxy.resetCounts();
  const r = await ok(['logout', 'lou@example.test'], { home });
  assert.equal(op.proxy.counts()['/token/revocation'], 1, 'one revocation request');
  assert.equal(op.proxy.counts()['/token'], undefined, 'no token request');
  assert.ok(r.stdout.includes(id));
  assert.equal(r.stderr, '', 'no warning: the provider confirmed');
  assert.deepEqual((await accounts(home)).map((a) => a.id), [other], 'only the other account is left');
  const dead = await fetch(`${op.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: current, client_id: 'authdeck' }),
  });
  assert.equal(dead.status, 400, 'the refresh token was revoked');
  await fails(['token', id], { home });
  await fails(['logout', id], { home });
  await ok(['refresh', other], { home });
});

test('unknown accounts: token / refresh / inspect / logout fail with one sentence', async () => {
  const home = newHome();
  for (const args of [['token', 'ghost'], ['refresh', 'ghost@example.test'], ['inspect', 'ghost'], ['inspect', 'ghost', '--json'], ['logout', 'ghost']]) {
    const r = await fails(args, { home });
    assert.match(r.stderr, /ghost/);
    assert.equal(r.stdout, '', `${args.join(' ')}: nothing on stdout`);
  }
  const usage = await cli(['refresh'], { home });
  assert.notEqual(usage.code, 0);
  assertOneSentence(usage.stderr, 'refresh without an account');
  const nothing = await cli([], { home });
  assert.notEqual(nothing.code, 0);
});

test('refresh --all over 3 accounts: one request each', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const ids = [];
  for (const user of ['ann', 'ben', 'cat']) ids.push(await connect(home, 'local', op, { login: user }));
  op.proxy.resetCounts();
  const r = await ok(['refresh', '--all'], { home });
  assert.equal(op.proxy.counts()['/token'], 3);
  const out = r.stdout.split('\n').filter(Boolean);
  assert.equal(out.length, 3, r.stdout);
  for (const id of ids) assert.ok(out.some((l) => l.includes(id)), `${id} reported`);
  for (const a of await accounts(home)) {
    assert.ok(a.last_refreshed_at, `${a.id} refreshed`);
    assert.equal(a.status, 'valid');
  }
  op.proxy.resetCounts();
  await ok(['refresh', '--all'], { home });
  assert.equal(op.proxy.counts()['/token'], 3, 'and again: the rotated tokens were kept');

  const empty = await ok(['refresh', '--all'], { home: newHome() });
  assert.match(empty.stdout, /no accounts/i);
});
