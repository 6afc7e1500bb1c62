// Fault-injecting reverse proxy for the local OpenID provider.
//
// The proxy listens on the public port (the provider's issuer points at it) and
// forwards every request transparently to the provider on an internal port,
// unless a fault registered through the control API matches the request path.
//
// Control API (its own loopback port):
//   POST /fault         {"path":"/token","mode":"status","status":503,"times":1,...}
//                       ("mode":"delay","ms":3000 forwards the request after 3 s)
//   POST /reset         clear all faults (re-opens the public port after "down")
//   GET  /faults        the faults currently registered
//   GET  /counts        {"/token": 3, ...} requests that reached the proxy, per path
//   POST /counts/reset  zero the counters
//   GET  /secrets       ["<token>", ...] every secret value seen in passing traffic (see below)
//   GET  /secrets?detail=1  [{"kind":"access_token","value":"...","path":"/token"}, ...]
//   POST /secrets/reset forget them
//
// Secrets recorded (for leak tests: none of these may show up in an app's files or output):
// access_token, refresh_token and id_token of every JSON answer that carries them (the token
// endpoint); the `code` of every redirect Location header (authorization answers); and `code`,
// `code_verifier`, `refresh_token`, `client_secret` of every form-encoded request body (token
// requests) plus `token` of revocation requests.

import http from 'node:http';
import zlib from 'node:zlib';

const HOST = '127.0.0.1';

// Fields whose values are secrets, by where they are seen.
// RFC 7591 registration answers carry the registration access token (and, for confidential
// clients, a client secret).
const ANSWER_SECRET_FIELDS = ['access_token', 'refresh_token', 'id_token', 'registration_access_token', 'client_secret'];
const REQUEST_SECRET_FIELDS = ['code', 'code_verifier', 'refresh_token', 'client_secret', 'token'];
const CAPTURE_LIMIT = 256 * 1024;

export const FAULT_MODES = [
  'status', 'malformed', 'no_access_token', 'oauth_error', 'hang', 'reset', 'down', 'html200', 'delay',
];

// RFC 7230 §6.1 hop-by-hop headers: never forwarded.
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade',
]);

const log = (...args) => { if (process.env.DEBUG) console.error('[fault-proxy]', ...args); };

