// `authdeck-app --hidden` working with no window: a due refresh happens, an account the
// provider ends (restarted, it forgets the grant) yields exactly one notification naming the
// account and its provider, the tray's menu (read over com.canonical.dbusmenu from a
// StatusNotifierWatcher on the test bus) lists it, the notification's Reconnect action
// (invoked through dunst, as a click would) opens the window and signs in again with
// login_hint, and the tray's Quit ends the app. Run by tests/background/run.sh, inside
// tests/session.sh (private bus, keychain, Xvfb).

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  account, addProvider, connect, killAll, newHome, sleep, startProvider, waitFor,
} from '../cli/harness.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const APP = process.env.AUTHDECK_APP;
const WATCHER = process.env.AUTHDECK_SNI_WATCHER;
const ACCESS_TTL = 20; // automatic refresh runs 10 s before expiry
const children = [];
let scratch;

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 15_000, ...opts }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

function start(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  children.push(child);
  child.out = '';
  child.err = '';
  child.stdout.on('data', (d) => { child.out += d; });
  child.stderr.on('data', (d) => { child.err += d; });
  return child;
}

/** The Notify calls dbus-monitor saw so far: {app, summary, body, actions}. */
function notifications(monitor) {
  return monitor.out.split(/^method call /m).filter((b) => /member=Notify\b/.test(b)).map((block) => {
    const strings = [...block.matchAll(/^\s+string "((?:[^"\\]|\\.)*)"$/gm)].map((m) => m[1]);
    // app_name, (replaces_id), app_icon, summary, body, actions..., hints...
    return { app: strings[0], summary: strings[2], body: strings[3], actions: strings.slice(4) };
  });
}

async function windows() {
  const r = await run('xdotool', ['search', '--onlyvisible', '--name', '^AuthDeck$']);
  return r.stdout.split('\n').filter(Boolean);
}

async function gdbus(dest, objectPath, method, ...args) {
  const r = await run('gdbus', ['call', '--session', '--dest', dest, '--object-path', objectPath, '--method', method, ...args]);
  assert.equal(r.code, 0, `gdbus ${method}: ${r.stderr}`);
  return r.stdout;
}

/** The tray item's menu labels (and their dbusmenu ids), read over com.canonical.dbusmenu. */
async function trayMenu(item) {
  const slash = item.indexOf('/');
  const [dest, itemPath] = [item.slice(0, slash), item.slice(slash)];
  const menuProp = await gdbus(dest, itemPath, 'org.freedesktop.DBus.Properties.Get', 'org.kde.StatusNotifierItem', 'Menu');
  const menuPath = /objectpath '([^']+)'/.exec(menuProp)[1];
  const layout = await gdbus(dest, menuPath, 'com.canonical.dbusmenu.GetLayout', '--', '0', '-1', '[]');
  const entries = [...layout.matchAll(/\((\d+), \{([^}]*)\}/g)].map((m) => ({
    id: Number(m[1]),
    label: /'label': <'((?:[^'\\]|\\.)*)'>/.exec(m[2])?.[1]?.replace(/_(?=\S)/, ''),
  })).filter((e) => e.label !== undefined);
  return { dest, menuPath, entries };
}

let op;
let home;
let id;
let who;
let dunst;
let monitor;
let watcher;
let app;
let browserLog;

before(async () => {
  scratch = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'authdeck-bg-'));
  // dunst keeps notices on screen (so the action can be invoked) and, for its context menu,
  // "picks" Reconnect as a person would.
  const pick = path.join(scratch, 'pick');
  fs.writeFileSync(pick, '#!/bin/sh\ngrep -m1 -i reconnect\n', { mode: 0o755 });
  const rc = path.join(scratch, 'dunstrc');
  fs.writeFileSync(rc, `[global]\n  dmenu = ${pick}\n[urgency_low]\n  timeout = 0\n[urgency_normal]\n  timeout = 0\n[urgency_critical]\n  timeout = 0\n`);
  monitor = start('dbus-monitor', ['--session', "interface='org.freedesktop.Notifications',member='Notify'"]);
  dunst = start('dunst', ['-config', rc]);
  // Waiting on the name, not with dunstctl: a call would start a second dunst through D-Bus
  // activation, without this session's display.
  await waitFor(async () => (await run('gdbus', ['call', '--session', '--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus',
    '--method', 'org.freedesktop.DBus.NameHasOwner', 'org.freedesktop.Notifications'])).stdout.includes('true'), { timeoutMs: 10_000, what: 'dunst' });
  watcher = start(WATCHER, []);
  await waitFor(() => watcher.err.includes('watching'), { timeoutMs: 10_000, what: 'the tray host' });

  op = await startProvider({ accessTtl: ACCESS_TTL });
  home = newHome();
  await addProvider(home, 'local', op.issuer);
  id = await connect(home, 'local', op, { login: 'alice' });
  who = await account(home, id);
});

