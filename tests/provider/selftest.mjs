#!/usr/bin/env node
// Self-test of the local provider fixture: node tests/provider/selftest.mjs
// Exits non-zero if any check fails.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { completeLogin, pkcePair, startProvider } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const t0 = Date.now();
let failures = 0;
let passes = 0;

function check(name, ok, detail) {
  if (ok) {
    passes += 1;
    console.log(`ok   ${name}`);
  } else {
    failures += 1;
    console.log(`FAIL ${name}${detail === undefined ? '' : `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`}`);
  }
  return ok;
}

async function section(name, fn) {
  try {
    await fn();
  } catch (err) {
    check(`${name} (threw)`, false, err.stack || String(err));
  }
}

const note = (msg) => console.log(`note ${msg}`);

// ------------------------------------------------------------------ helpers

async function discovery(issuer) {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (res.status !== 200) throw new Error(`discovery ${res.status}`);
  return res.json();
}

function authUrl(meta, {
  clientId = 'authdeck', redirectUri = 'http://127.0.0.1:54321/callback',
  scope = 'openid email offline_access', prompt = 'consent', state = `st-${Math.random().toString(36).slice(2)}`,
  nonce = `n-${Math.random().toString(36).slice(2)}`, pkce = pkcePair(),
} = {}) {
  const u = new URL(meta.authorization_endpoint);
  const params = {
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    nonce,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
  };
  if (prompt) params.prompt = prompt;
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return {
    url: u.href, state, nonce, pkce, redirectUri, clientId,
  };
}

async function postForm(url, form, { signal } = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    signal,
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return {
    status: res.status, headers: res.headers, text, json,
  };
}

function queryOf(callback) {
  const q = callback.indexOf('?');
  return new URLSearchParams(q === -1 ? '' : callback.slice(q + 1));
}

