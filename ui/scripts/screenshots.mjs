#!/usr/bin/env node
// Screenshots of the real app for the README, against the local test provider.
//
//   cd ui && npm run build && (cd .. && cargo build -p authdeck-app)
//   bash scripts/screenshots.sh [OUT_DIR]      # Xvfb + session bus + keychain + this script
//
// Needs: tauri-driver on PATH (cargo install tauri-driver --locked), WebKitWebDriver
// (webkit2gtk-driver), tests/provider set up (npm ci there). Talks W3C WebDriver over plain
// HTTP, so it needs no npm package of its own.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { connect, ok } from '../../tests/cli/harness.mjs';
import { startProvider } from '../../tests/provider/lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const out = path.resolve(process.argv[2] ?? path.join(os.tmpdir(), 'authdeck-shots'));
fs.mkdirSync(out, { recursive: true });
const app = process.env.AUTHDECK_APP_BIN ?? path.join(repo, 'target', 'debug', 'authdeck-app');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'authdeck-shots-home-'));
const children = [];
const providers = [];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function log(...args) {
  process.stderr.write(`${args.join(' ')}\n`);
}

// ----- a minimal W3C WebDriver client -----

const DRIVER = 'http://127.0.0.1:4444';
const ELEMENT = 'element-6066-11e4-a52f-4f735466cecf';

async function wd(method, url, body) {
  const res = await fetch(`${DRIVER}${url}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${url}: ${JSON.stringify(json.value)}`);
  return json.value;
}

class Session {
  constructor(id) {
    this.id = id;
  }

  static async start() {
    const value = await wd('POST', '/session', {
      capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: app } } },
    });
    return new Session(value.sessionId);
  }

  run(script, ...args) {
    return wd('POST', `/session/${this.id}/execute/sync`, { script, args });
  }

  async waitFor(script, what, timeoutMs = 15_000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (await this.run(script)) return;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  }

  async find(css) {
    const value = await wd('POST', `/session/${this.id}/element`, { using: 'css selector', value: css });
    return value[ELEMENT];
  }

  async click(css) {
    const el = await this.find(css);
    await wd('POST', `/session/${this.id}/element/${el}/click`, {});
  }

  /** Clicks the button whose accessible text is exactly `name`, inside `scope` (CSS). */
  async clickButton(name, scope = 'body') {
    const done = await this.run(
      `const scope = document.querySelector(arguments[0]);
       const b = scope && [...scope.querySelectorAll('button')].find((x) => x.textContent.trim() === arguments[1] && !x.closest('[hidden]'));
       if (b) { b.focus(); b.click(); return true; } return false;`,
      scope,
      name,
    );
    if (!done) throw new Error(`no button "${name}" in ${scope}`);
  }

  /** Clicks a provider in the connect dialog by its label. */
  async clickChoice(label) {
    const done = await this.run(
      `const b = [...document.querySelectorAll('[data-testid="connect-dialog"] .choice')].find((x) => x.textContent.trim() === arguments[0]);
       if (b) { b.click(); return true; } return false;`,
      label,
    );
    if (!done) throw new Error(`no provider "${label}"`);
  }

  async size(width, height) {
    await wd('POST', `/session/${this.id}/window/rect`, { width, height });
    await sleep(600);
  }

  async shot(name) {
    await sleep(700);
    const b64 = await wd('GET', `/session/${this.id}/screenshot`);
    const file = path.join(out, `${name}.png`);
    fs.writeFileSync(file, Buffer.from(b64, 'base64'));
    log('saved', file);
  }

  async end() {
    await wd('DELETE', `/session/${this.id}`).catch(() => undefined);
  }
}

// ----- setup -----

