// Local OpenID provider for AuthDeck tests (oidc-provider on loopback),
// plus a headless user agent (completeLogin) that drives its login/consent pages, and one
// (completeDevice) that approves a sign-in with a code (RFC 8628) on its device pages.
//
//   import { startProvider, completeLogin } from './lib.mjs';
//   const op = await startProvider({ port: 0, proxy: true });
//   const callback = await completeLogin(authUrl, { login: 'alice' });
//   await op.close();

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

// oidc-provider's own in-memory adapter and LRU (deep imports; the version is pinned exactly).
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';

import { startFaultProxy } from './faults.mjs';

export const HOST = '127.0.0.1';

const debug = () => Boolean(process.env.DEBUG);
const log = (...args) => { if (debug()) console.error('[provider]', ...args); };

// oidc-provider 9 prints "Unsupported runtime. Use Node.js v22.x LTS" on Node 20 at import
// time. It works on Node 20.20 (verified by selftest.mjs); only that one notice is muted,
// and only when DEBUG is unset.
const { default: Provider, errors } = await (async () => {
  const original = console.warn;
  console.warn = (...args) => {
    if (!debug() && typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
    original(...args);
  };
  try {
    return await import('oidc-provider');
  } finally {
    console.warn = original;
  }
})();

export const CLIENT_ID = 'authdeck';
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const CONFIDENTIAL_CLIENT_ID = 'authdeck-confidential';
export const CONFIDENTIAL_CLIENT_SECRET = 'demo-secret';
export const REDIRECT_URIS = [
  'dev.authdeck.app:/oauth/callback',
  'http://127.0.0.1/callback', // any port is accepted for native clients (RFC 8252 §7.3)
  // One loopback path per provider (RFC 9700 §4.4.2), as a person registers them.
  'http://127.0.0.1/callback/work',
  'http://127.0.0.1/callback/home',
  'dev.authdeck.test:/cb',
];

const COOKIE_KEYS = [
  'kq7Vx2mR9tLp4WzYc8NbF3hJ6sDgA1eQ',
  'Zt5uP0oXw8RkM2yHc7LbV4nJq9GdS3fE',
];

// One fixed RSA signing key (RS256 is the default ID token algorithm), made once with
// `openssl genpkey` and kept in signing-key.jwk.json. It signs test tokens only. Generating a key
// at start-up is avoided on purpose: Node 20 can self-deadlock in
// `generateKeyPairSync('rsa')` + `export({format: 'jwk'})` when a GC runs during the export
// (gdb: ExportJWK -> GC -> ~KeyGenJob -> mutex), which once hung a test run for good. A fixed key
// also keeps demo accounts' ID tokens verifiable across restarts of the demo provider.
let signingJwks;
function getJwks() {
  if (!signingJwks) {
    const file = new URL('./signing-key.jwk.json', import.meta.url);
    signingJwks = { keys: [JSON.parse(fs.readFileSync(file, 'utf8'))] };
  }
  return structuredClone(signingJwks);
}

// ------------------------------------------------------------------ HTML

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
  font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
  background:linear-gradient(160deg,#eef2f7,#dde4ee);color:#1f2933}
main{width:100%;max-width:380px;margin:24px;background:#fff;border-radius:14px;
  box-shadow:0 10px 30px rgba(31,41,51,.12);padding:28px 28px 22px}
.brand{font-size:12px;letter-spacing:.08em;text-transform:uppercase;color:#627d98;margin:0 0 6px}
h1{font-size:21px;margin:0 0 18px;font-weight:600}
label{display:block;font-size:13px;font-weight:600;margin:12px 0 4px;color:#334e68}
input[type=text],input[type=password]{width:100%;padding:10px 12px;border:1px solid #bcccdc;
  border-radius:8px;font:inherit}
input:focus{outline:2px solid #2f80ed;outline-offset:1px;border-color:#2f80ed}
button{width:100%;margin-top:16px;padding:11px;border:0;border-radius:8px;font:inherit;
  font-weight:600;cursor:pointer;background:#2f80ed;color:#fff}
button:hover{background:#1c6ed8}
button.secondary{background:#f0f4f8;color:#334e68;margin-top:8px}
button.secondary:hover{background:#e1e8ef}
ul{padding-left:20px;margin:6px 0 4px}
.hint{font-size:12px;color:#829ab1;margin:14px 0 0;text-align:center}
pre{white-space:pre-wrap;word-break:break-word;background:#f0f4f8;padding:10px;border-radius:8px;font-size:13px}
`;

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="brand">Local demo provider</p>
${body}
</main>
</body>
</html>
`;
}

function loginPage(base, uid, { loginHint, flash }) {
  return page('Local demo provider', `<h1>Sign in to the Local demo provider</h1>
${flash ? `<p>${esc(flash)}</p>` : ''}
<form id="login-form" method="post" action="${esc(`${base}/interaction/${uid}/login`)}" autocomplete="off">
<label for="username">Username</label>
<input id="username" type="text" name="username" value="${esc(loginHint || 'alice')}" required autofocus>
<label for="password">Password</label>
<input id="password" type="password" name="password" placeholder="any password">
<button type="submit">Sign in</button>
</form>
<form id="cancel-form" method="post" action="${esc(`${base}/interaction/${uid}/abort`)}">
<button type="submit" class="secondary">Cancel</button>
</form>
<p class="hint">Test provider: any username and any password are accepted.</p>`);
}

const SCOPE_WORDS = {
  email: 'see your email',
  profile: 'see your name',
  offline_access: 'stay signed in (offline access)',
};

function consentPage(base, uid, { clientName, scopes, accountId }) {
  const wants = scopes.filter((s) => SCOPE_WORDS[s]).map((s) => SCOPE_WORDS[s]);
  if (wants.length === 0) wants.push('confirm who you are');
  return page('Local demo provider', `<h1>${esc(clientName)} wants to: ${esc(wants.join(', '))}</h1>
<ul>${wants.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>
<p class="hint">Signed in as <strong>${esc(accountId)}</strong></p>
<form id="consent-form" method="post" action="${esc(`${base}/interaction/${uid}/confirm`)}">
<button type="submit">Allow</button>
</form>
<form id="cancel-form" method="post" action="${esc(`${base}/interaction/${uid}/abort`)}">
<button type="submit" class="secondary">Cancel</button>
</form>`);
}

function deviceConfirmPage(form, userCode, clientName) {
  return page('Local demo provider', `<h1>Sign in ${esc(clientName)} on your device?</h1>
<p>Check that your device shows this code:</p>
<p style="font:600 26px/1.2 ui-monospace,monospace;letter-spacing:.12em;text-align:center">${esc(userCode)}</p>
${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" class="secondary" name="abort" value="yes">Cancel</button>`);
}

function deviceInputPage(form, err) {
  return page('Local demo provider', `<h1>Enter the code shown on your device</h1>
${err ? `<p>${esc(err.userCode ? 'That code is not valid or has expired.' : err.error_description || err.message || 'Something went wrong.')}</p>` : ''}
${form}
<button type="submit" form="op.deviceInputForm">Continue</button>`);
}

function errorPage(out) {
  const rows = Object.entries(out).map(([k, v]) => `${esc(k)}: ${esc(v)}`).join('\n');
  return page('Local demo provider - error', `<h1>Something went wrong</h1><pre>${rows}</pre>`);
}

function sendHtml(res, status, html) {
  const body = Buffer.from(html);
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(body.length),
    'cache-control': 'no-store',
  });
  res.end(body);
}

function readForm(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) { reject(new Error('form too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

const capitalise = (s) => (s ? s[0].toUpperCase() + s.slice(1) : s);

// ------------------------------------------------------------------ provider

function normalizeIssuerPath(p) {
  if (!p || p === '/') return '';
  let out = p.startsWith('/') ? p : `/${p}`;
  while (out.endsWith('/')) out = out.slice(0, -1);
  return out;
}

// The default in-memory adapter, built the way oidc-provider builds it (which also avoids its
// "development-only in-memory adapter" warning), but with room for 100k entries instead of
// 1k so that long benchmark runs do not evict live grants/refresh tokens.
const CLOCK_TOLERANCE = 15; // oidc-provider's default clockTolerance
function memoryAdapterFactory() {
  const store = new LRU({ maxSize: 100_000 });
  return (model) => new MemoryAdapter(model, store, CLOCK_TOLERANCE);
}

function buildConfiguration({
  base, accessTtl, idTokenTtl, refreshTtl, device, registration,
}) {
  const client = {
    application_type: 'native',
    grant_types: ['authorization_code', 'refresh_token', ...(device.enabled ? [DEVICE_GRANT] : [])],
    response_types: ['code'],
    redirect_uris: REDIRECT_URIS,
  };
  return {
    clients: [
      { ...client, client_id: CLIENT_ID, client_name: 'AuthDeck', token_endpoint_auth_method: 'none' },
      {
        ...client,
        client_id: CONFIDENTIAL_CLIENT_ID,
        client_name: 'AuthDeck',
        token_endpoint_auth_method: 'client_secret_post',
        client_secret: CONFIDENTIAL_CLIENT_SECRET,
      },
    ],
    adapter: memoryAdapterFactory(),
    clockTolerance: CLOCK_TOLERANCE,
    jwks: getJwks(),
    cookies: { keys: COOKIE_KEYS },
    pkce: { required: () => true }, // S256 is the only method oidc-provider 9 supports
    rotateRefreshToken: true,
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    claims: {
      acr: null,
      sid: null,
      auth_time: null,
      iss: null,
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: {
        enabled: device.enabled,
        async userCodeInputSource(ctx, form, out, err) {
          ctx.body = deviceInputPage(form, err || out);
        },
        async userCodeConfirmSource(ctx, form, client, deviceInfo, userCode) {
          ctx.body = deviceConfirmPage(form, userCode, client.clientName || client.clientId);
        },
        async successSource(ctx) {
          ctx.body = page('Local demo provider', '<h1 id="device-success">You are signed in</h1><p>Go back to your device.</p>');
        },
      },
      // Open RFC 7591 registration at /reg and RFC 7592 management at /reg/:id, unless turned
      // off (an issuer that needs a client ID from its administrator).
      registration: { enabled: registration, initialAccessToken: false },
      registrationManagement: { enabled: registration, rotateRegistrationAccessToken: false },
      revocation: {
        enabled: true,
        // same policy as oidc-provider's default, minus its "you SHOULD change this" notice
        async allowedPolicy(ctx, client, token) {
          if (token.clientId !== client.clientId) {
            if (client.clientAuthMethod === 'none') return false;
            throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
          }
          return true;
        },
      },
      introspection: {
        enabled: true,
        async allowedPolicy(ctx, client, token) {
          if (client.clientAuthMethod === 'none' && token.clientId !== ctx.oidc.client.clientId) return false;
          return true;
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = page('Local demo provider', `<h1>Sign out of the Local demo provider?</h1>
${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = page('Local demo provider', '<h1>You are signed out</h1><p>You can close this window.</p>');
        },
      },
    },
    interactions: {
      url: (ctx, interaction) => `${base}/interaction/${interaction.uid}`,
    },
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() {
          return {
            sub: id, email: `${id}@example.test`, email_verified: true, name: capitalise(id),
          };
        },
      };
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage(out);
    },
    // Browser callers are not expected; allow any Origin so a webview could call the endpoints.
    clientBasedCORS: () => true,
    ttl: {
      AccessToken: accessTtl,
      IdToken: idTokenTtl,
      RefreshToken: refreshTtl,
      AuthorizationCode: 60,
      Interaction: 60 * 60,
      Session: 14 * 24 * 60 * 60,
      Grant: Math.max(refreshTtl, 14 * 24 * 60 * 60),
      ClientCredentials: 10 * 60,
      DeviceCode: () => device.ttl,
      BackchannelAuthenticationRequest: 10 * 60,
      PreAuthorizedCode: 10 * 60,
    },
  };
}

/** Grant every requested OIDC scope/claim (and resource scope) of an interaction. */
async function grantFor(provider, interaction, accountId, { all = false } = {}) {
  const { prompt: { details }, params, grantId } = interaction;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId, clientId: params.client_id });
  if (all) {
    if (params.scope) grant.addOIDCScope(params.scope);
  } else {
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
    if (details.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(details.missingResourceScopes)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }
  }
  const id = await grant.save();
  return grantId ? undefined : id;
}

function makeInteractionHandler(provider, base, { autoLogin }) {
  return async function handleInteraction(req, res, rel) {
    // rel: "/interaction/<uid>" or "/interaction/<uid>/<action>"
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/.exec(rel);
    if (!m) return sendHtml(res, 404, errorPage({ error: 'not_found', error_description: 'no such page' }));
    const [, uid, action] = m;
    const method = req.method.toUpperCase();
    if ((action && method !== 'POST') || (!action && method !== 'GET' && method !== 'HEAD')) {
      return sendHtml(res, 405, errorPage({ error: 'method_not_allowed' }));
    }

    let interaction;
    try {
      interaction = await provider.interactionDetails(req, res);
    } catch (err) {
      return sendHtml(res, 400, errorPage({ error: err.error || 'invalid_request', error_description: err.error_description || err.message }));
    }
    if (interaction.uid !== uid) {
      return sendHtml(res, 400, errorPage({ error: 'invalid_request', error_description: 'interaction mismatch' }));
    }
    const { prompt, params } = interaction;
    const client = await provider.Client.find(params.client_id);
    const clientName = client?.clientName || params.client_id;

    if (!action) {
      if (autoLogin) {
        if (prompt.name === 'login') {
          const consentGrantId = await grantFor(provider, interaction, autoLogin, { all: true });
          const result = { login: { accountId: autoLogin } };
          if (consentGrantId) result.consent = { grantId: consentGrantId };
          return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
        }
        const accountId = interaction.session?.accountId || autoLogin;
        const grantId = await grantFor(provider, interaction, accountId);
        return provider.interactionFinished(req, res, { consent: grantId ? { grantId } : {} }, { mergeWithLastSubmission: true });
      }
      if (prompt.name === 'login') {
        return sendHtml(res, 200, loginPage(base, uid, { loginHint: params.login_hint }));
      }
      const scopes = [...new Set([
        ...(prompt.details.missingOIDCScope || []),
        ...String(params.scope || '').split(' '),
      ])];
      return sendHtml(res, 200, consentPage(base, uid, {
        clientName, scopes, accountId: interaction.session?.accountId,
      }));
    }

    const form = await readForm(req);
    switch (action) {
      case 'login': {
        if (prompt.name !== 'login') return sendHtml(res, 400, errorPage({ error: 'invalid_request', error_description: 'not a login prompt' }));
        const accountId = (form.get('username') || '').trim();
        if (!accountId) return sendHtml(res, 200, loginPage(base, uid, { flash: 'Please enter a username.' }));
        return provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
      }
      case 'confirm': {
        if (prompt.name !== 'consent') return sendHtml(res, 400, errorPage({ error: 'invalid_request', error_description: 'not a consent prompt' }));
        const grantId = await grantFor(provider, interaction, interaction.session.accountId);
        return provider.interactionFinished(req, res, { consent: grantId ? { grantId } : {} }, { mergeWithLastSubmission: true });
      }
      case 'abort':
        return provider.interactionFinished(req, res, {
          error: 'access_denied', error_description: 'The user cancelled',
        }, { mergeWithLastSubmission: false });
      default:
        return undefined;
    }
  };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => { server.off('error', reject); resolve(server.address().port); });
  });
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/**
 * Start the provider on loopback.
 * @param {object} [opts]
 * @param {number} [opts.port=0] public port (0 = ephemeral)
 * @param {string} [opts.issuerPath] e.g. "/realms/demo"
 * @param {number} [opts.accessTtl=3600] seconds
 * @param {number} [opts.idTokenTtl=3600] seconds
 * @param {number} [opts.refreshTtl=1209600] seconds (14 days)
 * @param {boolean} [opts.proxy=false] put the fault proxy on the public port
 * @param {number} [opts.controlPort=0] fault proxy control port (with proxy)
 * @param {string} [opts.autoLogin] username: interactions complete themselves
 * @param {boolean} [opts.registration=true] open dynamic client registration (RFC 7591/7592)
 * @returns {Promise<{issuer:string, port:number, proxy?:object, provider:object, close():Promise<void>}>}
 */
export async function startProvider(opts = {}) {
  const {
    port = 0,
    issuerPath,
    accessTtl = 3600,
    idTokenTtl = 3600,
    refreshTtl = 14 * 24 * 60 * 60,
    proxy: withProxy = false,
    controlPort = 0,
    autoLogin,
    deviceFlow = true,
    deviceInterval,
    deviceTtl = 600,
    registration = true,
  } = opts;
  // Sign-in with a code: what the device answer says (`interval` is left out unless set, as
  // oidc-provider does), a one-shot `slow_down`, and every device-code poll as it arrived.
  const device = {
    enabled: deviceFlow, interval: deviceInterval, ttl: deviceTtl, slowDowns: 0, polls: [],
  };
  for (const [name, v] of Object.entries({ accessTtl, idTokenTtl, refreshTtl })) {
    if (!Number.isInteger(v) || v <= 0) throw new TypeError(`${name} must be a positive integer (seconds)`);
  }
  const base = normalizeIssuerPath(issuerPath);

  let faultProxy;
  let publicPort;
  if (withProxy) {
    faultProxy = await startFaultProxy({ port, controlPort, defaultPath: `${base}/token` });
    publicPort = faultProxy.port;
  }

  // The provider needs its issuer before it can be constructed, so bind first.
  const server = http.createServer();
  server.keepAliveTimeout = 5000;
  const listenPort = await listen(server, withProxy ? 0 : port);
  if (!withProxy) publicPort = listenPort;

  const issuer = `http://${HOST}:${publicPort}${base}`;
  const provider = new Provider(issuer, buildConfiguration({
    base, accessTtl, idTokenTtl, refreshTtl, device, registration,
  }));
  provider.on('device_authorization.success', (ctx, body) => {
    if (device.interval !== undefined) Object.assign(body, { interval: device.interval });
  });
  // Device-code polls, recorded at the token endpoint when they arrive; a pending answer is
  // turned into `slow_down` while slowDowns are owed.
  provider.use(async (ctx, next) => {
    const at = Date.now();
    await next();
    if (ctx.path !== '/token' || ctx.oidc?.params?.grant_type !== DEVICE_GRANT) return;
    let answer = ctx.body?.error ?? (ctx.body?.access_token ? 'tokens' : String(ctx.status));
    if (answer === 'authorization_pending' && device.slowDowns > 0) {
      device.slowDowns -= 1;
      ctx.status = 400;
      ctx.body = { error: 'slow_down', error_description: 'Poll less often.' };
      answer = 'slow_down';
    }
    device.polls.push({ at, answer });
  });
  // Mounted under the issuer path: tell oidc-provider where (used for every URL it builds).
  if (base) provider.use((ctx, next) => { ctx.mountPath = base; return next(); });
  provider.on('server_error', (ctx, err) => log('server_error', err));
  if (debug()) {
    for (const ev of ['authorization.error', 'grant.error', 'revocation.error', 'introspection.error', 'userinfo.error']) {
      provider.on(ev, (ctx, err) => log(ev, err.error, err.error_description, err.error_detail || ''));
    }
  }

  const callback = provider.callback();
  const handleInteraction = makeInteractionHandler(provider, base, { autoLogin });

  server.on('request', (req, res) => {
    const qIdx = req.url.indexOf('?');
    const pathname = qIdx === -1 ? req.url : req.url.slice(0, qIdx);
    if (base && pathname !== base && !pathname.startsWith(`${base}/`)) {
      sendHtml(res, 404, errorPage({ error: 'not_found', error_description: `this provider lives under ${base}` }));
      return;
    }
    const rel = pathname.slice(base.length) || '/';
    if (rel.startsWith('/interaction/')) {
      handleInteraction(req, res, rel).catch((err) => {
        log('interaction error', err);
        if (!res.headersSent) sendHtml(res, 500, errorPage({ error: 'server_error', error_description: err.message }));
        else res.destroy();
      });
      return;
    }
    if (base) req.url = rel + (qIdx === -1 ? '' : req.url.slice(qIdx));
    callback(req, res);
  });

  if (faultProxy) faultProxy.setTarget(listenPort);
  log('issuer', issuer, withProxy ? `(proxy -> internal port ${listenPort}, control ${faultProxy.controlUrl})` : '');

  let closed;
  const result = {
    issuer,
    port: publicPort,
    provider,
    device: {
      /** Every device-code poll: [{at (ms), answer}] with answer tokens, an error code or a status. */
      polls: () => device.polls.map((p) => ({ ...p })),
      resetPolls: () => { device.polls = []; },
      /** Answer the next `times` pending polls with slow_down. */
      slowDown: (times = 1) => { device.slowDowns += times; },
      /** The `interval` of later device answers (undefined: none, as oidc-provider does). */
      setInterval: (seconds) => { device.interval = seconds; },
      /** The lifetime (`expires_in`) of later codes. */
      setTtl: (seconds) => { device.ttl = seconds; },
    },
    close() {
      closed ||= (async () => {
        if (faultProxy) await faultProxy.close();
        await closeServer(server);
      })();
      return closed;
    },
  };
  if (faultProxy) {
    result.proxy = {
      url: faultProxy.url,
      control: faultProxy.controlUrl,
      controlPort: faultProxy.controlPort,
      internalPort: listenPort,
      fault: (spec) => faultProxy.addFault(spec),
      reset: () => faultProxy.reset(),
      counts: () => faultProxy.getCounts(),
      resetCounts: () => faultProxy.resetCounts(),
      secrets: () => faultProxy.getSecrets(),
      secretDetails: () => faultProxy.getSecretDetails(),
      resetSecrets: () => faultProxy.resetSecrets(),
    };
  }
  return result;
}

// ------------------------------------------------------------------ user agent

class CookieJar {
  constructor() { this.cookies = new Map(); } // `${name};${path}` -> {name, value, path}

  store(setCookies, url) {
    const defaultPath = (() => {
      const p = url.pathname;
      const i = p.lastIndexOf('/');
      return i <= 0 ? '/' : p.slice(0, i);
    })();
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = defaultPath;
      let expired = false;
      for (const attr of attrs) {
        const [k, ...rest] = attr.split('=');
        const key = k.trim().toLowerCase();
        const v = rest.join('=').trim();
        if (key === 'path' && v.startsWith('/')) path = v;
        if (key === 'max-age' && Number(v) <= 0) expired = true;
        if (key === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      }
      const key = `${name};${path}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path });
    }
  }

  header(url) {
    const p = url.pathname;
    const matching = [...this.cookies.values()]
      .filter((c) => p === c.path || p.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }
}

function pageText(html) {
  return html
    .replace(/<head[\s\S]*?<\/head>/gi, ' ')
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<script[\s\S]*?<\/script>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

function findForm(html, id) {
  const re = /<form\b([^>]*)>([\s\S]*?)<\/form>/gi;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const attrs = m[1];
    if (new RegExp(`\\bid="${id}"`).test(attrs)) {
      const action = /\baction="([^"]*)"/.exec(attrs)?.[1];
      return { action: action?.replace(/&amp;/g, '&'), inner: m[2] };
    }
  }
  return undefined;
}

/**
 * Act as the user's browser: follow the authorization request through the provider's
 * login and consent pages and resolve with the redirect Location that leaves the provider
 * (the client's callback URL). That final URL is NOT fetched.
 * @param {string} authUrl
 * @param {{login?: string, deny?: boolean, password?: string, maxSteps?: number}} [opts]
 * @returns {Promise<string>}
 */
export async function completeLogin(authUrl, {
  login = 'alice', deny = false, password = 'any-password', maxSteps = 20,
} = {}) {
  const start = new URL(authUrl);
  if (start.protocol !== 'http:' && start.protocol !== 'https:') {
    throw new Error(`completeLogin: not an http(s) URL: ${authUrl}`);
  }
  return browse('completeLogin', start, {
    maxSteps,
    // A redirect off the provider is the client's callback: the answer.
    leave(location, next) {
      if ((next.protocol !== 'http:' && next.protocol !== 'https:') || next.origin !== start.origin) {
        return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location) ? location : next.href;
      }
      return undefined;
    },
    choose(text, status, url) {
      if (status !== 200) {
        throw new Error(`completeLogin: provider answered ${status} at ${url.pathname}: ${pageText(text)}`);
      }
      const cancelForm = findForm(text, 'cancel-form');
      if (deny && cancelForm) return { form: cancelForm, body: '' };
      const step = signInStep(text, login, password);
      if (step) return step;
      throw new Error(`completeLogin: unexpected page (200) at ${url.pathname}: ${pageText(text)}`);
    },
  });
}

/**
 * Act as the user approving a sign-in with a code on another device: open the verification
 * address (with its user_code), confirm the code (or cancel with `deny`), then sign in and
 * consent as completeLogin does. Resolves with the text of the provider's last page.
 * @param {string} verificationUrl verification_uri_complete, or verification_uri with `userCode`
 * @param {{login?: string, deny?: boolean, userCode?: string, password?: string, maxSteps?: number}} [opts]
 * @returns {Promise<string>}
 */
export async function completeDevice(verificationUrl, {
  login = 'alice', deny = false, userCode, password = 'any-password', maxSteps = 20,
} = {}) {
  const start = new URL(verificationUrl);
  if (userCode) start.searchParams.set('user_code', userCode);
  const hidden = (inner) => {
    const fields = new URLSearchParams();
    for (const m of inner.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
      fields.append(m[1], m[2].replace(/&amp;/g, '&').replace(/&quot;/g, '"'));
    }
    return fields;
  };
  return browse('completeDevice', start, {
    maxSteps,
    choose(text, status, url) {
      // oidc-provider re-posts a user_code given in the address through a self-submitting form.
      const selfPost = /<title>Submitting Callback<\/title>/.test(text)
        && /<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/.exec(text);
      if (selfPost) {
        return { form: { action: selfPost[1].replace(/&amp;/g, '&') }, body: hidden(selfPost[2]).toString() };
      }
      const confirm = findForm(text, 'op.deviceConfirmForm');
      if (confirm) {
        const fields = hidden(confirm.inner);
        if (deny) fields.append('abort', 'yes');
        return { form: confirm, body: fields.toString() };
      }
      const step = signInStep(text, login, password);
      if (step) return step;
      if (status !== 200 && !deny) {
        throw new Error(`completeDevice: provider answered ${status} at ${url.pathname}: ${pageText(text)}`);
      }
      return { done: pageText(text) };
    },
  });
}

/** The provider's own sign-in steps, the same for both helpers: the login form, then consent. */
function signInStep(text, login, password) {
  const loginForm = findForm(text, 'login-form');
  if (loginForm) return { form: loginForm, body: new URLSearchParams({ username: login, password }).toString() };
  const consentForm = findForm(text, 'consent-form');
  if (consentForm) return { form: consentForm, body: '' };
  return null;
}

/**
 * The headless browser both helpers drive: follows redirects with a cookie jar, and posts the
 * form that `choose(text, status, url)` picks on each page ({form, body}), until `leave` (for a
 * redirect) or `choose` ({done}) gives the answer.
 */
async function browse(name, start, { maxSteps, leave = () => undefined, choose }) {
  const jar = new CookieJar();
  let url = start;
  let method = 'GET';
  let body;
  for (let step = 0; step < maxSteps; step += 1) {
    const headers = { accept: 'text/html,application/xhtml+xml', 'user-agent': 'authdeck-test-browser/1' };
    const cookie = jar.header(url);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    let res;
    try {
      res = await fetch(url, { method, headers, body, redirect: 'manual' });
    } catch (err) {
      throw new Error(`${name}: ${method} ${url.href} failed: ${err.cause?.code || err.cause?.message || err.message}`);
    }
    jar.store(res.headers.getSetCookie(), url);

    if (res.status >= 300 && res.status < 400) {
      await res.arrayBuffer().catch(() => {});
      const location = res.headers.get('location');
      if (!location) throw new Error(`${name}: ${res.status} without Location at ${url.href}`);
      const next = new URL(location, url);
      const answer = leave(location, next);
      if (answer !== undefined) return answer;
      url = next;
      method = 'GET';
      body = undefined;
      continue;
    }

    const chosen = choose(await res.text(), res.status, url);
    if ('done' in chosen) return chosen.done;
    if (!chosen.form.action) throw new Error(`${name}: form without action at ${url.pathname}`);
    url = new URL(chosen.form.action, url);
    method = 'POST';
    body = chosen.body;
  }
  throw new Error(`${name}: gave up after ${maxSteps} steps (redirect loop?) at ${url.href}`);
}

// ------------------------------------------------------------------ helpers for tests

/** PKCE pair (S256). */
export function pkcePair() {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge, method: 'S256' };
}
