// End-to-end "Sign in with a code" in the real window (tauri-driver + WebKitWebDriver under
// Xvfb), against the real provider with deviceFlow on and the real keychain: the code and the
// QR code are shown, a headless user approves on the provider's device pages, and the account
// appears in the list; Cancel stops the polling.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { named, until, windowSession } from './wait.mjs';
import { startProvider, completeDevice } from '../provider/lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const APP = process.env.AUTHDECK_APP ?? join(ROOT, 'target/debug/authdeck-app');
const CLI = process.env.AUTHDECK_BIN ?? join(ROOT, 'target/debug/authdeck');

assert.ok(process.env.AUTHDECK_HOME, 'run through tests/e2e/run.sh (AUTHDECK_HOME, dbus, Xvfb)');

const run = promisify(execFile);
const cli = async (args) => (await run(CLI, args, { encoding: 'utf8' })).stdout;
const accountByEmail = async (email) => JSON.parse(await cli(['accounts', '--json'])).find((a) => a.email === email);

let op;
let driver;
let browser;

before(async () => {
  op = await startProvider({ deviceInterval: 1 });
  await cli(['provider', 'add', 'codes', '--issuer', op.issuer, '--client-id', 'authdeck', '--label', 'Code demo']);
  driver = spawn('tauri-driver', ['--port', '4444'], { stdio: ['ignore', 'inherit', 'inherit'] });
  await until('tauri-driver', async () => (await fetch('http://127.0.0.1:4444/status')).ok, { timeout: 15000 });
  browser = await windowSession(4444, APP);
});

after(async () => {
  try {
    await browser?.deleteSession();
  } catch { /* the app may already be gone */ }
  driver?.kill('SIGTERM');
  await op?.close();
});

async function openCodeScreen() {
  await (await named(browser, 'Connect account', { timeout: 30000 })).click();
  const offer = await browser.$('[data-device="codes"]');
  await offer.waitForDisplayed({ timeout: 15000 });
  assert.equal(await offer.getText(), 'Sign in with a code');
  op.device.resetPolls();
  await offer.click();
  const screen = await browser.$('[data-testid="device-waiting"]');
  await screen.waitForDisplayed({ timeout: 15000 });
  return screen;
}

test('sign in with a code in the window: code and QR shown, approved elsewhere, the account appears', async () => {
  const screen = await openCodeScreen();
  const code = await (await screen.$('[data-testid="device-code"]')).getText();
  assert.match(code, /^[A-Z]{4}-[A-Z]{4}$/);
  assert.equal(await (await screen.$('[data-testid="device-host"] strong')).getText(), '127.0.0.1');
  const paths = await screen.$$('[data-testid="device-qr"] svg path');
  assert.ok(paths.length >= 1, 'the QR code is drawn');
  assert.match(await (await screen.$('[data-testid="device-countdown"]')).getText(), /^(10:00|9:\d\d)$/);
  if (process.env.AUTHDECK_SCREENSHOTS) {
    // An idle window without compositing paints (and so answers a screenshot) on its next frame.
    await browser.execute(() => {
      const probe = document.createElement('div');
      probe.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none';
      document.body.append(probe);
      probe.animate([{ opacity: 0 }, { opacity: 0.01 }], 1000).finished.then(() => probe.remove());
    });
    await browser.saveScreenshot(join(process.env.AUTHDECK_SCREENSHOTS, 'device.png'));
  }
  const address = await (await screen.$('input.url-field')).getValue();
  assert.equal(new URL(address).searchParams.get('user_code'), code);
  await until('the window to poll', () => op.device.polls().length >= 1, { timeout: 10000 });
  await completeDevice(address, { login: 'carol' });
  const id = await until('carol to be connected', async () => (await accountByEmail('carol@example.test'))?.id);
  const row = await browser.$(`[data-account-id="${id}"]`);
  await row.waitForDisplayed({ timeout: 15000 });
  await screen.waitForExist({ reverse: true, timeout: 10000 });
  assert.match(await row.getText(), /carol@example\.test/);
});

test('Cancel stops asking the provider at once', async () => {
  const screen = await openCodeScreen();
  await until('the window to poll', () => op.device.polls().length >= 1, { timeout: 10000 });
  await (await named(screen, 'Cancel')).click();
  await screen.waitForExist({ reverse: true, timeout: 10000 });
  await sleep(300);
  const count = op.device.polls().length;
  await sleep(2500);
  assert.equal(op.device.polls().length, count, 'no poll after Cancel');
});
