// `authdeck git-credential`, driven by the real `git credential fill`: git gets a current
// access token as the password (and the user name it sent, else the provider's convention),
// `store` and `erase` change nothing, and an account that needs reconnecting makes the helper
// fail with one sentence so git falls through, without a prompt or a browser.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { BIN, addProvider, assertOneSentence, cli, connect, killAll, newHome, ok, startProvider } from './harness.mjs';

let op;

before(async () => { op = await startProvider({}); });
after(async () => { killAll(); await op?.close(); });

/** `git credential <action>` with only AuthDeck as its helper, in a git with no user config. */
function git(home, id, action, input) {
  const helper = `!'${BIN}' git-credential --account ${id}`;
  return spawnSync('git', ['-c', 'credential.helper=', '-c', `credential.helper=${helper}`, 'credential', action], {
    input,
    encoding: 'utf8',
    env: {
      ...process.env,
      AUTHDECK_HOME: home,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      GIT_ASKPASS: '',
      SSH_ASKPASS: '',
    },
  });
}

const fields = (text) => Object.fromEntries(text.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));

test('git credential fill gets a fresh access token through the helper', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'ivy' });
  const token = (await ok(['token', id], { home })).stdout.trim();

  const filled = git(home, id, 'fill', 'protocol=https\nhost=git.example.test\n\n');
  assert.equal(filled.status, 0, filled.stderr);
  const answer = fields(filled.stdout);
  assert.equal(answer.host, 'git.example.test');
  assert.equal(answer.username, 'oauth2', 'the convention for providers other than GitHub');
  assert.equal(answer.password, token);
  const me = await fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${answer.password}` } });
  assert.equal(me.status, 200);

  // The user name git already has is kept.
  const named = fields(git(home, id, 'fill', 'protocol=https\nhost=git.example.test\nusername=ivy\n\n').stdout);
  assert.equal(named.username, 'ivy');

  // The helper's own answer carries the token's expiry for gits that read it.
  const direct = await cli(['git-credential', '--account', id, 'get'], { home, input: 'protocol=https\nhost=x\n\n' });
  assert.equal(direct.code, 0, direct.stderr);
  const own = fields(direct.stdout);
  assert.ok(Number(own.password_expiry_utc) > Date.now() / 1000 + 3000, direct.stdout);

  // store and erase (and operations git may add) change nothing.
  const before = fs.readFileSync(path.join(home, 'accounts', `${id}.json`), 'utf8');
  for (const action of ['approve', 'reject']) {
    const r = git(home, id, action, `protocol=https\nhost=git.example.test\nusername=oauth2\npassword=${token}\n\n`);
    assert.equal(r.status, 0, r.stderr);
  }
  const unknown = await cli(['git-credential', '--account', id, 'something-new'], { home, input: '\n' });
  assert.equal(unknown.code, 0);
  assert.equal(unknown.stdout, '');
  assert.equal(fs.readFileSync(path.join(home, 'accounts', `${id}.json`), 'utf8'), before);
  assert.equal((await ok(['token', id], { home })).stdout.trim(), token, 'the stored token is as it was');
});

test('an account that needs reconnecting: one sentence, non-zero, git falls through', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'jon' });
  const file = path.join(home, 'accounts', `${id}.json`);
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), needs_reconnect: true }));

  const direct = await cli(['git-credential', '--account', id, 'get'], { home, input: 'protocol=https\nhost=x\n\n' });
  assert.notEqual(direct.code, 0);
  assert.equal(direct.stdout, '');
  assertOneSentence(direct.stderr);
  assert.match(direct.stderr, /connect/i);

  const filled = git(home, id, 'fill', 'protocol=https\nhost=git.example.test\n\n');
  assert.notEqual(filled.status, 0, 'git has no password and may not prompt');
  assert.ok(!/password=/.test(filled.stdout));
});
