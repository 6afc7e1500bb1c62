import { describe, expect, it } from 'vitest';
import {
  activityWords,
  attentionCount,
  autoRefreshHint,
  filterAccounts,
  statusAt,
  statusWords,
  tokenShapeWords,
  whoIs,
} from '../src/logic/accounts';
import { account, iso, NOW } from './fakeIpc';

describe('statusAt mirrors the Rust rules', () => {
  it('needs_reconnect wins over time', () => {
    expect(statusAt({ status: 'needs_reconnect', expires_at: iso(3600) }, NOW)).toBe('needs_reconnect');
  });
  it('unknown expiry is valid', () => {
    expect(statusAt({ status: 'valid', expires_at: null }, NOW)).toBe('valid');
  });
  it('expired at or after the expiry time', () => {
    expect(statusAt({ status: 'valid', expires_at: iso(0) }, NOW)).toBe('expired');
    expect(statusAt({ status: 'valid', expires_at: iso(-1) }, NOW)).toBe('expired');
  });
  it('expiring with less than five minutes left', () => {
    expect(statusAt({ status: 'valid', expires_at: iso(299) }, NOW)).toBe('expiring');
    expect(statusAt({ status: 'valid', expires_at: iso(300) }, NOW)).toBe('valid');
  });
  it('is computed from time, not from the status Rust computed earlier', () => {
    expect(statusAt({ status: 'valid', expires_at: iso(-5) }, NOW)).toBe('expired');
    expect(statusAt({ status: 'expired', expires_at: iso(3600) }, NOW)).toBe('valid');
  });
  it('flips live as time passes', () => {
    const a = { status: 'valid' as const, expires_at: iso(301) };
    expect(statusAt(a, NOW)).toBe('valid');
    expect(statusAt(a, NOW + 2000)).toBe('expiring');
    expect(statusAt(a, NOW + 301_000)).toBe('expired');
  });
});

describe('statusWords', () => {
  it('plain words', () => {
    expect(statusWords({ status: 'valid', expires_at: iso(3600) }, NOW)).toBe('Connected');
    expect(statusWords({ status: 'valid', expires_at: null }, NOW)).toBe('Connected');
    expect(statusWords({ status: 'valid', expires_at: iso(-3) }, NOW)).toBe('Expired');
    expect(statusWords({ status: 'needs_reconnect', expires_at: iso(-3) }, NOW)).toBe('Reconnect needed');
  });
  it('live minutes when expiring', () => {
    expect(statusWords({ status: 'valid', expires_at: iso(299) }, NOW)).toBe('Expires in 4 min');
    expect(statusWords({ status: 'valid', expires_at: iso(240) }, NOW)).toBe('Expires in 4 min');
    expect(statusWords({ status: 'valid', expires_at: iso(239) }, NOW)).toBe('Expires in 3 min');
    expect(statusWords({ status: 'valid', expires_at: iso(42) }, NOW)).toBe('Expires in 42 s');
  });
});

describe('whoIs', () => {
  it('prefers the email, else the display name', () => {
    expect(whoIs({ email: 'a@example.com', display_name: 'Alice' })).toBe('a@example.com');
    expect(whoIs({ email: null, display_name: 'Alice' })).toBe('Alice');
    expect(whoIs({ email: '  ', display_name: 'Alice' })).toBe('Alice');
  });
});

describe('filterAccounts', () => {
  const list = [
    account({ email: 'alice@example.com', provider: 'google', provider_label: 'Google' }),
    account({ email: 'bob@corp.test', provider: 'entra', provider_label: 'Microsoft' }),
    account({ email: null, display_name: 'Carol', provider: 'github', provider_label: 'GitHub' }),
  ];
  it('matches email, name and provider, case-insensitively', () => {
    expect(filterAccounts(list, 'ALICE').map((a) => a.email)).toEqual(['alice@example.com']);
    expect(filterAccounts(list, 'microsoft').map((a) => a.email)).toEqual(['bob@corp.test']);
    expect(filterAccounts(list, 'entra').map((a) => a.email)).toEqual(['bob@corp.test']);
    expect(filterAccounts(list, 'carol').map((a) => a.display_name)).toEqual(['Carol']);
  });
  it('needs every word', () => {
    expect(filterAccounts(list, 'google alice')).toHaveLength(1);
    expect(filterAccounts(list, 'google bob')).toHaveLength(0);
  });
  it('empty query keeps all', () => {
    expect(filterAccounts(list, '   ')).toHaveLength(3);
  });
});

