/** Time arithmetic and wording. Pure functions: `now` is always passed in (ms since epoch). */

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses an RFC 3339 time as Rust (chrono) writes it, with up to nanosecond precision.
 * Fractions are cut to milliseconds first: not every engine accepts more than three digits.
 * Returns ms since epoch, or null when it is missing or unreadable.
 */
export function parseTime(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const m = ISO.exec(value.trim());
  if (!m) {
    const fallback = Date.parse(value);
    return Number.isNaN(fallback) ? null : fallback;
  }
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone = 'Z'] = m;
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    t -= sign * offset * 60_000;
  }
  return Number.isNaN(t) ? null : t;
}

/** Whole seconds from `now` to `at` (negative in the past), rounded towards the past. */
export function secondsUntil(at: number, now: number): number {
  return Math.floor((at - now) / 1000);
}

/** "5 s", "4 min", "2 h 5 min", "3 days": a duration in words, as the CLI prints it. */
export function durationWords(seconds: number): string {
  const abs = Math.abs(Math.trunc(seconds));
  if (abs < 60) return `${abs} s`;
  if (abs < 3600) return `${Math.floor(abs / 60)} min`;
  if (abs < 172_800) {
    const h = Math.floor(abs / 3600);
    const min = Math.floor((abs % 3600) / 60);
    return min === 0 ? `${h} h` : `${h} h ${min} min`;
  }
  return `${Math.floor(abs / 86_400)} days`;
}

/** "in 4 min", "2 h 5 min ago", "just now". Whole seconds are cut towards `now`'s side. */
export function relativeTime(at: number, now: number): string {
  const secs = secondsUntil(at, now);
  if (secs === 0 || secs === -1) return 'just now';
  return secs > 0 ? `in ${durationWords(secs)}` : `${durationWords(Math.floor((now - at) / 1000))} ago`;
}

/**
 * The live countdown next to an account, at the resolution it is shown (seconds only under a
 * minute, so above that it changes once a minute): "Expires in 42 s", "Expires in 59 min",
 * "Expires in 1 h 5 min", "Expires in 3 days", "Expired just now", "Expired 2 min ago",
 * "Expiry unknown".
 */
export function countdownText(expiresAt: string | null, now: number): string {
  const at = parseTime(expiresAt);
  if (at === null) return 'Expiry unknown';
  if (at > now) return `Expires in ${durationWords(Math.max(1, secondsUntil(at, now)))}`;
  const ago = Math.floor((now - at) / 1000);
  return ago < 1 ? 'Expired just now' : `Expired ${durationWords(ago)} ago`;
}

/** The longest a shown time waits before it is looked at again (a safety net, not a tick). */
export const MAX_CHANGE_WAIT_MS = 60_000;

/**
 * Milliseconds until a time shown in words (the countdown, "in 4 min", "2 min ago") can next
 * read differently: within the second while it counts seconds (under a minute away), up to
 * the next whole minute above that. The window sleeps this long instead of waking every
 * second. Every wording here cuts whole seconds towards `now`'s side, so a time ahead changes
 * just after `left` passes a multiple of the unit, and a time behind when `ago` reaches one.
 */
export function changesIn(value: string | null, now: number): number {
  const at = parseTime(value);
  if (at === null) return MAX_CHANGE_WAIT_MS;
  const distance = Math.abs(at - now);
  const unit = distance < 60_000 ? 1000 : 60_000;
  // Ahead: just past the multiple; the last second ends exactly at the time itself.
  const ahead = distance < 1000 ? distance : (distance % unit) + 1;
  const wait = at > now ? ahead : unit - (distance % unit);
  return Math.min(wait, MAX_CHANGE_WAIT_MS);
}

export interface TimeFormatOptions {
  locale?: string | string[];
  timeZone?: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Intl formatters are costly to build; one per (options) is kept. */
function formatter(options: TimeFormatOptions, format: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify([options.locale ?? null, options.timeZone ?? null, format]);
  let f = formatters.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat(options.locale, { ...format, timeZone: options.timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** "25 Nov 2026, 14:32:10" in the person's locale and time zone. */
export function absoluteTime(at: number, options: TimeFormatOptions = {}): string {
  return formatter(options, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(at));
}

/** "14:32" (or "25 Nov, 14:32" when not today). */
export function shortTime(at: number, now: number, options: TimeFormatOptions = {}): string {
  const day = formatter({ locale: 'en-CA', timeZone: options.timeZone }, { dateStyle: 'short' });
  const sameDay = day.format(at) === day.format(now);
  return formatter(options, {
    ...(sameDay ? {} : { day: 'numeric', month: 'short' }),
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(at));
}

/** "25 Nov 2026, 14:32:10 (in 4 min)" for Details, or the fallback when unknown. */
export function whenText(
  value: string | null,
  now: number,
  fallback = 'Unknown',
  options: TimeFormatOptions = {},
): string {
  const at = parseTime(value);
  if (at === null) return fallback;
  return `${absoluteTime(at, options)} (${relativeTime(at, now)})`;
}
