// `provider add NAME --issuer ADDRESS` with an address rather than a URL (issue 11 item 3):
// the issuer is found by discovery at the address's well-known paths, against the real
// provider fixture (http is allowed only because it is on this computer, 127.0.0.1).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { addProvider, assertOneSentence, connect, fails, killAll, newHome, ok, startProvider } from './harness.mjs';

let op; // at the root: http://127.0.0.1:PORT
let realm; // with a path, like a Keycloak realm: http://127.0.0.1:PORT/realms/staff

before(async () => {
  op = await startProvider();
  realm = await startProvider({ issuerPath: '/realms/staff' });
});
after(async () => { killAll(); await op?.close(); await realm?.close(); });

const address = (issuer) => issuer.replace(/^http:\/\//, '');

async function issuerOf(home, name) {
  const list = JSON.parse((await ok(['provider', 'list', '--json'], { home })).stdout);
  return list.find((p) => p.name === name)?.issuer;
}

test('a bare address finds the issuer, says what it found, and signs in', async () => {
  const home = newHome();
  const typed = address(op.issuer);
  assert.ok(!typed.includes('://'), typed);
  const r = await ok(['provider', 'add', 'bare', '--issuer', typed, '--client-id', 'authdeck'], { home });
  assert.match(r.stdout, new RegExp(`^Found the sign-in service at ${typed.replace(/[.]/g, '\\.')}: issuer ${op.issuer.replace(/[.:/]/g, '\\$&')}\\.$`, 'm'));
  assert.match(r.stdout, /^Added provider bare\./m);
  assert.equal(await issuerOf(home, 'bare'), op.issuer);
  const account = await connect(home, 'bare', op, { login: 'alice' });
  assert.ok(account, 'signed in through the found issuer');
});

test('an address with a path finds the issuer at that path', async () => {
  const home = newHome();
  await ok(['provider', 'add', 'staff', '--issuer', address(realm.issuer), '--client-id', 'authdeck'], { home });
  assert.equal(await issuerOf(home, 'staff'), realm.issuer);
  assert.ok(realm.issuer.endsWith('/realms/staff'), realm.issuer);
});

test('an address with nothing behind it is one sentence and adds nothing', async () => {
  const home = newHome();
  // The fixture's own host, at a path that serves no metadata anywhere below it.
  const nothing = await fails(['provider', 'add', 'none', '--issuer', `${address(realm.issuer)}-gone/x`, '--client-id', 'authdeck'], { home });
  assertOneSentence(nothing.stderr);
  assert.match(nothing.stderr, /No sign-in service was found at 127\.0\.0\.1:\d+\./);
  const word = await fails(['provider', 'add', 'none', '--issuer', 'intranet', '--client-id', 'authdeck'], { home });
  assertOneSentence(word.stderr);
  assert.match(word.stderr, /does not look like the address of a sign-in service/);
  assert.deepEqual(JSON.parse((await ok(['provider', 'list', '--json'], { home })).stdout), []);
});

test('a full issuer URL is taken as it is (the existing contract)', async () => {
  const home = newHome();
  const r = await addProvider(home, 'full', op.issuer);
  assert.doesNotMatch(r.stdout, /Found the sign-in service/);
  assert.equal(await issuerOf(home, 'full'), op.issuer);
});
