// End-to-end test of the real AuthDeck window: the built Tauri binary under Xvfb, driven by
// tauri-driver + WebKitWebDriver, against the real OpenID provider (tests/provider) and the real
// keychain (gnome-keyring in the dbus session that run.sh starts).
//
// Routes covered: sign-in started in the window and answered through the system "browser"
// (`$BROWSER`, which completes the provider's pages and then starts the app a second time with
// the callback URL, as the OS does for a deep link); sign-in started by the CLI and answered
// by `gio open` (desktop deep-link delivery) into the running window; and a cold start of the
// app with the callback URL when no window is open.
//
// Screenshots of the main views go to docs/screenshots/ (or $AUTHDECK_SCREENSHOTS).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { named, until, windowSession } from './wait.mjs';
import { startProvider, completeLogin } from '../provider/lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const APP = process.env.AUTHDECK_APP ?? join(ROOT, 'target/debug/authdeck-app');
const CLI = process.env.AUTHDECK_BIN ?? join(ROOT, 'target/debug/authdeck');
const SHOTS = process.env.AUTHDECK_SCREENSHOTS ?? join(ROOT, 'docs/screenshots');
const WORK = mkdtempSync(join(tmpdir(), 'authdeck-e2e-'));
const BROWSER_LOG = join(WORK, 'browser.log');
const FIRST_PAINT = join(WORK, 'first-paint');

assert.ok(process.env.AUTHDECK_HOME, 'run through tests/e2e/run.sh (AUTHDECK_HOME, dbus, Xvfb)');
assert.ok(process.env.DISPLAY, 'needs an X display (run.sh starts Xvfb)');
mkdirSync(SHOTS, { recursive: true });

const providers = {};
let driver;
let browser;
const children = [];
const seenByCli = [];

// Always asynchronous: the provider runs in this process and must keep answering while the
// CLI waits on it.
const run = promisify(execFile);
async function cli(args) {
  try {
    const { stdout } = await run(CLI, args, { encoding: 'utf8' });
    seenByCli.push(stdout);
    return stdout;
  } catch (e) {
    throw new Error(`authdeck ${args.join(' ')} failed (${e.code}): ${e.stderr}`);
  }
}

const accounts = async () => JSON.parse(await cli(['accounts', '--json']));
const accountByEmail = async (email) => (await accounts()).find((a) => a.email === email);

