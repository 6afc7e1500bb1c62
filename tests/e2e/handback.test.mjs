// End-to-end test of the first-run hand-back check on a desktop where sign-in links cannot come
// back: the scheme handler is removed (xdg-mime and update-desktop-database are replaced by
// commands that fail, and no handler entry exists), so the app's test link never arrives. The
// window must say so in one plain sentence, and a sign-in started in the window must then
// succeed by the loopback route (the system "browser" completes the provider's pages and
// answers at http://127.0.0.1:<port>/callback).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { named, until, windowSession } from './wait.mjs';
import { startProvider } from '../provider/lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const APP = process.env.AUTHDECK_APP ?? join(ROOT, 'target/debug/authdeck-app');
const CLI = process.env.AUTHDECK_BIN ?? join(ROOT, 'target/debug/authdeck');
const WORK = mkdtempSync(join(tmpdir(), 'authdeck-e2e-handback-'));
const HOME = join(WORK, 'data');
const BROWSER_LOG = join(WORK, 'browser.log');
const NO_HANDLER = join(WORK, 'bin');

assert.ok(process.env.DISPLAY, 'needs an X display (run through tests/e2e/run.sh)');

const run = promisify(execFile);
const cli = async (args) => (await run(CLI, args, { encoding: 'utf8', env: { ...process.env, AUTHDECK_HOME: HOME } })).stdout;

let provider;
let driver;
let browser;

before(async () => {
  // A desktop that cannot hand links back: the tools that register and look up handlers fail.
  mkdirSync(NO_HANDLER, { recursive: true });
  for (const tool of ['xdg-mime', 'update-desktop-database']) {
    writeFileSync(join(NO_HANDLER, tool), '#!/bin/sh\nexit 1\n');
    chmodSync(join(NO_HANDLER, tool), 0o755);
  }
  const apps = join(process.env.XDG_DATA_HOME ?? join(process.env.HOME, '.local/share'), 'applications');
  rmSync(join(apps, 'authdeck-app-handler.desktop'), { force: true });
  rmSync(join(apps, 'mimeinfo.cache'), { force: true });

  provider = await startProvider({});
  await cli(['provider', 'add', 'demo', '--issuer', provider.issuer, '--client-id', 'authdeck', '--label', 'Local demo provider']);

  driver = spawn('tauri-driver', ['--port', '4446', '--native-port', '4447'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      PATH: `${NO_HANDLER}:${process.env.PATH}`,
      AUTHDECK_HOME: HOME,
      BROWSER: join(ROOT, 'tests/provider/browser'),
      AUTHDECK_TEST_LOGIN: 'dora',
      AUTHDECK_TEST_DELIVER: 'http',
      AUTHDECK_TEST_BROWSER_LOG: BROWSER_LOG,
    },
  });
  await until('tauri-driver', async () => (await fetch('http://127.0.0.1:4446/status')).ok, { timeout: 15000 });
  browser = await windowSession(4446, APP);
});

after(async () => {
  try {
    await browser?.deleteSession();
  } catch { /* gone */ }
  driver?.kill('SIGTERM');
  await provider?.close();
  rmSync(WORK, { recursive: true, force: true });
});

test('a test link that never comes back: one plain sentence, the code offered first, then a loopback sign-in', async () => {
  await named(browser, 'Connect account', { timeout: 30000 });
  const toasts = await browser.$('[data-testid="toasts"]');
  await until('the sentence about the lost test link', async () => /did not come back to AuthDeck/.test(await toasts.getText()), { timeout: 30000 });
  assert.match(await toasts.getText(), /new sign-ins use the loopback address/);

  const doctor = JSON.parse(await cli(['doctor', '--json']));
  assert.equal(doctor.hand_back?.arrived, false);
  assert.equal(doctor.hand_back?.route, 'loopback');

  await (await named(browser, 'Connect account')).click();
  // Sign-in with a code is offered first now (issue 13), with one sentence why.
  const codeFirst = await browser.$('[data-testid="code-first"]');
  await codeFirst.waitForDisplayed({ timeout: 15000 });
  assert.match(await codeFirst.getText(), /cannot hand sign-ins back to AuthDeck/);
  const offer = await browser.$('[data-device="demo"]');
  assert.equal(await offer.getAttribute('data-first'), 'true');
  assert.ok(await offer.isFocused(), 'the code offer has the focus');
  // The browser sign-in stays for whoever wants it, and comes back by loopback.
  await (await named(browser, 'Local demo provider')).click();
  const account = await until('the loopback sign-in to connect', async () => {
    const list = JSON.parse(await cli(['accounts', '--json']));
    return list.find((a) => a.email === 'dora@example.test');
  }, { timeout: 30000 });
  assert.equal(account.status, 'valid');
  const delivered = existsSync(BROWSER_LOG) ? readFileSync(BROWSER_LOG, 'utf8').trim().split('\n') : [];
  assert.ok(delivered.some((line) => /^http:\/\/127\.0\.0\.1:\d+\/callback\?/.test(line)), `answered by loopback: ${delivered}`);
  await (await browser.$(`[data-account-id="${account.id}"]`)).waitForDisplayed({ timeout: 15000 });
});