function htmlErrorPage(status) {
  const reason = http.STATUS_CODES[status] || 'Error';
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${status} ${reason}</title></head>
<body><h1>${status} ${reason}</h1><p>The upstream server is not available right now.</p>
<hr><address>fault-proxy</address></body></html>
`;
}

function readBody(stream, limit = 1 << 20) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    stream.on('data', (c) => {
      size += c.length;
      if (size > limit) { reject(new Error('body too large')); stream.destroy(); return; }
      chunks.push(c);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function send(res, status, headers, body) {
  const buf = body === undefined || body === null ? Buffer.alloc(0) : Buffer.from(body);
  res.writeHead(status, { ...headers, 'content-length': String(buf.length) });
  res.end(buf);
}

function sendJson(res, status, obj, extra = {}) {
  send(res, status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra }, JSON.stringify(obj));
}

/** Collects (up to CAPTURE_LIMIT bytes of) a stream that is also piped elsewhere. */
function capture(stream) {
  const chunks = [];
  let size = 0;
  stream.on('data', (c) => {
    if (size + c.length <= CAPTURE_LIMIT) chunks.push(c);
    size += c.length;
  });
  return () => Buffer.concat(chunks);
}

/** Validate and normalise a fault specification (throws TypeError on bad input). */
export function normalizeFault(spec, defaultPath) {
  if (!spec || typeof spec !== 'object') throw new TypeError('fault must be a JSON object');
  const { mode } = spec;
  if (!FAULT_MODES.includes(mode)) {
    throw new TypeError(`unknown mode ${JSON.stringify(mode)}; expected one of ${FAULT_MODES.join(', ')}`);
  }
  const path = spec.path === undefined ? defaultPath : spec.path;
  if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError('path must be an absolute URL path');
  let times = Infinity;
  if (spec.times !== undefined && spec.times !== null) {
    if (!Number.isInteger(spec.times) || spec.times < 1) throw new TypeError('times must be a positive integer');
    times = spec.times;
  }
  const fault = { ...spec, path, mode, times };
  if (mode === 'status') {
    fault.status = spec.status === undefined ? 500 : Number(spec.status);
    fault.body = spec.body === undefined ? 'json' : spec.body;
    if (!['json', 'html', 'empty'].includes(fault.body)) throw new TypeError('body must be "json", "html" or "empty"');
  }
  if (mode === 'oauth_error') {
    fault.status = spec.status === undefined ? 400 : Number(spec.status);
    fault.error = spec.error === undefined ? 'invalid_grant' : String(spec.error);
  }
  if (fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)) {
    throw new TypeError('status must be an HTTP status code');
  }
  return fault;
}

/**
 * Start the fault proxy.
 * @param {{ port?: number, controlPort?: number, defaultPath?: string }} opts
 * @returns {Promise<FaultProxy>} call `.setTarget(port)` before traffic arrives.
 */
export async function startFaultProxy({ port = 0, controlPort = 0, defaultPath = '/token' } = {}) {
  const proxy = new FaultProxy(defaultPath);
  await proxy.listen(port, controlPort);
  return proxy;
}

export class FaultProxy {
  constructor(defaultPath) {
    this.defaultPath = defaultPath;
    this.targetPort = undefined;
    this.faults = new Map(); // path -> fault
    this.counts = Object.create(null);
    this.secretList = []; // [{kind, value, path}] in the order seen, values unique
    this.secretValues = new Set();
    this.isDown = false;
    this.closed = false;
    this.sockets = new Set();
    // A fresh loopback connection per forwarded request. A pooled one races the provider's 5 s
    // keep-alive close: a request sent on a socket the provider is closing fails with ECONNRESET,
    // which the proxy would pass on as a 502 no test asked for.
    this.agent = new http.Agent({ keepAlive: false, maxSockets: 64 });

    this.public = http.createServer((req, res) => this.#onRequest(req, res));
    this.public.keepAliveTimeout = 5000;
    this.public.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.public.on('clientError', (err, socket) => { socket.destroy(); });

    this.control = http.createServer((req, res) => {
      this.#onControl(req, res).catch((err) => {
        if (!res.headersSent) sendJson(res, 500, { error: String(err?.message || err) });
      });
    });
  }

  async listen(port, controlPort) {
    await new Promise((resolve, reject) => {
      this.public.once('error', reject);
      this.public.listen(port, HOST, () => { this.public.off('error', reject); resolve(); });
    });
    this.port = this.public.address().port;
    await new Promise((resolve, reject) => {
      this.control.once('error', reject);
      this.control.listen(controlPort, HOST, () => { this.control.off('error', reject); resolve(); });
    });
    this.controlPort = this.control.address().port;
    this.url = `http://${HOST}:${this.port}`;
    this.controlUrl = `http://${HOST}:${this.controlPort}`;
  }

  setTarget(port) { this.targetPort = port; }

  // ---------------------------------------------------------------- faults API

  addFault(spec) {
    const fault = normalizeFault(spec, this.defaultPath);
    if (fault.mode === 'down') {
      this.#goDown();
      return fault;
    }
    this.faults.set(fault.path, fault);
    log('fault', fault);
    return fault;
  }

  async reset() {
    this.faults.clear();
    if (this.isDown && !this.closed) {
      await this.downClosed;
      await new Promise((resolve, reject) => {
        this.public.once('error', reject);
        this.public.listen(this.port, HOST, () => { this.public.off('error', reject); resolve(); });
      });
      this.isDown = false;
      log('public port re-opened', this.port);
    }
  }

  getCounts() { return { ...this.counts }; }

  resetCounts() { this.counts = Object.create(null); }

  /** Every secret value seen so far (unique, in the order seen). */
  getSecrets() { return this.secretList.map((s) => s.value); }

  /** The same with where each came from: [{kind, value, path}]. */
  getSecretDetails() { return this.secretList.map((s) => ({ ...s })); }

  resetSecrets() {
    this.secretList = [];
    this.secretValues = new Set();
  }

  #recordSecret(kind, value, path) {
    if (typeof value !== 'string' || value === '' || this.secretValues.has(value)) return;
    this.secretValues.add(value);
    this.secretList.push({ kind, value, path });
  }

  /** Form-encoded request bodies (token and revocation requests). */
  #scanRequest(path, headers, body) {
    const type = String(headers['content-type'] || '').toLowerCase();
    if (!type.startsWith('application/x-www-form-urlencoded') || body.length === 0) return;
    const form = new URLSearchParams(body.toString('utf8'));
    for (const field of REQUEST_SECRET_FIELDS) {
      for (const value of form.getAll(field)) this.#recordSecret(field, value, path);
    }
  }

  /** Upstream answers: redirect Locations (authorization codes) and JSON token answers. */
  #scanAnswer(path, headers, body) {
    const location = headers.location;
    if (typeof location === 'string') {
      const q = location.indexOf('?');
      if (q !== -1) {
        const query = new URLSearchParams(location.slice(q + 1).split('#')[0]);
        for (const value of query.getAll('code')) this.#recordSecret('code', value, path);
      }
    }
    const type = String(headers['content-type'] || '').toLowerCase();
    if (!type.includes('json') || body.length === 0) return;
    let raw = body;
    try {
      const encoding = String(headers['content-encoding'] || '').toLowerCase();
      if (encoding === 'gzip') raw = zlib.gunzipSync(body);
      else if (encoding === 'deflate') raw = zlib.inflateSync(body);
      else if (encoding === 'br') raw = zlib.brotliDecompressSync(body);
      const json = JSON.parse(raw.toString('utf8'));
      if (json && typeof json === 'object' && !Array.isArray(json)) {
        for (const field of ANSWER_SECRET_FIELDS) this.#recordSecret(field, json[field], path);
      }
    } catch (err) {
      log('could not scan an answer for secrets', err.message);
    }
  }

  listFaults() {
    return [...this.faults.values()].map((f) => ({ ...f, times: f.times === Infinity ? null : f.times }));
  }

  #goDown() {
    if (this.isDown) return;
    this.isDown = true;
    this.downClosed = new Promise((resolve) => this.public.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    log('public port closed (down)', this.port);
  }

  async close() {
    this.closed = true;
    const closing = [];
    if (!this.isDown) closing.push(new Promise((r) => this.public.close(() => r())));
    else closing.push(this.downClosed);
    closing.push(new Promise((r) => this.control.close(() => r())));
    for (const s of this.sockets) s.destroy();
    this.control.closeAllConnections?.();
    this.agent.destroy();
    await Promise.all(closing);
  }

  // ---------------------------------------------------------------- data path

  #onRequest(req, res) {
    const path = new URL(req.url, 'http://x').pathname;
    this.counts[path] = (this.counts[path] || 0) + 1;

    const fault = this.faults.get(path);
    if (fault) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.delete(path);
      log('applying', fault.mode, 'to', req.method, req.url);
      if (fault.mode === 'delay') {
        // Forwarded as usual, only later: the provider answers (and rotates) after `ms`.
        setTimeout(() => this.#forward(req, res), Number(fault.ms ?? 1000));
        return;
      }
      this.#applyFault(fault, req, res).catch((err) => {
        log('fault error', err);
        req.socket.destroy();
      });
      return;
    }
    this.#forward(req, res);
  }

  async #applyFault(fault, req, res) {
    switch (fault.mode) {
      case 'hang':
        // Keep the socket open and never answer; close() destroys it.
        req.resume();
        return;
      case 'reset':
        if (typeof req.socket.resetAndDestroy === 'function') req.socket.resetAndDestroy();
        else req.socket.destroy();
        return;
      default:
        break;
    }

    // Read the request like a real server would before answering.
    await readBody(req).catch(() => {});

    const extra = {};
    if (fault.retryAfter !== undefined) extra['retry-after'] = String(fault.retryAfter);

    switch (fault.mode) {
      case 'status':
        if (fault.body === 'json') {
          sendJson(res, fault.status, { error: 'server_error' }, extra);
        } else if (fault.body === 'html') {
          send(res, fault.status, { 'content-type': 'text/html; charset=utf-8', ...extra }, htmlErrorPage(fault.status));
        } else {
          send(res, fault.status, extra);
        }
        return;
      case 'malformed':
        send(res, 200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra },
          '{"access_token":"eyJhbGciOi","token_type":"Bearer","expires_in":36');
        return;
      case 'no_access_token':
        sendJson(res, 200, { token_type: 'Bearer', expires_in: 3600 }, extra);
        return;
      case 'oauth_error': {
        const body = { error: fault.error };
        if (fault.error_description !== undefined) body.error_description = String(fault.error_description);
        if (fault.status === 401) extra['www-authenticate'] = 'Basic realm="fault-proxy"';
        sendJson(res, fault.status, body, extra);
        return;
      }
      case 'html200':
        send(res, 200, { 'content-type': 'text/html; charset=utf-8', ...extra },
          '<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>Welcome to the network</h1>'
          + '<p>Please sign in to continue browsing.</p></body></html>\n');
        return;
      default:
        throw new Error(`unhandled mode ${fault.mode}`);
    }
  }

  #forward(req, res) {
    const path = new URL(req.url, 'http://x').pathname;
    const request = capture(req);
    req.on('end', () => this.#scanRequest(path, req.headers, request()));
    if (!this.targetPort) {
      sendJson(res, 502, { error: 'server_error', error_description: 'proxy has no target' });
      return;
    }
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(k)) headers[k] = v;
    }
    const upstream = http.request({
      host: HOST,
      port: this.targetPort,
      method: req.method,
      path: req.url,
      headers, // includes the original Host header
      agent: this.agent,
    }, (up) => {
      const raw = [];
      for (let i = 0; i < up.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has(up.rawHeaders[i].toLowerCase())) raw.push(up.rawHeaders[i], up.rawHeaders[i + 1]);
      }
      res.writeHead(up.statusCode, up.statusMessage, raw);
      const answer = capture(up);
      up.on('end', () => this.#scanAnswer(path, up.headers, answer()));
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    // The client went away before the answer was complete: drop the upstream exchange too.
    res.on('close', () => { if (!res.writableFinished) upstream.destroy(); });
    upstream.on('error', (err) => {
      // Unexpected unless the client left first: say so, so a 502 in a test log has a cause.
      if (!res.destroyed) console.error('[fault-proxy] upstream error:', err.message, req.method, req.url);
      else log('upstream error after the client left', err.message);
      if (!res.headersSent) sendJson(res, 502, { error: 'server_error', error_description: 'upstream unavailable' });
      else res.destroy();
    });
    req.pipe(upstream);
  }

  // ---------------------------------------------------------------- control API

  async #onControl(req, res) {
    const { pathname } = new URL(req.url, 'http://x');
    const route = `${req.method} ${pathname}`;
    switch (route) {
      case 'POST /fault': {
        const raw = (await readBody(req)).toString('utf8');
        let spec;
        try {
          spec = raw ? JSON.parse(raw) : {};
        } catch {
          sendJson(res, 400, { error: 'invalid JSON body' });
          return;
        }
        let fault;
        try {
          fault = this.addFault(spec);
        } catch (err) {
          sendJson(res, 400, { error: err.message });
          return;
        }
        sendJson(res, 200, { ok: true, fault: { ...fault, times: fault.times === Infinity ? null : fault.times } });
        return;
      }
      case 'POST /reset':
        await readBody(req);
        await this.reset();
        sendJson(res, 200, { ok: true });
        return;
      case 'GET /faults':
        sendJson(res, 200, this.listFaults());
        return;
      case 'GET /counts':
        sendJson(res, 200, this.getCounts());
        return;
      case 'POST /counts/reset':
        await readBody(req);
        this.resetCounts();
        sendJson(res, 200, { ok: true });
        return;
      case 'GET /secrets': {
        const detail = new URL(req.url, 'http://x').searchParams.get('detail');
        sendJson(res, 200, detail && detail !== '0' ? this.getSecretDetails() : this.getSecrets());
        return;
      }
      case 'POST /secrets/reset':
        await readBody(req);
        this.resetSecrets();
        sendJson(res, 200, { ok: true });
        return;
      default:
        sendJson(res, 404, { error: `no route ${route}` });
    }
  }
}