/** Runs `authdeck login` in the background; resolves its first stdout line (the URL). */
function backgroundLogin(provider) {
  const proc = spawn(CLI, ['login', provider, '--no-browser'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  const url = until('the login URL', () => out.includes('\n') && out.split('\n')[0], { timeout: 15000 });
  const done = new Promise((resolveDone) => proc.on('exit', (code) => resolveDone({ code, out, err })));
  return { url, done };
}

async function connectByCli(provider, login, deliver) {
  const { url, done } = backgroundLogin(provider);
  const callback = await completeLogin(await url, { login });
  await deliver(callback);
  const result = await done;
  assert.equal(result.code, 0, `login ${provider} as ${login}: ${result.err}`);
  const lines = result.out.trim().split('\n');
  return lines[lines.length - 1];
}

async function rowOf(email) {
  const id = await until(`${email} to be connected`, async () => (await accountByEmail(email))?.id);
  const element = await browser.$(`[data-account-id="${id}"]`);
  await element.waitForDisplayed({ timeout: 15000 });
  return element;
}
const button = (scope, name) => named(scope, name);

/** Dismisses every toast, so none covers the buttons of the bottom rows. */
async function clearToasts() {
  const toasts = await browser.$('[data-testid="toasts"]');
  for (const dismiss of await toasts.$$('aria/Dismiss')) {
    if (await dismiss.isDisplayed()) await dismiss.click();
  }
}
// With no GPU the app turns WebKit's compositing off, and WebKit then answers a screenshot at
// the window's next paint, which an idle window never makes. A second of invisible animation
// (a 1 px probe at 1% opacity) gives it one.
const shot = async (name) => {
  await browser.execute(() => {
    const probe = document.createElement('div');
    probe.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none';
    document.body.append(probe);
    probe.animate([{ opacity: 0 }, { opacity: 0.01 }], 1000).finished.then(() => probe.remove());
  });
  await browser.saveScreenshot(join(SHOTS, `${name}.png`));
};
const clipboard = (target = 'UTF8_STRING') => {
  try {
    return execFileSync('xclip', ['-o', '-selection', 'clipboard', '-t', target], { encoding: 'utf8', timeout: 5000 });
  } catch {
    return '';
  }
};

before(async () => {
  providers.main = await startProvider({ proxy: true });
  providers.short = await startProvider({ accessTtl: 240 });
  providers.brief = await startProvider({ accessTtl: 2 });
  await cli(['provider', 'add', 'demo', '--issuer', providers.main.issuer, '--client-id', 'authdeck', '--label', 'Local demo provider']);
  await cli(['provider', 'add', 'short', '--issuer', providers.short.issuer, '--client-id', 'authdeck', '--label', 'Short-lived demo']);
  await cli(['provider', 'add', 'brief', '--issuer', providers.brief.issuer, '--client-id', 'authdeck', '--scope', 'openid email profile', '--label', 'Demo without refresh']);

  driver = spawn('tauri-driver', ['--port', '4444'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      BROWSER: join(ROOT, 'tests/provider/browser'),
      AUTHDECK_TEST_LOGIN: 'alice',
      AUTHDECK_TEST_DELIVER: 'exec',
      AUTHDECK_TEST_DELIVER_CMD: APP,
      AUTHDECK_TEST_BROWSER_LOG: BROWSER_LOG,
      AUTHDECK_FIRST_PAINT_FILE: FIRST_PAINT,
    },
  });
  children.push(driver);
  await until('tauri-driver', async () => (await fetch('http://127.0.0.1:4444/status')).ok, { timeout: 15000 });
  browser = await windowSession(4444, APP);
  // Collect every event payload the window receives, to scan them for secrets at the end.
  await browser.execute(() => {
    window.__authdeckSeen = [];
    const internals = window.__TAURI_INTERNALS__;
    for (const event of ['accounts-changed', 'refresh-state', 'login-finished', 'callback-handled', 'clipboard-cleared']) {
      const handler = internals.transformCallback((payload) => window.__authdeckSeen.push(JSON.stringify(payload)));
      internals.invoke('plugin:event|listen', { event, target: { kind: 'Any' }, handler });
    }
  });
});

after(async () => {
  try {
    await browser?.deleteSession();
  } catch { /* the app may already be gone */ }
  for (const child of children) child.kill('SIGTERM');
  for (const p of Object.values(providers)) await p.close();
});

test('the window: connect, list, countdown, refresh, copy, details, errors, disconnect', async (t) => {
  await t.test('empty state, first paint marker', async () => {
    await named(browser, 'Connect account', { timeout: 30000 });
    await until('the first-paint marker', () => existsSync(FIRST_PAINT));
    await sleep(300);
    await shot('empty');
  });

  await t.test('connect in the window; the answer comes back by a second start of the app', async () => {
    await (await named(browser, 'Connect account')).click();
    await (await named(browser, 'Local demo provider')).click();
    await (await browser.$('[data-testid="login-waiting"]')).waitForExist({ timeout: 10000 });
    const alice = await rowOf('alice@example.test');
    assert.match(await alice.getText(), /alice@example\.test/, 'the row shows the email as visible text');
    await (await browser.$('[data-testid="login-waiting"]')).waitForExist({ reverse: true, timeout: 10000 });
    const delivered = readFileSync(BROWSER_LOG, 'utf8').trim().split('\n');
    assert.equal(delivered.length, 1, 'the second instance exited 0 (xdg-open did not retry)');
    assert.match(delivered[0], /^dev\.authdeck\.app:\/oauth\/callback\?/);
  });

  await t.test('the countdown ticks without reloading, at the minute it shows', async () => {
    const countdown = await (await rowOf('alice@example.test')).$('[data-testid="countdown"]');
    const first = await countdown.getText();
    assert.match(first, /^Expires in (\d+ min|1 h)$/, 'minutes, no seconds, above a minute');
    // The shown minute ends when the seconds left pass a multiple of 60.
    const left = Date.parse((await accountByEmail('alice@example.test')).expires_at) - Date.now();
    const boundary = left % 60_000;
    if (boundary > 2500) {
      await sleep(boundary - 2000);
      assert.equal(await countdown.getText(), first, 'no change before the minute ends');
    }
    const second = await until('the countdown to change', async () => {
      const text = await countdown.getText();
      return text !== first && text;
    }, { timeout: 6000 });
    assert.notEqual(second, first);
    const status = await (await rowOf('alice@example.test')).$('[data-testid="status"]');
    assert.equal(await status.getAttribute('data-status'), 'valid');
    assert.equal(await status.getText(), 'Connected');
  });

  await t.test('Refresh moves the expiry', async () => {
    const before = await accountByEmail('alice@example.test');
    await sleep(1200);
    const alice = await rowOf('alice@example.test');
    await (await button(alice, 'Refresh')).click();
    const after = await until('a new expiry', async () => {
      const now = await accountByEmail('alice@example.test');
      return now.expires_at !== before.expires_at && now;
    });
    assert.ok(Date.parse(after.expires_at) > Date.parse(before.expires_at));
    assert.ok(after.last_refreshed_at);
    await until('the row to show the new expiry', async () => {
      const countdown = await (await rowOf('alice@example.test')).$('[data-testid="countdown"]');
      const shown = await countdown.getAttribute('data-expires-at');
      return shown === null || Date.parse(shown) === Date.parse(after.expires_at);
    });
  });

  let copiedAt;
  let copiedToken;
  await t.test('Copy token puts the token on the X clipboard, marked for password managers', async () => {
    const alice = await rowOf('alice@example.test');
    await (await button(alice, 'Copy token')).click();
    copiedAt = Date.now();
    const token = (await cli(['token', 'alice@example.test'])).trim();
    copiedToken = await until('the clipboard to hold the token', () => clipboard() === token && token);
    assert.match(clipboard('TARGETS'), /x-kde-passwordManagerHint/);
    const toasts = await browser.$('[data-testid="toasts"]');
    await until('the copy toast', async () => /Copied/.test(await toasts.getText()));
    assert.match(await toasts.getText(), /clears in \d+ s/);
  });

  await t.test('more accounts, in every state; one answered by gio open into the running window', async () => {
    await connectByCli('short', 'bob', async (callback) => {
      await run('gio', ['open', callback], { timeout: 15000 });
    });
    await connectByCli('brief', 'carol', (callback) => cli(['callback', callback]));
    await connectByCli('demo', 'dave', (callback) => cli(['callback', callback]));
    await providers.main.proxy.fault({ mode: 'oauth_error', error: 'invalid_grant', times: 1 });
    await assert.rejects(cli(['refresh', 'dave@example.test']), /connect/i);
    await providers.main.proxy.reset();
    const states = await until('every state in the window', async () => {
      const found = {};
      for (const email of ['alice', 'bob', 'carol', 'dave']) {
        const status = await (await rowOf(`${email}@example.test`)).$('[data-testid="status"]');
        found[email] = await status.getAttribute('data-status');
      }
      return found.carol === 'expired' && found.dave === 'needs_reconnect' && found;
    });
    assert.deepEqual(states, { alice: 'valid', bob: 'expiring', carol: 'expired', dave: 'needs_reconnect' });
    const order = await browser.$$('[data-account-id]').map((el) => el.getAttribute('data-account-id'));
    const list = await accounts();
    const ids = ['dave', 'carol', 'bob', 'alice'].map((n) => list.find((a) => a.email === `${n}@example.test`).id);
    assert.deepEqual(order, ids, 'most urgent first');
    const dave = await rowOf('dave@example.test');
    assert.equal(await (await dave.$('[data-testid="status"]')).getText(), 'Reconnect needed');
    assert.ok(await (await button(dave, 'Reconnect')).isDisplayed());
    await (await rowOf('bob@example.test')).$('[data-testid="status"]').then(async (s) => {
      assert.match(await s.getText(), /^Expires in \d+ min$/);
    });
    await clearToasts();
    await shot('accounts');
  });

  await t.test('Details shows claims; the token only on Reveal', async () => {
    const token = (await cli(['token', 'alice@example.test'])).trim();
    await clearToasts();
    await (await button(await rowOf('alice@example.test'), 'Details')).click();
    const reveal = await named(browser, 'Reveal');
    const source = await browser.getPageSource();
    assert.ok(source.includes('alice'), 'claims are shown');
    assert.ok(!source.includes(token), 'no token before Reveal');
    await shot('details');
    await reveal.click();
    const revealed = await browser.$('[data-testid="revealed-token"]');
    await revealed.waitForDisplayed();
    assert.equal((await revealed.getText()).trim(), token);
    await (await named(browser, 'Hide')).click();
    await revealed.waitForExist({ reverse: true });
    await browser.keys('Escape');
    await reveal.waitForExist({ reverse: true });
  });

  await t.test('Check with provider in Details; a token revoked at the provider shows Reconnect', async () => {
    await clearToasts();
    await (await button(await rowOf('bob@example.test'), 'Details')).click();
    await (await named(browser, 'Check with provider')).click();
    const summary = await browser.$('[data-testid="remote-check-summary"]');
    await summary.waitForDisplayed({ timeout: 15000 });
    assert.match(await summary.getText(), /^Short-lived demo still accepts this account's token\.$/);
    assert.match(await (await browser.$('[data-testid="remote-check"]')).getText(), /Token introspection/);

    const token = (await cli(['token', 'bob@example.test', '--min-valid', '0'])).trim();
    const revoked = await fetch(`${providers.short.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, token_type_hint: 'access_token', client_id: 'authdeck' }),
    });
    assert.equal(revoked.status, 200);
    await (await named(browser, 'Check with provider')).click();
    await until('the provider to say no', async () => /no longer accepts this account's token/.test(await (await browser.$('[data-testid="remote-check-summary"]')).getText()));
    assert.match(await (await browser.$('[data-testid="remote-check-summary"]')).getText(), /revoked or has expired at Short-lived demo\. Reconnect the account/);
    assert.ok(!(await browser.getPageSource()).includes(token), 'never the token');
    await (await browser.$('[data-testid="remote-check"]')).scrollIntoView({ block: 'center' });
    await shot('check-with-provider');
    await browser.keys('Escape');
    const bob = await rowOf('bob@example.test');
    await until('the row to say it', async () => (await (await bob.$('[data-testid="status"]')).getAttribute('data-status')) === 'needs_reconnect');
    assert.equal(await (await bob.$('[data-testid="countdown"]')).getText(), 'The provider no longer accepts this token');
    assert.ok(await (await button(bob, 'Reconnect')).isDisplayed());
    assert.equal((await accountByEmail('bob@example.test')).status, 'needs_reconnect');
    // The window's own hand-outs (Copy token, Reveal) are in the history as AuthDeck's.
    const history = JSON.parse(await cli(['activity', 'alice@example.test', '--json']));
    const handOuts = history.filter((e) => e.kind === 'handed_out').map((e) => `${e.hand_out}:${e.program}`);
    assert.ok(handOuts.includes('copy:AuthDeck') && handOuts.includes('reveal:AuthDeck'), handOuts.join(', '));
  });

  await t.test('a provider failure gives one plain sentence and loses nothing', async () => {
    await providers.main.proxy.fault({ mode: 'status', status: 502, body: 'html', times: 1 });
    const before = await accountByEmail('alice@example.test');
    await (await button(await rowOf('alice@example.test'), 'Refresh')).click();
    const toasts = await browser.$('[data-testid="toasts"]');
    const text = await until('the error toast', async () => {
      const shown = await toasts.getText();
      return /unavailable right now/.test(shown) && shown;
    });
    assert.doesNotMatch(text, /<html|<body/i);
    // The status code is for support: folded under Details, not in the sentence.
    const sentences = await toasts.$$('.toast-text').map((e) => e.getProperty('textContent'));
    assert.ok(sentences.some((t) => /unavailable right now/.test(t)), sentences.join(' | '));
    assert.ok(!sentences.some((t) => /HTTP 502/.test(t)), sentences.join(' | '));
    const folded = await toasts.$('[data-testid="toast-details"]');
    assert.match(await folded.getProperty('textContent'), /HTTP 502/);
    await shot('error');
    assert.equal((await accountByEmail('alice@example.test')).status, before.status);
    await cli(['refresh', 'alice@example.test']);
  });

  await t.test('the clipboard is cleared after 30 s', async () => {
    await until('the clipboard to be cleared', () => clipboard() !== copiedToken, {
      timeout: Math.max(1000, copiedAt + 40000 - Date.now()),
      every: 500,
    });
    assert.ok(Date.now() - copiedAt >= 29000, 'not before 30 s');
  });

  await t.test('Disconnect asks, revokes at the provider and removes the row', async () => {
    const aliceId = (await accountByEmail('alice@example.test')).id;
    await providers.main.proxy.resetCounts();
    await clearToasts();
    await (await button(await rowOf('alice@example.test'), 'Disconnect')).click();
    const dialog = await browser.$('dialog[open]');
    await dialog.waitForDisplayed();
    await (await named(dialog, 'Disconnect')).click();
    await (await browser.$(`[data-account-id="${aliceId}"]`)).waitForExist({ reverse: true, timeout: 15000 });
    assert.equal(await accountByEmail('alice@example.test'), undefined);
    const counts = await providers.main.proxy.counts();
    const revocations = Object.entries(counts).filter(([path]) => /revocation|revoke/.test(path));
    assert.equal(revocations.reduce((n, [, c]) => n + c, 0), 1, JSON.stringify(counts));
  });

  await t.test('no token value ever reached the web UI except by Reveal', async () => {
    const secrets = (await providers.main.proxy.secrets()).filter((s) => s.length >= 16);
    assert.ok(secrets.length > 4, 'the proxy saw the tokens');
    const payloads = await browser.execute(() => window.__authdeckSeen.join('\n'));
    const listed = await browser.execute(() => window.__TAURI_INTERNALS__.invoke('list_accounts'));
    const page = await browser.getPageSource();
    const haystack = [payloads, JSON.stringify(listed), page].join('\n');
    assert.ok(payloads.length > 0, 'events were captured');
    for (const secret of secrets) assert.ok(!haystack.includes(secret), 'a secret reached the web UI');
  });
});

test('a cold start with the callback URL opens the window and completes a CLI sign-in', async () => {
  await providers.main.proxy.reset();
  await browser.deleteSession();
  browser = undefined;
  await until('the first window to close', () => {
    try {
      execFileSync('pgrep', ['-f', APP]);
      return false;
    } catch {
      return true;
    }
  });
  const id = await connectByCli('demo', 'erin', async (callback) => {
    const app = spawn(APP, [callback], { stdio: 'ignore' });
    children.push(app);
  });
  assert.equal((await accountByEmail('erin@example.test')).id, id);
});

test('without a session D-Bus the app still starts, and shows the keychain as unavailable', async () => {
  const marker = join(WORK, 'first-paint-no-dbus');
  const home = mkdtempSync(join(tmpdir(), 'authdeck-no-dbus-'));
  const app = spawn(APP, [], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      AUTHDECK_HOME: home,
      AUTHDECK_FIRST_PAINT_FILE: marker,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
    },
  });
  children.push(app);
  let exited = null;
  app.on('exit', (code) => { exited = code; });
  await until('the window to paint', () => existsSync(marker) || exited !== null, { timeout: 30000 });
  assert.equal(exited, null, 'the app is running');
  await sleep(1500);
  assert.equal(exited, null, 'the app is still running');
  app.kill('SIGTERM');
});
