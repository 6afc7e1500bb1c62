// A keychain that locks while a refresh is in flight: the provider has already rotated the
// refresh token, so the new one must not be lost (issue 9 item 1). The collection is locked
// and unlocked over D-Bus with tests/cli/keyring.py, on the real gnome-keyring.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  REPO, account, addProvider, cli, connect, killAll, newHome, ok, reliability, sleep, startProvider,
} from './harness.mjs';

const PASSWORD = process.env.AUTHDECK_TEST_KEYRING_PASSWORD ?? 'authdeck-test-keyring';
const keyring = (...args) => execFileSync('/usr/bin/python3', [path.join(REPO, 'tests', 'cli', 'keyring.py'), ...args]);

let op;

before(async () => { op = await startProvider({ proxy: true }); });
after(async () => { killAll(); keyring('unlock', PASSWORD); await op?.close(); });

test('keychain locked 1 s into a refresh answered after 3 s, unlocked 4 s later: the rotated token survives', async () => {
  await op.proxy.reset();
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const alice = await connect(home, 'local', op, { login: 'alice' });
  op.proxy.fault({ mode: 'delay', ms: 3000, times: 1 });

  const refreshing = cli(['refresh', alice], { home, env: { AUTHDECK_HTTP_TIMEOUT_SECS: '10' } });
  let r;
  try {
    await sleep(1000);
    keyring('lock');
    await sleep(4000);
  } finally {
    keyring('unlock', PASSWORD);
    r = await refreshing;
  }
  assert.equal(r.code, 0, `the refresh waited for the keychain: ${r.stderr}`);

  op.proxy.resetCounts();
  await ok(['refresh', alice], { home });
  const after = await account(home, alice);
  assert.equal(after.status, 'valid', 'not "reconnect needed": the spent refresh token was not replayed');
  assert.equal(op.proxy.counts()['/token'], 1);
  reliability({
    area: 'Keychain faults',
    name: 'keychain locked during a refresh that rotates the refresh token',
    sees: r.stderr || '(the refresh finishes once the keychain is unlocked)',
    asserts: 'the refresh retries the write holding the account lock; the next refresh succeeds; status stays valid',
    test: 'tests/cli/keychain-lock.test.mjs',
  });
});
