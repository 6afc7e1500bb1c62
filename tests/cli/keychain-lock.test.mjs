// A keychain that locks while a refresh is in flight: the provider has already rotated the
// refresh token, so the new one must not be lost (issue 9 item 1). The collection is locked
// and unlocked over D-Bus with tests/cli/keyring.py, on a real gnome-keyring of this file's
// own (a private bus), so that test files running meanwhile keep an unlocked keychain.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  REPO, account, addProvider, cli, connect, killAll, newHome, ok, reliability, sleep, startProvider,
} from './harness.mjs';

const PASSWORD = 'authdeck-lock-test';
const keyring = (...args) => execFileSync('/usr/bin/python3', [path.join(REPO, 'tests', 'cli', 'keyring.py'), ...args]);

let op;
let busPid;

/** A private session bus with its own unlocked gnome-keyring; the CLI children inherit it. */
async function privateKeyring() {
  // No display for this bus: with one (the test session's Xvfb), a locked keychain would open
  // gcr-prompter's unlock prompt and every keychain call would wait on a person forever.
  delete process.env.DISPLAY;
  delete process.env.WAYLAND_DISPLAY;
  const [address, pid] = execFileSync('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=1'])
    .toString().trim().split('\n');
  busPid = Number(pid);
  process.env.DBUS_SESSION_BUS_ADDRESS = address;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authdeck-keyring-'));
  fs.mkdirSync(path.join(dir, 'run'), { mode: 0o700 });
  execFileSync('gnome-keyring-daemon', ['--unlock', '--components=secrets'], {
    input: PASSWORD,
    env: { ...process.env, XDG_DATA_HOME: dir, XDG_RUNTIME_DIR: path.join(dir, 'run') },
  });
  for (let i = 0; i < 50; i += 1) {
    const names = execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus', 'org.freedesktop.DBus.ListNames']).toString();
    if (names.includes('"org.freedesktop.secrets"')) return;
    await sleep(100);
  }
  throw new Error('the private gnome-keyring did not start');
}

before(async () => {
  await privateKeyring();
  op = await startProvider({ proxy: true });
});
after(async () => {
  killAll();
  await op?.close();
  if (busPid) process.kill(busPid);
});

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
