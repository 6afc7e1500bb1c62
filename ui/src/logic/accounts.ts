/** Account status, ordering, filtering and wording. Pure: `now` is passed in (ms). */
import type { AccountView, ActivityEntry, RemoteMethod, Status, TokenShape } from '../ipc';
import { EXPIRING_WITHIN_SECONDS, PRIMARY_ACTIONS, STATUS_WORDS } from '../rules';
import { durationWords, parseTime, relativeTime, secondsUntil } from './time';

/** Less than this much time left counts as "expiring" (the Rust rule, from the bindings). */
export const EXPIRING_WITHIN_MS = EXPIRING_WITHIN_SECONDS * 1000;

/*
 * The order of the list is Rust's (`list_accounts` answers most urgent first); the window
 * keeps it rather than sorting again by a copy of the rule.
 */

/**
 * The status of an account at `now`, by the same rules as the Rust core, so a badge flips
 * live without asking Rust: the provider-ended sign-in comes from Rust, the rest from time.
 */
export function statusAt(account: Pick<AccountView, 'status' | 'expires_at'>, now: number): Status {
  if (account.status === 'needs_reconnect') return 'needs_reconnect';
  const at = parseTime(account.expires_at);
  if (at === null) return 'valid';
  if (at <= now) return 'expired';
  if (at - now < EXPIRING_WITHIN_MS) return 'expiring';
  return 'valid';
}

/** The badge: "Connected", "Expires in 4 min", "Expired", "Reconnect needed". */
export function statusWords(account: Pick<AccountView, 'status' | 'expires_at'>, now: number): string {
  const status = statusAt(account, now);
  if (status !== 'expiring') return STATUS_WORDS[status];
  const at = parseTime(account.expires_at) ?? now;
  return `${STATUS_WORDS.expiring} in ${durationWords(secondsUntil(at, now))}`;
}

/**
 * What the row offers first at `now`: Reconnect when the sign-in ended, or when it expired
 * with no refresh token to renew it (the Rust rule, `PRIMARY_ACTIONS`); Refresh otherwise.
 */
export function primaryAction(account: Pick<AccountView, 'status' | 'expires_at' | 'has_refresh_token'>, now: number): 'refresh' | 'reconnect' {
  const byStatus = account.has_refresh_token ? PRIMARY_ACTIONS.with_refresh_token : PRIMARY_ACTIONS.without_refresh_token;
  return byStatus[statusAt(account, now)];
}

/** Who an account is, in the row: the email, else the display name. */
export function whoIs(account: Pick<AccountView, 'email' | 'display_name'>): string {
  const email = account.email?.trim();
  return email !== undefined && email !== '' ? email : account.display_name;
}

/** The filter box appears once there are more than this many accounts. */
export const FILTER_THRESHOLD = 5;

/**
 * Accounts matching every word of `query` in their email, name or provider (case-insensitive).
 * An empty query matches everything.
 */
export function filterAccounts(accounts: readonly AccountView[], query: string): AccountView[] {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return [...accounts];
  return accounts.filter((a) => {
    const haystack = [a.email ?? '', a.display_name, a.provider_label, a.provider]
      .join('\n')
      .toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

/** How many accounts need someone to act (reconnect, or expired without a way back). */
export function attentionCount(accounts: readonly AccountView[], now: number): number {
  return accounts.filter((a) => primaryAction(a, now) === 'reconnect').length;
}

/**
 * Milliseconds until `statusAt` can change for an account by time alone (it turns expiring,
 * then expired), or `Infinity` when it cannot. The list's attention count is kept by this for
 * rows out of view too.
 */
export function statusChangesIn(account: Pick<AccountView, 'status' | 'expires_at'>, now: number): number {
  const at = parseTime(account.expires_at);
  if (account.status === 'needs_reconnect' || at === null || at <= now) return Infinity;
  const expiring = at - EXPIRING_WITHIN_MS;
  return expiring >= now ? expiring - now + 1 : at - now;
}

/** The small text under the Auto-refresh switch. */
export function autoRefreshHint(account: AccountView, now: number): string {
  if (!account.auto_refresh) return 'Off';
  if (statusAt(account, now) === 'needs_reconnect') return 'Paused until you reconnect';
  if (!account.has_refresh_token) return 'Not possible: no refresh token';
  const at = parseTime(account.auto_refresh_at);
  if (at !== null) return at <= now ? 'Due now' : `Next ${relativeTime(at, now)}`;
  if (parseTime(account.expires_at) === null) return 'On (expiry unknown)';
  return 'On';
}

/** An activity entry in plain words. */
export function activityWords(entry: Pick<ActivityEntry, 'kind' | 'detail'> & Partial<Pick<ActivityEntry, 'program'>>): string {
  const detail = entry.detail?.trim() ?? '';
  const withDetail = (label: string, sep = ' — ') => {
    if (detail === '') return label;
    // Details like "Connected again" already say it all.
    if (detail.toLowerCase().startsWith(label.toLowerCase())) return detail;
    return `${label}${sep}${detail}`;
  };
  switch (entry.kind) {
    case 'connected':
      return withDetail('Connected');
    case 'refreshed':
      return withDetail('Refreshed');
    case 'refresh_failed':
      return withDetail('Refresh failed', ': ');
    case 'needs_reconnect':
      return withDetail('Sign-in ended, reconnect needed', ': ');
    case 'copied':
      return withDetail('Token copied');
    case 'revealed':
      return withDetail('Token revealed');
    case 'auto_refresh_on':
      return withDetail('Auto-refresh turned on');
    case 'auto_refresh_off':
      return withDetail('Auto-refresh turned off');
    case 'disconnected':
      return withDetail('Disconnected');
    case 'revoke_failed':
      return withDetail('Sign-out at the provider failed', ': ');
    case 'handed_out':
      // The core words it ("Token handed to curl by authdeck exec"); older entries may not.
      if (detail !== '') return detail;
      return entry.program ? `Token handed to ${entry.program}` : 'Token handed out';
    default: {
      // A kind added on the Rust side after this UI was built.
      const kind: string = entry.kind;
      return withDetail(kind.replace(/_/g, ' '));
    }
  }
}

/** How "Check with provider" asked, in plain words. */
export function remoteMethodWords(method: RemoteMethod): string {
  switch (method) {
    case 'introspection':
      return 'Token introspection (RFC 7662)';
    case 'userinfo':
      return 'User information endpoint';
    case 'tokeninfo':
      return "Google's token information endpoint";
    default: {
      const other: string = method;
      return other;
    }
  }
}

/** The line under a "Reconnect needed" badge: why the sign-in must be renewed. */
export function reconnectReason(account: Pick<AccountView, 'provider_rejected_at'>): string {
  return account.provider_rejected_at !== null ? STATUS_WORDS.provider_rejected : 'Sign-in ended';
}

/** One line about a token's shape, never its value. */
export function tokenShapeWords(shape: TokenShape): string {
  const chars = `${shape.length} character${shape.length === 1 ? '' : 's'}`;
  if (shape.format === 'jwt') return `JSON Web Token (${chars})`;
  return `Opaque token (${chars}) — its contents can only be read by the provider`;
}

/** Claims that hold Unix times, shown with a readable date next to the JSON. */
export const TIME_CLAIMS = ['exp', 'iat', 'nbf', 'auth_time', 'updated_at'] as const;
