#!/usr/bin/env node
// A long-running headless "user" for the benchmarks: completes sign-ins at the local OpenID
// provider (tests/provider) without a Node start per sign-in.
//
// stdin:  one line per sign-in, "AUTHORIZATION_URL LOGIN"
// stdout: one line per sign-in, the callback URL the provider redirects to, or "error: ..."
import readline from 'node:readline';

import { completeLogin } from '../tests/provider/lib.mjs';

const lines = readline.createInterface({ input: process.stdin, terminal: false });
for await (const line of lines) {
  const [url, login] = line.trim().split(/\s+/);
  if (!url) continue;
  try {
    process.stdout.write(`${await completeLogin(url, { login: login || 'alice' })}\n`);
  } catch (err) {
    process.stdout.write(`error: ${String(err.message).replace(/\s+/g, ' ')}\n`);
  }
}
