/**
 * A stand-in for src/ipc.ts: every command of the generated bindings is a vi.fn (derived
 * from them, so a new command is here by itself), with sensible defaults, and every event
 * can be fired by the test. Use with
 *   vi.mock('../src/ipc', async () => (await import('./fakeIpc')).ipcModule);
 */
import { vi, type Mock } from 'vitest';
import { commands } from '../src/bindings';
import { IpcFailure, toFailure } from '../src/errors';
import type { Commands } from '../src/ipc';
import type {
  AccountDetails,
  AccountView,
  CallbackHandled,
  ClipboardCleared,
  LinksChecked,
  LoginFinished,
  LoginStarted,
  PresetView,
  ProviderOffered,
  ProviderView,
  RefreshState,
  RemoteCheck,
  ShowAccount,
} from '../src/ipc';

function emitter<T>() {
  const handlers = new Set<(payload: T) => void>();
  return {
    on(cb: (payload: T) => void) {
      handlers.add(cb);
      return () => {
        handlers.delete(cb);
      };
    },
    emit(payload: T) {
      for (const h of [...handlers]) h(payload);
    },
    get listeners() {
      return handlers.size;
    },
  };
}

export const fire = {
  accountsChanged: emitter<undefined>(),
  callbackHandled: emitter<CallbackHandled>(),
  clipboardCleared: emitter<ClipboardCleared>(),
  linksChecked: emitter<LinksChecked>(),
  loginFinished: emitter<LoginFinished>(),
  providerOffered: emitter<ProviderOffered>(),
  refreshState: emitter<RefreshState>(),
  showAccount: emitter<ShowAccount>(),
};

type FakeCommands = { [K in keyof Commands]: Mock<Commands[K]> };

const fakeCommands = Object.fromEntries(Object.keys(commands).map((name) => [name, vi.fn()])) as unknown as FakeCommands;

export const ipc = {
  ...fakeCommands,
  IpcFailure,
  toFailure,
  onAccountsChanged: (cb: () => void) => fire.accountsChanged.on(() => { cb(); }),
  onCallbackHandled: (cb: (p: CallbackHandled) => void) => fire.callbackHandled.on(cb),
  onClipboardCleared: (cb: (p: ClipboardCleared) => void) => fire.clipboardCleared.on(cb),
  onLinksChecked: (cb: (p: LinksChecked) => void) => fire.linksChecked.on(cb),
  onLoginFinished: (cb: (p: LoginFinished) => void) => fire.loginFinished.on(cb),
  onProviderOffered: (cb: (p: ProviderOffered) => void) => fire.providerOffered.on(cb),
  onRefreshState: (cb: (p: RefreshState) => void) => fire.refreshState.on(cb),
  onShowAccount: (cb: (p: ShowAccount) => void) => fire.showAccount.on(cb),
};

/** What `vi.mock('../src/ipc', …)` should return: the module's runtime exports. */
export const ipcModule = { ipc, IpcFailure, toFailure };

export const NOW = Date.parse('2026-11-25T12:00:00Z');

export function iso(offsetSeconds: number, base = NOW): string {
  return new Date(base + offsetSeconds * 1000).toISOString();
}

/** What the core's access_words says for the scopes these fakes use. */
const SCOPE_WORDS: Record<string, string> = {
  openid: 'Know who you are',
  email: 'Your email address',
  profile: 'Your name and picture',
  offline_access: 'Stay signed in',
  read_user: 'Your profile information',
};

let n = 0;
export function account(overrides: Partial<AccountView> = {}): AccountView {
  n += 1;
  const email = overrides.email === undefined ? `user${n}@example.com` : overrides.email;
  return {
    id: `acct-${n}`,
    provider: 'google',
    provider_label: 'Google',
    preset: 'google',
    subject: `sub-${n}`,
    email,
    display_name: email ?? `User ${n}`,
    initials: 'U',
    scopes: ['openid', 'email', 'profile'],
    // What the core's access_words says for these scopes.
    access: ['Know who you are', 'Your email address', 'Your name and picture'],
    status: 'valid',
    primary_action: 'refresh',
    expires_at: iso(3600),
    issued_at: iso(-60),
    has_refresh_token: true,
    refresh_expires_at: null,
    last_refreshed_at: null,
    last_error: null,
    auto_refresh: true,
    auto_refresh_at: iso(3300),
    provider_rejected_at: null,
    ...overrides,
  };
}

export const PRESETS: PresetView[] = [
  { id: 'google', label: 'Google', needs_issuer: false, default_scopes: ['openid', 'email', 'profile'], access: ['Know who you are', 'Your email address', 'Your name and picture'], redirect_uri: 'http://127.0.0.1/callback' },
  { id: 'microsoft', label: 'Microsoft', needs_issuer: false, default_scopes: ['openid', 'email', 'profile', 'offline_access'], access: ['Know who you are', 'Your email address', 'Your name and picture', 'Stay signed in'], redirect_uri: 'http://127.0.0.1/callback' },
  { id: 'github', label: 'GitHub', needs_issuer: false, default_scopes: ['read:user', 'user:email'], access: ['Your profile information', 'Your email addresses'], redirect_uri: 'http://127.0.0.1/callback' },
  { id: 'gitlab', label: 'GitLab', needs_issuer: false, default_scopes: ['openid', 'email', 'profile'], access: ['Know who you are', 'Your email address', 'Your name and picture'], redirect_uri: 'dev.authdeck.app:/oauth/callback' },
  { id: 'oidc', label: 'OpenID Connect', needs_issuer: true, default_scopes: ['openid', 'email', 'profile', 'offline_access'], access: ['Know who you are', 'Your email address', 'Your name and picture', 'Stay signed in'], redirect_uri: 'dev.authdeck.app:/oauth/callback' },
];