after(async () => {
  if (process.env.DEBUG) process.stderr.write(`app stderr:\n${app?.err}\n`);
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  killAll();
  await op?.close();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

test('--hidden starts no window, and a due refresh happens with no window', async () => {
  browserLog = path.join(scratch, 'browser.log');
  const browser = path.join(scratch, 'browser');
  // The session's headless browser, logging the sign-in page it was sent to.
  fs.writeFileSync(browser, `#!/bin/sh\necho "$1" >> ${browserLog}\nexec ${path.join(here, '..', 'provider', 'browser')} "$@"\n`, { mode: 0o755 });
  app = start(APP, ['--hidden'], {
    env: {
      ...process.env,
      AUTHDECK_HOME: home,
      AUTHDECK_LOG: 'authdeck_app=info',
      BROWSER: browser,
      AUTHDECK_TEST_DELIVER: 'exec',
      AUTHDECK_TEST_DELIVER_CMD: `${process.env.AUTHDECK_BIN} callback`,
    },
  });
  await sleep(3000);
  assert.equal(app.exitCode, null, `the app exited: ${app.err}`);
  assert.deepEqual(await windows(), [], 'no window with --hidden');
  assert.equal(who.last_refreshed_at, null);
  await waitFor(async () => (await account(home, id)).last_refreshed_at !== null, {
    timeoutMs: (ACCESS_TTL + 20) * 1000, intervalMs: 500, what: 'an automatic refresh',
  });
  const refreshed = await account(home, id);
  assert.ok(Date.parse(refreshed.expires_at) > Date.parse(who.expires_at), 'a new access token');
  assert.notEqual(refreshed.status, 'needs_reconnect');
  assert.deepEqual(await windows(), [], 'still no window');
});

test('the provider forgetting the grant yields exactly one notification naming account and provider', async () => {
  const { port } = op;
  await op.close();
  op = await startProvider({ accessTtl: ACCESS_TTL, port });
  await waitFor(async () => (await account(home, id)).status === 'needs_reconnect', {
    timeoutMs: (ACCESS_TTL + 20) * 1000, intervalMs: 500, what: 'reconnect needed',
  });
  const about = () => notifications(monitor).filter((n) => n.body?.includes(who.email));
  await waitFor(() => about().length > 0, { timeoutMs: 10_000, what: 'a notification' });
  // Later reviews (store changes, wake-ups) add nothing.
  await sleep(4000);
  const said = about();
  assert.equal(said.length, 1, JSON.stringify(notifications(monitor)));
  assert.equal(said[0].app, 'AuthDeck');
  assert.ok(said[0].summary.includes(who.provider_label), said[0].summary);
  assert.ok(said[0].body.includes('Reconnect'), said[0].body);
  assert.deepEqual(said[0].actions.slice(0, 2), ['reconnect', 'Reconnect']);
  // Never a token in a notice.
  const text = JSON.stringify(notifications(monitor));
  assert.ok(!/eyJ[\w-]{10,}/.test(text), text);
});

test('the tray menu lists the account needing attention, then the fixed entries', async () => {
  await waitFor(() => watcher.out.trim() !== '', { timeoutMs: 10_000, what: 'the tray item to register' });
  const item = watcher.out.trim().split('\n').at(-1);
  let labels = [];
  await waitFor(async () => {
    labels = (await trayMenu(item)).entries.map((e) => e.label);
    return labels.some((l) => l.startsWith('Reconnect '));
  }, { timeoutMs: 10_000, intervalMs: 500, what: 'the attention entry' });
  assert.deepEqual(labels, [
    '1 account needs attention',
    `Reconnect ${who.display_name} (${who.provider_label})`,
    'Open AuthDeck',
    'Refresh all',
    'Quit',
  ]);
});

test('the Reconnect action opens the window and signs in again with login_hint', async () => {
  assert.deepEqual(await windows(), []);
  // No default action, so dunst opens its context menu, where "pick" chooses Reconnect.
  const r = await run('dunstctl', ['action', '0']);
  assert.equal(r.code, 0, r.stderr);
  await waitFor(async () => (await windows()).length === 1, { timeoutMs: 20_000, intervalMs: 250, what: 'the window' });
  await waitFor(() => fs.existsSync(browserLog), { timeoutMs: 20_000, intervalMs: 250, what: 'the sign-in page' });
  const url = new URL(fs.readFileSync(browserLog, 'utf8').trim().split('\n')[0]);
  assert.equal(url.searchParams.get('login_hint'), who.email);
  // Connected again (with 20-second tokens it always reads "expiring").
  await waitFor(async () => (await account(home, id)).status !== 'needs_reconnect', {
    timeoutMs: 30_000, intervalMs: 500, what: 'the account connected again',
  });
});

test('the tray menu calms down and Quit ends the app', async () => {
  const item = watcher.out.trim().split('\n').at(-1);
  let menu;
  await waitFor(async () => {
    menu = await trayMenu(item);
    return menu.entries[0]?.label === 'All accounts connected';
  }, { timeoutMs: 15_000, intervalMs: 500, what: 'the calm menu' });
  assert.deepEqual(menu.entries.map((e) => e.label), ['All accounts connected', 'Open AuthDeck', 'Refresh all', 'Quit']);
  const quit = menu.entries.find((e) => e.label === 'Quit');
  await gdbus(menu.dest, menu.menuPath, 'com.canonical.dbusmenu.Event', '--', String(quit.id), 'clicked', '<0>', '0');
  await waitFor(() => app.exitCode !== null, { timeoutMs: 10_000, what: 'the app to quit' });
  assert.equal(app.exitCode, 0);
});