function decodeJwt(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

async function loginAndExchange(meta, opts = {}, extraForm = {}) {
  const req = authUrl(meta, opts);
  const cb = await completeLogin(req.url, { login: opts.login || 'alice' });
  const q = queryOf(cb);
  const tok = await postForm(meta.token_endpoint, {
    grant_type: 'authorization_code',
    code: q.get('code'),
    redirect_uri: req.redirectUri,
    client_id: req.clientId,
    code_verifier: req.pkce.verifier,
    ...extraForm,
  });
  return { req, cb, q, tok };
}

const refresh = (meta, rt, extra = {}) => postForm(meta.token_endpoint, {
  grant_type: 'refresh_token', refresh_token: rt, client_id: 'authdeck', ...extra,
});

async function fetchError(p) {
  try {
    const res = await p;
    return { res };
  } catch (err) {
    return { err, code: err.cause?.code || err.code || err.name, name: err.name };
  }
}

// ------------------------------------------------------------------ main flow

const op = await startProvider({ accessTtl: 600 });
const meta = await discovery(op.issuer);
// oidc-provider answers every invalid_grant with error_description "grant request is invalid";
// the specific reason is only in err.error_detail (server side).
let lastGrantError;
op.provider.on('grant.error', (ctx, err) => { lastGrantError = `${err.error}: ${err.error_description} [detail: ${err.error_detail}]`; });

await section('discovery', async () => {
  check('discovery issuer matches', meta.issuer === op.issuer, meta.issuer);
  check('discovery code_challenge_methods_supported == [S256]',
    JSON.stringify(meta.code_challenge_methods_supported) === '["S256"]', meta.code_challenge_methods_supported);
  check('discovery authorization_response_iss_parameter_supported', meta.authorization_response_iss_parameter_supported === true);
  check('discovery revocation_endpoint', meta.revocation_endpoint === `${op.issuer}/token/revocation`, meta.revocation_endpoint);
  check('discovery introspection_endpoint', typeof meta.introspection_endpoint === 'string');
  check('discovery scopes', ['openid', 'email', 'profile', 'offline_access'].every((s) => meta.scopes_supported.includes(s)), meta.scopes_supported);
  check('loopback only', op.issuer.startsWith('http://127.0.0.1:'), op.issuer);
});

await section('code flow', async () => {
  const req = authUrl(meta);
  const cb = await completeLogin(req.url, { login: 'alice' });
  check('callback goes to loopback redirect with the requested port', cb.startsWith('http://127.0.0.1:54321/callback?'), cb);
  const q = queryOf(cb);
  check('callback has code', Boolean(q.get('code')));
  check('callback has state', q.get('state') === req.state, q.get('state'));
  check('callback has iss', q.get('iss') === op.issuer, q.get('iss'));

  const tok = await postForm(meta.token_endpoint, {
    grant_type: 'authorization_code',
    code: q.get('code'),
    redirect_uri: req.redirectUri,
    client_id: 'authdeck',
    code_verifier: req.pkce.verifier,
  });
  check('token exchange 200', tok.status === 200, tok.text);
  const t = tok.json || {};
  check('token response access_token', typeof t.access_token === 'string' && t.access_token.length > 10);
  check('token response refresh_token', typeof t.refresh_token === 'string');
  check('token response id_token', typeof t.id_token === 'string');
  check('token response expires_in == accessTtl', t.expires_in === 600, t.expires_in);
  check('token response token_type Bearer', t.token_type === 'Bearer', t.token_type);
  check('token response scope', t.scope === 'openid email offline_access', t.scope);
  const idt = decodeJwt(t.id_token);
  check('id_token claims (sub, aud, iss, nonce)', idt.sub === 'alice' && idt.aud === 'authdeck' && idt.iss === op.issuer && idt.nonce === req.nonce, idt);
  check('id_token lifetime default 3600', idt.exp - idt.iat === 3600, idt.exp - idt.iat);

  const ui = await fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${t.access_token}` } });
  const uij = await ui.json();
  check('userinfo email claims', ui.status === 200 && uij.email === 'alice@example.test' && uij.email_verified === true && uij.sub === 'alice', uij);

  const intro = await postForm(meta.introspection_endpoint, { token: t.access_token, client_id: 'authdeck' });
  check('introspection active', intro.status === 200 && intro.json?.active === true, intro.text);

  // refresh once
  const r1 = await refresh(meta, t.refresh_token);
  check('refresh 200', r1.status === 200, r1.text);
  const rt2 = r1.json?.refresh_token;
  check('refresh rotates (new refresh token differs)', typeof rt2 === 'string' && rt2 !== t.refresh_token);
  check('refresh returns access_token + id_token', Boolean(r1.json?.access_token && r1.json?.id_token));

  // reuse the OLD refresh token
  const reuse = await refresh(meta, t.refresh_token);
  check('reuse of rotated refresh token -> 400 invalid_grant', reuse.status === 400 && reuse.json?.error === 'invalid_grant', reuse.text);
  note(`reuse answer: ${reuse.text} | server-side: ${lastGrantError}`);
  const after = await refresh(meta, rt2);
  check('new refresh token dead after reuse (grant revoked)', after.status === 400 && after.json?.error === 'invalid_grant', after.text);
  note(`new token after reuse: ${after.text} | server-side: ${lastGrantError}`);
  const intro2 = await postForm(meta.introspection_endpoint, { token: r1.json?.access_token, client_id: 'authdeck' });
  check('access token of revoked grant inactive', intro2.json?.active === false, intro2.text);
});

await section('authorization code replay', async () => {
  const { req, q, tok } = await loginAndExchange(meta);
  check('exchange before replay', tok.status === 200, tok.text);
  const replay = await postForm(meta.token_endpoint, {
    grant_type: 'authorization_code', code: q.get('code'), redirect_uri: req.redirectUri, client_id: 'authdeck', code_verifier: req.pkce.verifier,
  });
  check('code replay -> invalid_grant', replay.status === 400 && replay.json?.error === 'invalid_grant', replay.text);
  note(`code replay server-side: ${lastGrantError}`);
  const r = await refresh(meta, tok.json.refresh_token);
  check('code replay revokes the grant (refresh token from that code is dead)', r.status === 400 && r.json?.error === 'invalid_grant', r.text);
});

await section('PKCE', async () => {
  const req = authUrl(meta);
  const cb = await completeLogin(req.url);
  const bad = await postForm(meta.token_endpoint, {
    grant_type: 'authorization_code', code: queryOf(cb).get('code'), redirect_uri: req.redirectUri, client_id: 'authdeck', code_verifier: pkcePair().verifier,
  });
  check('wrong code_verifier -> invalid_grant', bad.status === 400 && bad.json?.error === 'invalid_grant', bad.text);
  const u = new URL(req.url);
  u.searchParams.delete('code_challenge');
  u.searchParams.delete('code_challenge_method');
  const e = await completeLogin(u.href);
  check('missing code_challenge -> error redirect', queryOf(e).get('error') === 'invalid_request', e);
  note(`missing PKCE: ${queryOf(e).get('error_description')}`);
  u.searchParams.set('code_challenge', pkcePair().challenge);
  u.searchParams.set('code_challenge_method', 'plain');
  const p = await completeLogin(u.href);
  check('plain PKCE rejected', queryOf(p).get('error') === 'invalid_request', p);
});

await section('revocation', async () => {
  const { tok } = await loginAndExchange(meta);
  const rt = tok.json?.refresh_token;
  const rev = await postForm(meta.revocation_endpoint, { token: rt, token_type_hint: 'refresh_token', client_id: 'authdeck' });
  check('revocation 200', rev.status === 200, `${rev.status} ${rev.text}`);
  const r = await refresh(meta, rt);
  check('revoked refresh token -> invalid_grant', r.status === 400 && r.json?.error === 'invalid_grant', r.text);
  const rev2 = await postForm(meta.revocation_endpoint, { token: 'not-a-token', client_id: 'authdeck' });
  check('revocation of unknown token still 200', rev2.status === 200, rev2.text);
});

await section('refresh token issuance rules', async () => {
  const { tok } = await loginAndExchange(meta, { prompt: null });
  check('offline_access without prompt=consent -> no refresh_token', tok.status === 200 && !tok.json.refresh_token && !String(tok.json.scope).includes('offline_access'), tok.json);
  const { tok: tok2 } = await loginAndExchange(meta, { scope: 'openid email' });
  check('no offline_access -> no refresh_token', tok2.status === 200 && !tok2.json.refresh_token, tok2.json);
});

await section('redirect URIs and clients', async () => {
  for (const uri of ['dev.authdeck.app:/oauth/callback', 'dev.authdeck.test:/cb', 'http://127.0.0.1:1/callback']) {
    const req = authUrl(meta, { redirectUri: uri });
    const cb = await completeLogin(req.url);
    check(`redirect ${uri} accepted`, cb.startsWith(`${uri}?`) && queryOf(cb).get('code'), cb);
  }
  const bad = authUrl(meta, { redirectUri: 'http://127.0.0.1:54321/other' });
  const e = await completeLogin(bad.url).then((x) => ({ ok: x }), (err) => ({ err }));
  check('unregistered redirect -> completeLogin rejects with status + text', e.err && /400/.test(e.err.message) && /redirect_uri/.test(e.err.message), e.err?.message || e.ok);
  note(`error page: ${e.err?.message}`);

  const { tok } = await loginAndExchange(meta, { clientId: 'authdeck-confidential', login: 'carol' }, { client_secret: 'demo-secret' });
  check('confidential client (client_secret_post) exchange', tok.status === 200 && tok.json.refresh_token && decodeJwt(tok.json.id_token).sub === 'carol', tok.text);
  const bad2 = await loginAndExchange(meta, { clientId: 'authdeck-confidential' }, { client_secret: 'wrong' });
  check('confidential client wrong secret -> invalid_client', bad2.tok.status === 401 && bad2.tok.json?.error === 'invalid_client', bad2.tok.text);
  const r = await postForm(meta.token_endpoint, { grant_type: 'refresh_token', refresh_token: tok.json.refresh_token, client_id: 'authdeck-confidential', client_secret: 'demo-secret' });
  check('confidential refresh rotates too', r.status === 200 && r.json.refresh_token && r.json.refresh_token !== tok.json.refresh_token, r.text);
});

await section('deny', async () => {
  const req = authUrl(meta);
  const cb = await completeLogin(req.url, { deny: true });
  const q = queryOf(cb);
  check('deny -> error=access_denied', q.get('error') === 'access_denied', cb);
  check('deny keeps state and iss', q.get('state') === req.state && q.get('iss') === op.issuer, cb);
  check('deny description', q.get('error_description') === 'The user cancelled', q.get('error_description'));
});

await section('interaction pages', async () => {
  const req = authUrl(meta);
  const res = await fetch(req.url, { redirect: 'manual' });
  const loc = res.headers.get('location');
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const page = await fetch(new URL(loc, req.url), { headers: { cookie: cookies } });
  const html = await page.text();
  check('login page title and text', html.includes('<title>Local demo provider</title>') && html.includes('Sign in to the Local demo provider') && html.includes('value="alice"') && html.includes('>Sign in<'), html.slice(0, 200));
  check('login page has no script', !/<script/i.test(html));
});

await op.close();

// ------------------------------------------------------------------ issuer path + TTLs

await section('issuerPath', async () => {
  const opB = await startProvider({ issuerPath: '/realms/demo', accessTtl: 120, idTokenTtl: 300 });
  try {
    check('issuer carries the path', /^http:\/\/127\.0\.0\.1:\d+\/realms\/demo$/.test(opB.issuer), opB.issuer);
    const m = await discovery(opB.issuer);
    check('issuerPath discovery issuer', m.issuer === opB.issuer, m.issuer);
    check('issuerPath endpoints under the path', m.token_endpoint === `${opB.issuer}/token` && m.authorization_endpoint === `${opB.issuer}/auth`, m.token_endpoint);
    const root = await fetch(`http://127.0.0.1:${opB.port}/.well-known/openid-configuration`);
    check('no discovery at the root', root.status === 404, root.status);
    const { q, tok } = await loginAndExchange(m);
    check('issuerPath callback iss', q.get('iss') === opB.issuer, q.get('iss'));
    check('issuerPath token exchange', tok.status === 200 && tok.json.refresh_token, tok.text);
    check('accessTtl option', tok.json.expires_in === 120, tok.json.expires_in);
    const idt = decodeJwt(tok.json.id_token);
    check('idTokenTtl option', idt.exp - idt.iat === 300, idt.exp - idt.iat);
    const r = await refresh(m, tok.json.refresh_token);
    check('issuerPath refresh', r.status === 200, r.text);
  } finally {
    await opB.close();
  }
});