export const DEMO_PROVIDER: ProviderView = {
  name: 'demo',
  label: 'Local demo provider',
  kind: 'oidc',
  preset: null,
  issuer: 'http://127.0.0.1:4000',
  endpoints: null,
  authorization_endpoint: null,
  client_id: 'authdeck',
  client_secret: { from: 'none' },
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  access: ['Know who you are', 'Your email address', 'Your name and picture', 'Stay signed in'],
  redirect: { kind: 'deep_link', uri: 'dev.authdeck.app:/oauth/callback' },
  redirect_uri: 'dev.authdeck.app:/oauth/callback',
  device_authorization: null,
  device_sign_in: true,
  code_first: false,
};

export function started(handle = 'h-1', browserError: string | null = null): LoginStarted {
  return {
    ticket: {
      handle,
      authorization_url: 'http://127.0.0.1:4000/auth?client_id=authdeck&state=abc',
      redirect_uri: 'dev.authdeck.app:/oauth/callback',
      expires_at: iso(600),
    },
    browser_error: browserError,
  };
}

export function details(a: AccountView, overrides: Partial<AccountDetails['inspection']> = {}): AccountDetails {
  return {
    inspection: {
      account: a,
      token_type: 'Bearer',
      issued_at: a.issued_at,
      expires_at: a.expires_at,
      expires_in_seconds: 3600,
      scopes: a.scopes,
      scope_words: a.scopes.map((scope) => ({ scope, words: SCOPE_WORDS[scope] ?? `Other access: ${scope}`, known: scope in SCOPE_WORDS })),
      has_refresh_token: a.has_refresh_token,
      access_token: {
        format: 'jwt',
        length: 812,
        header: { alg: 'RS256', typ: 'at+jwt', kid: 'key-1' },
        claims: { sub: a.subject, aud: 'authdeck', exp: Math.floor(NOW / 1000) + 3600, scope: 'openid email' },
      },
      id_token: { format: 'opaque', length: 43, header: null, claims: null },
      last_refreshed_at: null,
      last_error: null,
      last_error_at: null,
      connected_at: iso(-86_400),
      endpoints: {
        issuer: 'https://accounts.google.com',
        authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
        token_endpoint: 'https://oauth2.googleapis.com/token',
        revocation_endpoint: 'https://oauth2.googleapis.com/revoke',
        userinfo_endpoint: null,
        jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs',
        client_id: 'client-123.apps.googleusercontent.com',
      },
      ...overrides,
    },
    activity: [
      { at: iso(-10), kind: 'handed_out', detail: 'Token handed to curl by authdeck exec', hand_out: 'exec', program: 'curl' },
      { at: iso(-30), kind: 'refreshed', detail: null, hand_out: null, program: null },
      { at: iso(-3600), kind: 'refresh_failed', detail: 'accounts.google.com did not answer in time.', hand_out: null, program: null },
      { at: iso(-86_400), kind: 'connected', detail: null, hand_out: null, program: null },
    ],
  };
}

/** A "Check with provider" answer. */
export function remoteCheck(overrides: Partial<RemoteCheck> = {}): RemoteCheck {
  return {
    method: 'introspection',
    active: true,
    subject: 'sub-1',
    scopes: ['openid', 'email'],
    expires_at: iso(3000),
    client_id: 'authdeck',
    fallback_reason: null,
    checked_at: iso(0),
    summary: "Google still accepts this account's token.",
    ...overrides,
  };
}

/** Default answers: an empty list, a working keychain. */
export function resetIpc(): void {
  for (const value of Object.values(ipc)) {
    if (typeof value === 'function' && 'mockReset' in value) {
      (value as { mockReset: () => void }).mockReset();
    }
  }
  ipc.listAccounts.mockResolvedValue([]);
  ipc.appStatus.mockResolvedValue({ version: '0.1.0', data_dir: '/home/alice/.local/share/authdeck', keychain_available: true, keychain_message: null });
  ipc.uiReady.mockResolvedValue(undefined);
  ipc.backgroundSettings.mockResolvedValue({ keep_running_when_closed: true, start_at_login: false, tray_available: true });
  ipc.viewingAccount.mockResolvedValue(undefined);
  ipc.listPresets.mockResolvedValue(PRESETS);
  ipc.listProviders.mockResolvedValue([DEMO_PROVIDER]);
  ipc.cancelLogin.mockResolvedValue(null);
  ipc.reopenLogin.mockResolvedValue(null);
  ipc.providerOffer.mockResolvedValue(null);
  ipc.declineProviderOffer.mockResolvedValue(undefined);
  ipc.beginReveal.mockResolvedValue({ nonce: 'grant-1', expires_in_seconds: 20 });
  ipc.exportDiagnostics.mockResolvedValue('/home/alice/Downloads/authdeck-diagnostics-20261125-120000.json');
}