describe('attention and auto-refresh hints', () => {
  it('counts accounts that need someone', () => {
    const list = [
      account({ status: 'needs_reconnect' }),
      account({ expires_at: iso(-10), has_refresh_token: false }),
      account({ expires_at: iso(-10), has_refresh_token: true }),
      account(),
    ];
    expect(attentionCount(list, NOW)).toBe(2);
  });
  it('says when auto-refresh runs', () => {
    expect(autoRefreshHint(account({ auto_refresh: false }), NOW)).toBe('Off');
    expect(autoRefreshHint(account({ auto_refresh_at: iso(3300) }), NOW)).toBe('Next in 55 min');
    expect(autoRefreshHint(account({ auto_refresh_at: iso(-1) }), NOW)).toBe('Due now');
    expect(autoRefreshHint(account({ status: 'needs_reconnect' }), NOW)).toBe('Paused until you reconnect');
    expect(autoRefreshHint(account({ has_refresh_token: false, auto_refresh_at: null }), NOW)).toBe('Not possible: no refresh token');
    expect(autoRefreshHint(account({ expires_at: null, auto_refresh_at: null }), NOW)).toBe('On (expiry unknown)');
  });
});

describe('words for activity and token shapes', () => {
  it('activity in plain words', () => {
    expect(activityWords({ kind: 'connected', detail: null })).toBe('Connected');
    expect(activityWords({ kind: 'connected', detail: 'Connected' })).toBe('Connected');
    expect(activityWords({ kind: 'connected', detail: 'Connected again' })).toBe('Connected again');
    expect(activityWords({ kind: 'refreshed', detail: 'by the CLI' })).toBe('Refreshed — by the CLI');
    expect(activityWords({ kind: 'refresh_failed', detail: 'The provider did not answer.' })).toBe(
      'Refresh failed: The provider did not answer.',
    );
    expect(activityWords({ kind: 'copied', detail: null })).toBe('Token copied');
    expect(activityWords({ kind: 'handed_out', detail: 'Token on the clipboard in AuthDeck', program: 'AuthDeck' })).toBe('Token on the clipboard in AuthDeck');
    expect(activityWords({ kind: 'handed_out', detail: null, program: 'git' })).toBe('Token handed to git');
    expect(activityWords({ kind: 'handed_out', detail: null })).toBe('Token handed out');
    expect(activityWords({ kind: 'revealed', detail: 'Shown in the window' })).toBe('Token revealed — Shown in the window');
    expect(activityWords({ kind: 'auto_refresh_on', detail: null })).toBe('Auto-refresh turned on');
    expect(activityWords({ kind: 'auto_refresh_off', detail: null })).toBe('Auto-refresh turned off');
    expect(activityWords({ kind: 'disconnected', detail: null })).toBe('Disconnected');
    expect(activityWords({ kind: 'revoke_failed', detail: 'Timed out.' })).toBe('Sign-out at the provider failed: Timed out.');
    expect(activityWords({ kind: 'needs_reconnect', detail: null })).toBe('Sign-in ended, reconnect needed');
  });
  it('unknown kinds still read', () => {
    expect(activityWords({ kind: 'something_new' as never, detail: null })).toBe('something new');
  });
  it('token shapes never need the value', () => {
    expect(tokenShapeWords({ format: 'opaque', length: 43, header: null, claims: null })).toBe(
      'Opaque token (43 characters) — its contents can only be read by the provider',
    );
    expect(tokenShapeWords({ format: 'jwt', length: 812, header: {}, claims: {} })).toBe('JSON Web Token (812 characters)');
  });
});
