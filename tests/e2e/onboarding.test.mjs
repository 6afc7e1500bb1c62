// End-to-end test of a provider handed over by support (issue 11): a `dev.authdeck.app:`
// provider link delivered to the running window by a second start of the app (how the OS
// delivers a deep link), a provider file opened from the file manager (the app started with
// its path), and a cold start with the link. Each shows the confirmation (label, the issuer's
// host in large type, Add and connect / Cancel); Cancel adds nothing; Add and connect adds
// the provider (AuthDeck registers itself, RFC 7591) and the sign-in completes in the system
// "browser", whose answer comes back by a second start of the app.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { named, until, windowSession } from './wait.mjs';
import { startProvider } from '../provider/lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const APP = process.env.AUTHDECK_APP ?? join(ROOT, 'target/debug/authdeck-app');
const CLI = process.env.AUTHDECK_BIN ?? join(ROOT, 'target/debug/authdeck');
const WORK = mkdtempSync(join(tmpdir(), 'authdeck-e2e-onboarding-'));
const HOME = join(WORK, 'user'); // the person's data folder: starts empty
const SUPPORT = join(WORK, 'support'); // where support made the provider
const PORT = 4448;

assert.ok(process.env.DISPLAY, 'needs an X display (run through tests/e2e/run.sh)');

const run = promisify(execFile);
const cli = async (args, home = HOME) => (await run(CLI, args, { encoding: 'utf8', env: { ...process.env, AUTHDECK_HOME: home } })).stdout;
const providerNames = async () => JSON.parse(await cli(['provider', 'list', '--json'])).map((p) => p.name);

let provider;
let driver;
let browser;
let link;
let file;
const children = [];

async function session(args = []) {
  return windowSession(PORT, APP, args);
}

async function closeSession() {
  try {
    await browser?.deleteSession();
  } catch { /* gone */ }
  browser = undefined;
  await until('the window to close', () => {
    try {
      execFileSync('pgrep', ['-f', `^${APP}`]);
      return false;
    } catch {
      return true;
    }
  }, { timeout: 15000 });
}

/** The confirmation dialog, once it shows the host. */
async function confirmation() {
  const host = await browser.$('[data-testid="offer-host"]');
  await host.waitForDisplayed({ timeout: 20000 });
  return host;
}

before(async () => {
  provider = await startProvider({});
  await cli(['provider', 'add', 'acme', '--issuer', provider.issuer, '--label', 'Acme sign-in'], SUPPORT);
  link = (await cli(['provider', 'export', 'acme', '--link'], SUPPORT)).trim();
  file = join(WORK, 'acme.authdeck.json');
  await cli(['provider', 'export', 'acme', '--output', file], SUPPORT);

  driver = spawn('tauri-driver', ['--port', String(PORT), '--native-port', String(PORT + 1)], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      AUTHDECK_HOME: HOME,
      BROWSER: join(ROOT, 'tests/provider/browser'),
      AUTHDECK_TEST_LOGIN: 'frank',
      AUTHDECK_TEST_DELIVER: 'exec',
      AUTHDECK_TEST_DELIVER_CMD: APP,
    },
  });
  await until('tauri-driver', async () => (await fetch(`http://127.0.0.1:${PORT}/status`)).ok, { timeout: 15000 });
  browser = await session();
});

after(async () => {
  try {
    await browser?.deleteSession();
  } catch { /* gone */ }
  for (const child of children) child.kill('SIGTERM');
  driver?.kill('SIGTERM');
  await provider?.close();
  rmSync(WORK, { recursive: true, force: true });
});

test('a link delivered to the running window: the confirmation, and Cancel adds nothing', async () => {
  await named(browser, 'Connect account', { timeout: 30000 });
  const second = spawn(APP, [link], { stdio: 'ignore', env: { ...process.env, AUTHDECK_HOME: HOME } });
  children.push(second);
  const host = await confirmation();
  assert.equal(await host.getText(), '127.0.0.1');
  const size = parseFloat(await host.getCSSProperty('font-size').then((p) => p.value));
  assert.ok(size >= 24, `the host is in large type (${size}px)`);
  const dialog = await browser.$('[data-testid="connect-dialog"]');
  assert.match(await dialog.getText(), /Acme sign-in/);
  assert.match(await dialog.getText(), /Your email address/);
  await named(dialog, 'Add and connect');
  await (await named(dialog, 'Cancel')).click();
  await dialog.waitForExist({ reverse: true, timeout: 10000 });
  assert.deepEqual(await providerNames(), [], 'Cancel added nothing');
});

test('a provider file opened from the file manager: Add and connect adds it and signs in', async () => {
  const opened = spawn(APP, [file], { stdio: 'ignore', env: { ...process.env, AUTHDECK_HOME: HOME } });
  children.push(opened);
  await confirmation();
  const dialog = await browser.$('[data-testid="connect-dialog"]');
  await (await named(dialog, 'Add and connect')).click();
  const account = await until('the sign-in to connect', async () => {
    const list = JSON.parse(await cli(['accounts', '--json']));
    return list.find((a) => a.email === 'frank@example.test');
  }, { timeout: 30000 });
  assert.equal(account.status, 'valid');
  await (await browser.$(`[data-account-id="${account.id}"]`)).waitForDisplayed({ timeout: 15000 });
  const [added] = JSON.parse(await cli(['provider', 'list', '--json']));
  assert.equal(added.label, 'Acme sign-in');
  assert.equal(added.registered, true, 'AuthDeck registered a client of its own');
});

test('a cold start with the link shows the confirmation; Add and connect signs in', async () => {
  await closeSession();
  await cli(['provider', 'remove', (await providerNames())[0]]).catch(() => undefined);
  browser = await session([link]);
  await confirmation();
  const dialog = await browser.$('[data-testid="connect-dialog"]');
  await (await named(dialog, 'Add and connect')).click();
  await until('the second provider to be added', async () => (await providerNames()).length === 1, { timeout: 20000 });
  await until('the cold-start sign-in to connect', async () => {
    const list = JSON.parse(await cli(['accounts', '--json']));
    return list.filter((a) => a.email === 'frank@example.test').length >= 1 && list.every((a) => a.status === 'valid');
  }, { timeout: 30000 });
});

test('"Other (OpenID Connect)" with only the address typed in: AuthDeck registers itself, then signs in', async () => {
  await (await named(browser, 'Connect account', { timeout: 30000 })).click();
  const dialog = await browser.$('[data-testid="connect-dialog"]');
  await (await named(dialog, 'Add a provider')).click();
  await (await named(dialog, 'Other (OpenID Connect)')).click();
  await (await named(dialog, 'Issuer address')).setValue(provider.issuer);
  await (await named(dialog, 'Display name')).setValue('Acme by address');
  assert.equal(await (await named(dialog, 'Client ID')).getValue(), '', 'no client ID typed');
  await (await named(dialog, 'Add provider')).click();
  await (await named(dialog, 'Acme by address', { timeout: 20000 })).click();
  const account = await until('the sign-in with the registered client to connect', async () => {
    const list = JSON.parse(await cli(['accounts', '--json']));
    return list.find((a) => a.provider === 'acme-by-address');
  }, { timeout: 30000 });
  assert.equal(account.status, 'valid');
  assert.equal(account.email, 'frank@example.test');
  const added = JSON.parse(await cli(['provider', 'list', '--json'])).find((p) => p.name === 'acme-by-address');
  assert.equal(added.registered, true, 'AuthDeck registered a client of its own');
  assert.ok(added.client_id, 'and keeps the client ID it was issued');
});