await section('autoLogin', async () => {
  const opD = await startProvider({ autoLogin: 'bob' });
  try {
    const m = await discovery(opD.issuer);
    const req = authUrl(m);
    const first = await fetch(req.url, { redirect: 'manual' });
    const loc = first.headers.get('location');
    const cookies = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const inter = await fetch(new URL(loc, req.url), { headers: { cookie: cookies }, redirect: 'manual' });
    check('autoLogin: interaction page redirects at once', inter.status === 303, inter.status);
    const { tok } = await loginAndExchange(m);
    check('autoLogin: code flow completes as bob', tok.status === 200 && decodeJwt(tok.json.id_token).sub === 'bob' && tok.json.refresh_token, tok.text);
  } finally {
    await opD.close();
  }
});

// ------------------------------------------------------------------ fault proxy

await section('fault proxy', async () => {
  const opC = await startProvider({ proxy: true });
  const ctl = opC.proxy.control;
  const control = async (p, body) => {
    const res = await fetch(`${ctl}${p}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };
  const fault = (spec) => control('/fault', spec);
  try {
    check('proxy issuer is the public port', opC.issuer === `http://127.0.0.1:${opC.port}` && opC.proxy.internalPort !== opC.port, opC);
    const m = await discovery(opC.issuer);
    check('proxy: metadata points through the proxy', m.token_endpoint === `${opC.issuer}/token` && m.issuer === opC.issuer, m.token_endpoint);

    // full pass-through flow (cookies, redirects, POST bodies)
    const { tok, q } = await loginAndExchange(m);
    check('proxy: pass-through login + exchange', tok.status === 200 && tok.json.refresh_token && q.get('iss') === opC.issuer, tok.text);
    let rt = tok.json.refresh_token;

    // secrets seen in passing traffic (GET /secrets)
    const seen = (await control('/secrets')).json;
    const wanted = {
      access_token: tok.json.access_token, refresh_token: tok.json.refresh_token, id_token: tok.json.id_token, code: q.get('code'),
    };
    check('proxy /secrets: array of strings', Array.isArray(seen) && seen.every((v) => typeof v === 'string'), seen);
    check('proxy /secrets: tokens of the token answer and the authorization code', Object.values(wanted).every((v) => seen.includes(v)),
      Object.fromEntries(Object.entries(wanted).map(([k, v]) => [k, seen.includes(v)])));
    check('proxy /secrets: values unique', new Set(seen).size === seen.length, seen.length);
    const details = (await control('/secrets?detail=1')).json;
    const kindOf = (v) => details.find((d) => d.value === v)?.kind;
    check('proxy /secrets?detail=1: kinds', Object.entries(wanted).every(([k, v]) => kindOf(v) === k), details.map((d) => d.kind));
    check('proxy /secrets?detail=1: code_verifier of the token request', details.some((d) => d.kind === 'code_verifier'), details.map((d) => d.kind));
    check('proxy secrets(): programmatic API', JSON.stringify(opC.proxy.secrets()) === JSON.stringify(seen));
    check('proxy: POST /secrets/reset', (await control('/secrets/reset', {})).status === 200 && (await control('/secrets')).json.length === 0);

    // keep-alive through the proxy
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const reused = [];
    for (let i = 0; i < 2; i += 1) {
      await new Promise((resolve, reject) => {
        const r = http.get(`${opC.issuer}/.well-known/openid-configuration`, { agent }, (res) => {
          reused.push(r.reusedSocket);
          res.resume();
          res.on('end', resolve);
        });
        r.on('error', reject);
      });
    }
    agent.destroy();
    check('proxy: keep-alive (second request reuses the socket)', reused[0] === false && reused[1] === true, reused);

    const tokenPost = (form = { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'authdeck' }, opts) => postForm(m.token_endpoint, form, opts);

    // status modes
    check('control: POST /fault ok', (await fault({ mode: 'status', status: 503, retryAfter: 7 })).status === 200);
    let r = await tokenPost();
    check('status 503 json + Retry-After', r.status === 503 && r.json?.error === 'server_error' && r.headers.get('retry-after') === '7' && /application\/json/.test(r.headers.get('content-type')), `${r.status} ${r.text} ${r.headers.get('retry-after')}`);
    await fault({ path: '/token', mode: 'status', status: 502, body: 'html' });
    r = await tokenPost();
    check('status 502 html', r.status === 502 && /text\/html/.test(r.headers.get('content-type')) && r.text.includes('502'), `${r.status} ${r.headers.get('content-type')}`);
    await fault({ mode: 'status', status: 500, body: 'empty' });
    r = await tokenPost();
    check('status 500 empty', r.status === 500 && r.text === '', `${r.status} ${JSON.stringify(r.text)}`);
    await fault({ mode: 'status', status: 429, retryAfter: 2 });
    r = await tokenPost();
    check('status 429 + Retry-After', r.status === 429 && r.headers.get('retry-after') === '2', `${r.status}`);

    await fault({ mode: 'malformed' });
    r = await tokenPost();
    check('malformed: 200 application/json invalid JSON', r.status === 200 && /application\/json/.test(r.headers.get('content-type')) && r.json === undefined && r.text.length > 0, r.text);

    await fault({ mode: 'no_access_token' });
    r = await tokenPost();
    check('no_access_token', r.status === 200 && r.json && !('access_token' in r.json) && r.json.token_type === 'Bearer' && r.json.expires_in === 3600, r.text);

    await fault({ mode: 'oauth_error', error: 'invalid_grant', error_description: 'injected' });
    r = await tokenPost();
    check('oauth_error invalid_grant 400', r.status === 400 && r.json?.error === 'invalid_grant' && r.json?.error_description === 'injected', r.text);
    await fault({ mode: 'oauth_error', status: 401, error: 'invalid_client' });
    r = await tokenPost();
    check('oauth_error invalid_client 401', r.status === 401 && r.json?.error === 'invalid_client', r.text);

    await fault({ mode: 'html200' });
    r = await tokenPost();
    check('html200', r.status === 200 && /text\/html/.test(r.headers.get('content-type')) && r.text.startsWith('<!DOCTYPE html>'), r.text.slice(0, 60));

    // hang: cut by a client-side abort after 1 s
    await fault({ mode: 'hang' });
    const hs = Date.now();
    const h = await fetchError(tokenPost(undefined, { signal: AbortSignal.timeout(1000) }));
    const took = Date.now() - hs;
    check('hang: no answer, aborted by client after ~1s', h.err && (h.name === 'TimeoutError' || h.name === 'AbortError') && took >= 950 && took < 3000, `${h.name} ${took}ms ${h.res?.status}`);

    // reset: socket error
    await fault({ mode: 'reset' });
    const rs = await fetchError(tokenPost());
    check('reset: socket error', rs.err && rs.err.name === 'TypeError' && ['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'].includes(rs.code), `${rs.err?.message} ${rs.code}`);
    note(`reset surfaces in fetch as: ${rs.err?.message} (cause ${rs.code})`);

    // another path unaffected while /token is faulted
    const d = await fetch(`${opC.issuer}/.well-known/openid-configuration`);
    check('fault on /token leaves other paths alone', d.status === 200, d.status);

    // reset clears faults
    check('control: POST /reset', (await control('/reset', {})).status === 200);
    r = await tokenPost();
    check('after /reset: pass-through to the real token endpoint', r.status === 400 && r.json?.error === 'invalid_grant', r.text);

    // times:1 then pass-through (a real refresh succeeds on the retry)
    await control('/counts/reset', {});
    await fault({ mode: 'status', status: 500, times: 1 });
    const f1 = await refresh(m, rt);
    const f2 = await refresh(m, rt);
    check('times:1 -> first faulted', f1.status === 500, f1.status);
    check('times:1 -> second passes through', f2.status === 200 && f2.json.refresh_token, f2.text);
    rt = f2.json?.refresh_token;
    const afterRefresh = opC.proxy.secrets();
    check('proxy /secrets: rotated refresh token and presented one recorded', afterRefresh.includes(rt) && afterRefresh.includes(f2.json?.access_token), afterRefresh.length);
    check('proxy /secrets: faulted answers add nothing odd', !afterRefresh.includes('server_error'), afterRefresh);
    const faults = await control('/faults');
    check('times exhausted -> fault removed', Array.isArray(faults.json) && faults.json.length === 0, faults.json);

    // counts
    await fetch(`${opC.issuer}/.well-known/openid-configuration`).then((x) => x.arrayBuffer());
    const counts = (await control('/counts')).json;
    check('counts per path (incl. faulted)', counts['/token'] === 2 && counts['/.well-known/openid-configuration'] === 1, counts);
    await control('/counts/reset', {});
    check('counts reset', Object.keys((await control('/counts')).json).length === 0);

    // fault on a non-token path
    await fault({ path: '/.well-known/openid-configuration', mode: 'status', status: 503, times: 2 });
    const dd = await fetch(`${opC.issuer}/.well-known/openid-configuration`);
    check('fault on discovery path', dd.status === 503, dd.status);
    await control('/reset', {});

    // down: connection refused everywhere, /reset re-opens
    await fault({ mode: 'down' });
    const dn = await fetchError(tokenPost());
    check('down: token endpoint ECONNREFUSED', dn.err && dn.code === 'ECONNREFUSED', `${dn.err?.message} ${dn.code} ${dn.res?.status}`);
    const dn2 = await fetchError(fetch(`${opC.issuer}/.well-known/openid-configuration`));
    check('down: other paths refused too', dn2.err && dn2.code === 'ECONNREFUSED', dn2.code);
    await control('/reset', {});
    const up = await fetch(`${opC.issuer}/.well-known/openid-configuration`);
    check('after /reset: public port open again', up.status === 200, up.status);
    const r3 = await refresh(m, rt);
    check('after down/reset: refresh still works', r3.status === 200, r3.text);

    const bad = await fault({ mode: 'nope' });
    check('control: unknown mode -> 400', bad.status === 400, bad);

    // programmatic API
    opC.proxy.fault({ mode: 'status', status: 502, times: 1 });
    r = await tokenPost();
    check('programmatic proxy.fault()', r.status === 502, r.status);

    // a hanging request must not block close()
    await fault({ mode: 'hang' });
    const pending = fetchError(tokenPost());
    await new Promise((res) => setTimeout(res, 100));
    const cs = Date.now();
    await opC.close();
    const pend = await pending;
    check('close() ends hung requests promptly', Date.now() - cs < 1500 && pend.err, `${Date.now() - cs}ms`);
  } finally {
    await opC.close();
  }
});

// ------------------------------------------------------------------ CLIs

function startServer(args, { stdin = 'pipe', env = {} } = {}) {
  const child = spawn(process.execPath, [path.join(here, 'server.mjs'), ...args], {
    stdio: [stdin, 'pipe', 'pipe'], env: { ...process.env, DEBUG: '', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { err += c; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const onData = () => {
      if (out.includes('\n')) { child.stdout.off('data', onData); resolve(JSON.parse(out.split('\n')[0])); }
    };
    child.stdout.on('data', onData);
    exited.then((x) => reject(new Error(`server exited early ${JSON.stringify(x)}: ${err}`)));
  });
  ready.catch(() => {});
  return {
    child, ready, exited, out: () => out, err: () => err,
  };
}

const within = (p, ms) => Promise.race([p, new Promise((r) => setTimeout(() => r('timeout'), ms))]);

await section('server.mjs', async () => {
  const s = startServer(['--port', '0']);
  const info = await s.ready;
  check('server.mjs ready line', /^http:\/\/127\.0\.0\.1:\d+$/.test(info.issuer) && info.port === Number(new URL(info.issuer).port) && !('control' in info), info);
  const m = await discovery(info.issuer);
  check('server.mjs serves discovery', m.issuer === info.issuer);
  await loginAndExchange(m);
  s.child.kill('SIGTERM');
  const ex = await within(s.exited, 3000);
  check('server.mjs exits 0 on SIGTERM', ex !== 'timeout' && ex.code === 0, ex);
  check('server.mjs printed exactly one stdout line', s.out().split('\n').filter(Boolean).length === 1 && s.out().endsWith('\n'), s.out());
  check('server.mjs stderr silent without DEBUG', s.err() === '', s.err());

  const s2 = startServer(['--port', '0', '--issuer-path', '/realms/demo', '--proxy', '--access-ttl', '90', '--auto-login', 'dave']);
  const info2 = await s2.ready;
  check('server.mjs --proxy prints control', /^http:\/\/127\.0\.0\.1:\d+$/.test(info2.control) && info2.issuer.endsWith('/realms/demo'), info2);
  const m2 = await discovery(info2.issuer);
  const { tok } = await loginAndExchange(m2);
  check('server.mjs options applied (ttl, auto-login, path)', tok.json?.expires_in === 90 && decodeJwt(tok.json.id_token).sub === 'dave', tok.text);
  const c = await (await fetch(`${info2.control}/counts`)).json();
  check('server.mjs control counts default token path', c['/realms/demo/token'] === 1, c);
  await fetch(`${info2.control}/fault`, { method: 'POST', body: JSON.stringify({ mode: 'status', status: 503 }) });
  const f = await postForm(m2.token_endpoint, { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'authdeck' });
  check('server.mjs proxy default path is issuer-path token endpoint', f.status === 503, f.status);
  s2.child.stdin.end(); // parent "dies": stdin EOF
  const ex2 = await within(s2.exited, 3000);
  check('server.mjs exits when its stdin pipe closes', ex2 !== 'timeout' && ex2.code === 0, ex2);

  const s3 = startServer(['--port', '0'], { stdin: 'ignore' }); // /dev/null
  await s3.ready;
  const ex3 = await within(s3.exited, 700);
  check('server.mjs keeps running with stdin=/dev/null', ex3 === 'timeout', ex3);
  s3.child.kill('SIGINT');
  const ex3b = await within(s3.exited, 3000);
  check('server.mjs exits 0 on SIGINT', ex3b !== 'timeout' && ex3b.code === 0, ex3b);

  const s4 = startServer(['--bogus']);
  const ex4 = await within(s4.exited, 3000);
  check('server.mjs rejects unknown options', ex4 !== 'timeout' && ex4.code === 2 && s4.out() === '', ex4);
});

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, DEBUG: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

await section('browser CLI', async () => {
  const opE = await startProvider({});
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'authdeck-provider-'));
  const logFile = path.join(tmp, 'browser.log');
  const cbServer = http.createServer((req, res) => {
    const ok = req.url.startsWith('/callback?') && req.url.includes('code=');
    res.writeHead(ok ? 200 : 400, { 'content-type': 'text/plain' });
    res.end(ok ? 'signed in, you can close this window' : 'bad callback');
  });
  await new Promise((r) => cbServer.listen(0, '127.0.0.1', r));
  try {
    const m = await discovery(opE.issuer);
    const wrapper = path.join(here, 'browser');
    check('browser wrapper is executable', (fs.statSync(wrapper).mode & 0o111) !== 0);

    const p = await run(wrapper, [authUrl(m, { redirectUri: 'dev.authdeck.app:/oauth/callback' }).url]);
    check('browser print: callback alone on stdout', p.code === 0 && /^dev\.authdeck\.app:\/oauth\/callback\?code=[^\n]+\n$/.test(p.out), p);

    const cbUrl = `http://127.0.0.1:${cbServer.address().port}/callback`;
    const h = await run(wrapper, [authUrl(m, { redirectUri: cbUrl }).url, '--deliver', 'http'], { AUTHDECK_TEST_BROWSER_LOG: logFile });
    check('browser http: GETs the callback, exit 0, body on stderr', h.code === 0 && h.err.includes('signed in') && h.out === '', h);
    const logged = fs.readFileSync(logFile, 'utf8').trim().split('\n');
    check('browser http: callback appended to AUTHDECK_TEST_BROWSER_LOG', logged.length === 1 && logged[0].startsWith(`${cbUrl}?code=`), logged);

    const e = await run(wrapper, [authUrl(m).url, '--login', 'erin', '--deliver', 'exec'], {
      AUTHDECK_TEST_DELIVER_CMD: `${process.execPath} -p process.argv.at(-1)`, AUTHDECK_TEST_BROWSER_LOG: logFile,
    });
    check('browser exec: runs command with callback as last arg', e.code === 0 && e.out.startsWith('http://127.0.0.1:54321/callback?code='), e);
    const e2 = await run(wrapper, [authUrl(m).url], { AUTHDECK_TEST_DELIVER: 'exec', AUTHDECK_TEST_DELIVER_CMD: 'false', AUTHDECK_TEST_BROWSER_LOG: logFile });
    check('browser exec: exit code propagated', e2.code === 1, e2);
    check('browser exec: log has 3 lines', fs.readFileSync(logFile, 'utf8').trim().split('\n').length === 3);

    const d = await run(wrapper, [authUrl(m).url], { AUTHDECK_TEST_DENY: '1', AUTHDECK_TEST_LOGIN: 'frank' });
    check('browser as $BROWSER with env: deny', d.code === 0 && queryOf(d.out.trim()).get('error') === 'access_denied', d);

    const bad = await run(wrapper, [authUrl(m, { redirectUri: 'http://evil.example/cb' }).url]);
    check('browser: provider error page -> exit 1 with message', bad.code === 1 && /400/.test(bad.err) && bad.out === '', bad);
  } finally {
    cbServer.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    await opE.close();
  }
});

const secs = ((Date.now() - t0) / 1000).toFixed(1);
console.log(`\n${passes} passed, ${failures} failed (${secs}s, node ${process.version})`);
process.exit(failures ? 1 : 0);
