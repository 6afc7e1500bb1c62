// `authdeck activity ACCOUNT [--json]`: the account's history, newest first: connected,
// refreshed, refresh failed, reconnect needed, and every hand-out (token, exec, git-credential,
// kube-credential) with the program that asked: the parent process's executable name, CMD's
// name for exec, or `--for NAME`. Then a secret scan: no token the provider handed out is in
// any output, any file of the data folder, or the activity log.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  BIN, SecretCollector, addProvider, calls, cli, connect, fails, filesUnder, killAll, newHome, ok,
  startProvider,
} from './harness.mjs';

let op;
before(async () => { op = await startProvider({ proxy: true }); });
after(async () => { killAll(); await op?.close(); });

/** Runs a command line through bash (which then is the parent of authdeck). */
function viaBash(script, env) {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `${script}; true`], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('the history names every hand-out and the program that asked, newest first', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'ada' });
  await ok(['refresh', id], { home });

  const token = (await ok(['token', id], { home })).stdout.trim(); // parent: node
  await ok(['token', id, '--for', 'deploy-script'], { home });
  const bash = await viaBash(`'${BIN}' token ${id} --format header >/dev/null`, { AUTHDECK_HOME: home });
  assert.equal(bash.code, 0, bash.stderr);
  // A script is named by its file, not by the shell that runs it.
  const script = path.join(newHome('authdeck-script-'), 'backup.sh');
  fs.writeFileSync(script, `#!/bin/bash\n'${BIN}' token ${id} >/dev/null\necho done\n`, { mode: 0o755 });
  const scripted = spawnSync(script, [], { encoding: 'utf8', env: { ...process.env, AUTHDECK_HOME: home } });
  assert.equal(scripted.stdout, 'done\n', scripted.stderr);
  await ok(['exec', id, '--', 'sh', '-c', 'test -n "$AUTHDECK_TOKEN"'], { home });
  await ok(['exec', id, '--for', 'nightly-job', '--', 'true'], { home });
  const git = spawnSync('git', ['-c', 'credential.helper=', '-c', `credential.helper=!'${BIN}' git-credential --account ${id}`, 'credential', 'fill'], {
    input: 'protocol=https\nhost=git.example.test\n\n',
    encoding: 'utf8',
    env: { ...process.env, AUTHDECK_HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' },
  });
  assert.equal(git.status, 0, git.stderr);
  await ok(['git-credential', '--account', id, '--for', 'my-git', 'get'], { home, input: 'protocol=https\nhost=x\n\n' });
  await ok(['kube-credential', id], { home });
  await ok(['kube-credential', id, '--access-token', '--for', 'kubectl'], { home });
  // store and erase hand nothing out.
  await ok(['git-credential', '--account', id, 'erase'], { home, input: 'protocol=https\nhost=x\n\n' });

  const entries = JSON.parse((await ok(['activity', id, '--json'], { home })).stdout);
  assert.ok(Array.isArray(entries));
  for (const e of entries) {
    assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, JSON.stringify(e));
    assert.deepEqual(Object.keys(e).sort(), ['at', 'detail', 'hand_out', 'kind', 'program']);
  }
  const times = entries.map((e) => Date.parse(e.at));
  assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
  const handOuts = entries.filter((e) => e.kind === 'handed_out').map((e) => [e.hand_out, e.program]).reverse();
  assert.deepEqual(handOuts, [
    ['token', 'node'],
    ['token', 'deploy-script'],
    ['token', 'bash'],
    ['token', 'backup.sh'],
    ['exec', 'sh'],
    ['exec', 'nightly-job'],
    ['git_credential', 'git'],
    ['git_credential', 'my-git'],
    ['kube_credential', 'node'],
    ['kube_credential', 'kubectl'],
  ]);
  assert.deepEqual(entries.slice(-2).map((e) => e.kind), ['refreshed', 'connected']);

  const human = (await ok(['activity', id], { home })).stdout.trim().split('\n');
  assert.equal(human.length, entries.length, 'one line per entry');
  assert.match(human[0], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}Token handed to kubectl by authdeck kube-credential$/);
  assert.ok(human.some((l) => /Token handed to git by authdeck git-credential$/.test(l)), human.join('\n'));
  assert.ok(human.some((l) => /Token handed to nightly-job by authdeck exec$/.test(l)));
  assert.match(human.at(-1), /Connected/);
  for (const line of [...human, JSON.stringify(entries)]) assert.ok(!line.includes(token), 'no token in the history');
});

test('failed refreshes and an ended sign-in are in the history', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'bea' });
  op.proxy.fault({ mode: 'status', status: 503, times: 3 });
  await fails(['refresh', id], { home, env: { AUTHDECK_HTTP_TIMEOUT_SECS: '2' } });
  op.proxy.reset();
  op.proxy.fault({ mode: 'oauth_error', error: 'invalid_grant', times: 1 });
  await fails(['refresh', id], { home });
  op.proxy.reset();
  const entries = JSON.parse((await ok(['activity', id, '--json'], { home })).stdout);
  assert.deepEqual(entries.map((e) => e.kind), ['needs_reconnect', 'refresh_failed', 'connected']);
  const human = (await ok(['activity', id], { home })).stdout;
  assert.match(human, /Sign-in ended, reconnect needed/);
  assert.match(human, /Refresh failed: /);
  // An unknown account: one sentence.
  await fails(['activity', 'nobody@example.test'], { home });
});

test('secret scan: no token in any output, data folder file or activity log', async () => {
  const home = newHome();
  op.proxy.resetSecrets();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'cy' });
  await ok(['refresh', id], { home });
  const handed = [
    (await ok(['token', id, '--format', 'json'], { home })).stdout,
    (await ok(['kube-credential', id], { home })).stdout,
    (await ok(['git-credential', '--account', id, 'get'], { home, input: 'host=x\n\n' })).stdout,
  ];
  await ok(['exec', id, '--', 'sh', '-c', 'echo "$AUTHDECK_TOKEN"'], { home });
  await ok(['activity', id], { home });
  await ok(['activity', id, '--json'], { home });
  await ok(['inspect', id, '--json'], { home });

  const secrets = new SecretCollector();
  await secrets.addFromProxy(op.proxy);
  const kinds = new Set([...secrets.values.values()]);
  for (const kind of ['proxy:access_token', 'proxy:refresh_token', 'proxy:id_token']) assert.ok(kinds.has(kind), kind);

  const files = filesUnder(home);
  assert.ok(files.some((f) => /[/\\]activity[/\\]/.test(f.path)), 'the activity log was scanned');
  const leaks = [];
  for (const f of files) for (const { source } of secrets.findIn(f.content)) leaks.push(`${f.path.slice(home.length)}: ${source}`);
  const handOuts = new Set(['token', 'kube-credential', 'git-credential']);
  for (const c of calls.filter((x) => x.home === home)) {
    for (const { source } of secrets.findIn(c.stderr)) leaks.push(`authdeck ${c.args[0]} (stderr): ${source}`);
    if (!handOuts.has(c.args[0])) for (const { source } of secrets.findIn(c.stdout)) leaks.push(`authdeck ${c.args.join(' ')} (stdout): ${source}`);
  }
  assert.deepEqual([...new Set(leaks)], []);
  assert.ok(handed.every((out) => secrets.findIn(out).length > 0), 'the hand-outs themselves did carry tokens');
});

test('usage: activity needs an account', async () => {
  const r = await cli(['activity'], { home: newHome() });
  assert.equal(r.code, 2);
});