function startDriver() {
  const child = spawn('tauri-driver', [], {
    env: { ...process.env, AUTHDECK_HOME: home, BROWSER: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

async function provider(name, label, opts, extra = []) {
  const op = await startProvider({ port: 0, ...opts });
  providers.push(op);
  await ok(['provider', 'add', name, '--issuer', op.issuer, '--client-id', 'authdeck', '--label', label, ...extra], { home });
  return op;
}

async function main() {
  startDriver();
  await sleep(1500);
  const s = await Session.start();
  try {
    await s.size(980, 700);
    await s.waitFor(`return !!document.querySelector('[data-testid="empty-state"]:not([hidden])')`, 'the empty state');
    await s.shot('01-empty');

    // Accounts in every state, connected through the CLI while the window is open.
    const demo = await provider('demo', 'Local demo provider', { accessTtl: 3600 });
    const work = await provider('work', 'Work SSO', { accessTtl: 240 });
    const lab = await provider('lab', 'Lab server', { accessTtl: 15 }, ['--scope', 'openid email profile']);
    const partner = await provider('partner', 'Partner portal', { accessTtl: 3600, proxy: true });
    await connect(home, 'demo', demo, { login: 'alice' });
    await connect(home, 'work', work, { login: 'bob' });
    await connect(home, 'lab', lab, { login: 'carol' });
    const daveId = await connect(home, 'partner', partner, { login: 'dave' });
    await connect(home, 'demo', demo, { login: 'erin' });
    await partner.proxy.fault({ mode: 'oauth_error', error: 'invalid_grant' });
    await ok(['refresh', daveId], { home }).catch(() => undefined);
    await sleep(16_000); // carol's token (15 s, no refresh token) expires

    await s.waitFor(`return document.querySelectorAll('li[data-account-id]').length === 5`, 'five rows');
    await s.run('document.activeElement && document.activeElement.blur()');
    await s.shot('02-list');

    // Details of alice.
    await s.clickButton('Details', 'li[data-account-id]:last-of-type');
    await s.waitFor(`return !!document.querySelector('[data-testid="activity"]')`, 'details');
    await sleep(1000);
    await s.shot('03-details');
    await s.run(`document.querySelector('[data-testid="details-dialog"] .dialog-body').scrollTop = 10000`);
    await s.shot('04-details-scrolled');
    await s.clickButton('Reveal', '[data-testid="details-dialog"]');
    await s.waitFor(`return !!document.querySelector('[data-testid="revealed-token"]')`, 'the revealed token');
    await s.run(`document.querySelector('[data-testid="revealed-token"]').scrollIntoView({block: 'center'})`);
    await s.shot('05-details-revealed');
    await s.clickButton('Hide', '[data-testid="details-dialog"]');
    await s.run(`document.querySelector('[data-testid="details-dialog"] .dialog-close').click()`);

    // An error with its next step: refresh dave, whose sign-in the provider ended.
    await s.clickButton('Refresh', `li[data-account-id="${daveId}"]`);
    await s.waitFor(`return document.querySelector('[data-testid="toasts"]').textContent.includes('Reconnect')`, 'the error toast');
    await s.shot('06-error');

    // Copy token.
    await s.run(`document.querySelectorAll('[data-testid="toasts"] .toast-close').forEach((b) => b.click())`);
    await s.clickButton('Copy token', 'li[data-account-id]:last-of-type');
    await s.waitFor(`return document.querySelector('[data-testid="toasts"]').textContent.includes('Copied')`, 'the copy toast');
    await s.shot('07-copied');
    await s.run(`document.querySelectorAll('[data-testid="toasts"] .toast-close').forEach((b) => b.click())`);

    // Connect: chooser, waiting view, add-provider form.
    await s.clickButton('Connect account');
    await s.waitFor(`return !!document.querySelector('[data-testid="connect-dialog"] .choice')`, 'the chooser');
    await s.shot('08-connect-choose');
    await s.clickChoice('Local demo provider');
    await s.waitFor(`return !!document.querySelector('[data-testid="login-waiting"]')`, 'the waiting view');
    await s.shot('09-connect-waiting');
    await s.run(`const i = document.querySelector('[data-testid="login-waiting"] .paste-form input'); i.value = 'dev.authdeck.app:/oauth/callback?code=forged&state=nope';`);
    await s.clickButton('Use this address', '[data-testid="login-waiting"]');
    await s.waitFor(`return !!document.querySelector('[data-testid="login-waiting"] [role="alert"]:not([hidden])')`, 'the paste error');
    await s.shot('10-connect-paste-error');
    await s.clickButton('Cancel', '[data-testid="connect-dialog"]');
    await s.clickButton('Connect account');
    await s.waitFor(`return !!document.querySelector('[data-testid="connect-dialog"] .choice')`, 'the chooser');
    await s.clickButton('Add a provider', '[data-testid="connect-dialog"]');
    await s.run(`[...document.querySelectorAll('.preset-option')].find((l) => l.textContent.includes('Other')).querySelector('input').click()`);
    await s.shot('11-add-provider');
    await s.run(`document.querySelector('[data-testid="connect-dialog"] form').requestSubmit()`);
    await s.shot('12-add-provider-errors');
    await s.run(`document.querySelector('[data-testid="connect-dialog"] .dialog-close').click()`);

    // Disconnect confirmation.
    await s.clickButton('Disconnect', 'li[data-account-id]:last-of-type');
    await s.shot('13-disconnect');
    await s.clickButton('Cancel', '[data-testid="disconnect-dialog"]');

    // Narrow window.
    await s.size(640, 480);
    await s.shot('14-narrow');
    await s.size(980, 700);
  } finally {
    await s.end();
  }
}

try {
  await main();
} catch (error) {
  log('screenshots failed:', error.stack ?? error);
  process.exitCode = 1;
} finally {
  for (const c of children) c.kill('SIGTERM');
  for (const op of providers) await op.close().catch(() => undefined);
  fs.rmSync(home, { recursive: true, force: true });
  setTimeout(() => process.exit(), 500).unref();
}
