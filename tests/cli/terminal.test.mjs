// Strings from a provider never reach the terminal raw: a user whose name, email and subject
// carry terminal control sequences (ESC ] 52 writes the clipboard, ESC [ 2J clears the screen,
// a bidi override reorders text) signs in; every human output shows them escaped, and the JSON
// output keeps the exact value (serde escapes it).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  addProvider, completeLogin, killAll, loginResult, newHome, ok, reliability, startLogin, startProvider,
} from './harness.mjs';

const HOSTILE = 'eve\u001b]52;c;aGk=\u0007\u001b[2J\u202etxt';
const RAW = ['\u001b', '\u0007', '\u202e', '\u009b'];

let op;
before(async () => { op = await startProvider(); });
after(async () => { killAll(); await op?.close(); });

function assertInert(text, what) {
  for (const c of RAW) assert.ok(!text.includes(c), `${what} carries U+${c.codePointAt(0).toString(16)}: ${JSON.stringify(text)}`);
}

test('a hostile user name is escaped in accounts, inspect and the login messages', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const started = await startLogin(home, 'local');
  const callback = await completeLogin(started.url, { login: HOSTILE });
  const answered = await ok(['callback', callback], { home });
  const result = await started.done;
  const id = loginResult(result, started.url);
  assertInert(answered.stdout + answered.stderr, '`callback` output');
  assertInert(result.stdout + result.stderr, '`login` output');

  const listed = await ok(['accounts'], { home });
  assertInert(listed.stdout, '`accounts`');
  assert.ok(listed.stdout.includes('\\u{1b}]52;c;aGk=\\u{7}'), listed.stdout);
  assert.equal(listed.stdout.trim().split('\n').length, 2, 'one header and one row');
  const inspected = await ok(['inspect', id], { home });
  assertInert(inspected.stdout, '`inspect`');

  const json = JSON.parse((await ok(['accounts', '--json'], { home })).stdout);
  assert.equal(json[0].subject, HOSTILE, 'JSON keeps the exact value');
  reliability({
    area: 'Hostile or broken sign-in answers',
    name: 'The provider names the user with terminal escapes (ESC ] 52, ESC [ 2J, a bidi override)',
    sees: 'The name with its control characters shown escaped (\\u{1b}).',
    asserts: 'no control character in the human output of login, callback, accounts and inspect; JSON keeps the exact value',
    test: 'tests/cli/terminal.test.mjs: a hostile user name is escaped in accounts, inspect and the login messages',
  });
});
