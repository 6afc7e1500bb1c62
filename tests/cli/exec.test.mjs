// `authdeck exec ACCOUNT -- CMD`: the program gets a current access token in its environment
// and can call the provider with it; AuthDeck exits as the program did (signals as 128 + N)
// and passes on a terminate; standard input is the program's; every occurrence of the token
// in its output is masked unless --no-mask; `--env` names the variable; bad input is one
// sentence.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';

import { BIN, addProvider, assertOneSentence, cli, connect, fails, killAll, newHome, ok, startProvider } from './harness.mjs';

let op;
let home;
let id;
let token;

before(async () => {
  op = await startProvider({});
  home = newHome();
  await addProvider(home, 'local', op.issuer);
  id = await connect(home, 'local', op, { login: 'kai' });
  token = (await ok(['token', id], { home })).stdout.trim();
});
after(async () => { killAll(); await op?.close(); });

const exec = (args, opts = {}) => cli(['exec', id, ...args], { home, ...opts });

test('the program calls the provider with the token it was given', async () => {
  const program = `fetch(${JSON.stringify(`${op.issuer}/me`)}, { headers: { authorization: 'Bearer ' + process.env.AUTHDECK_TOKEN } })
    .then(async (r) => { console.log('status', r.status, (await r.json()).sub); process.exit(r.ok ? 0 : 3); })`;
  const r = await exec(['--', process.execPath, '-e', program]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'status 200 kai\n');
});

test('exit codes, signals and standard input are the program\'s', async () => {
  assert.equal((await exec(['--', 'sh', '-c', 'exit 7'])).code, 7);
  assert.equal((await exec(['--', 'sh', '-c', 'kill -TERM $$'])).code, 143);
  const echoed = await exec(['--', 'cat'], { input: 'hello\nthere\n' });
  assert.equal(echoed.code, 0);
  assert.equal(echoed.stdout, 'hello\nthere\n');
});

test('the token is masked in the program\'s output unless --no-mask', async () => {
  const script = 'echo "tok=$AUTHDECK_TOKEN."; printf "%s%s" "$AUTHDECK_TOKEN" "$AUTHDECK_TOKEN" >&2';
  const masked = await exec(['--', 'sh', '-c', script]);
  assert.equal(masked.code, 0);
  assert.equal(masked.stdout, 'tok=[redacted].\n');
  assert.equal(masked.stderr, '[redacted][redacted]');
  const plain = await exec(['--no-mask', '--', 'sh', '-c', script]);
  assert.equal(plain.stdout, `tok=${token}.\n`);
  assert.equal(plain.stderr, `${token}${token}`);
  // Large output, the token straddling the pipe's buffers.
  const big = await exec(['--', 'sh', '-c', 'i=0; while [ $i -lt 3000 ]; do printf "%s %s\\n" "$i" "$AUTHDECK_TOKEN"; i=$((i+1)); done']);
  assert.equal(big.code, 0);
  assert.ok(!big.stdout.includes(token));
  assert.equal(big.stdout.split('\n').filter((l) => /^\d+ \[redacted\]$/.test(l)).length, 3000);
});

test('--env names the variable; the default is AUTHDECK_TOKEN', async () => {
  const r = await exec(['--env', 'MY_TOKEN', '--no-mask', '--', 'sh', '-c', 'printf "%s|%s" "$MY_TOKEN" "${AUTHDECK_TOKEN:-unset}"']);
  assert.equal(r.stdout, `${token}|unset`);
  const bad = await fails(['exec', id, '--env', 'NOT-A-NAME', '--', 'true'], { home });
  assert.match(bad.stderr, /environment variable name/);
});

test('a terminate sent to authdeck reaches the program', async () => {
  const child = spawn(BIN, ['exec', id, '--', 'sh', '-c', 'trap "echo got-term; exit 5" TERM; echo ready; while :; do sleep 0.1; done'], {
    env: { ...process.env, AUTHDECK_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let code;
  try {
    // "ready" shows at once: only what could start the token is held back by the masking.
    for (let i = 0; i < 100 && !out.includes('ready'); i += 1) await new Promise((r) => setTimeout(r, 50));
    assert.ok(out.includes('ready'), 'the program started and its output was not held back');
    child.kill('SIGTERM');
    ({ code } = await exited);
  } finally {
    child.kill('SIGKILL');
  }
  assert.equal(code, 5, 'AuthDeck exits as the program did after the terminate');
  assert.match(out, /got-term/);
});

test('a program that cannot be run, or none: one sentence, and no token anywhere', async () => {
  const missing = await fails(['exec', id, '--', 'no-such-program-authdeck'], { home });
  assert.match(missing.stderr, /no-such-program-authdeck/);
  assert.ok(!missing.stderr.includes(token));
  const none = await cli(['exec', id], { home });
  assert.notEqual(none.code, 0);
  assertOneSentence(none.stderr);
});
