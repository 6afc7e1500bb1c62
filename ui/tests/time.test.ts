import { describe, expect, it } from 'vitest';
import {
  absoluteTime,
  changesIn,
  countdownText,
  durationWords,
  parseTime,
  relativeTime,
  secondsUntil,
  shortTime,
  whenText,
} from '../src/logic/time';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const at = (s: number) => new Date(NOW + s * 1000).toISOString();

describe('parseTime', () => {
  it('reads chrono RFC 3339 with nanoseconds', () => {
    expect(parseTime('2026-11-25T12:00:00.123456789Z')).toBe(NOW + 123);
  });
  it('reads offsets and plain seconds', () => {
    expect(parseTime('2026-11-25T13:00:00+01:00')).toBe(NOW);
    expect(parseTime('2026-11-25T07:30:00-04:30')).toBe(NOW);
    expect(parseTime('2026-11-25T12:00:00Z')).toBe(NOW);
    expect(parseTime('2026-11-25T12:00Z')).toBe(NOW);
  });
  it('gives null for missing or unreadable values', () => {
    expect(parseTime(null)).toBeNull();
    expect(parseTime(undefined)).toBeNull();
    expect(parseTime('')).toBeNull();
    expect(parseTime('soon')).toBeNull();
  });
});

describe('durations', () => {
  it('words like the CLI', () => {
    expect(durationWords(0)).toBe('0 s');
    expect(durationWords(59)).toBe('59 s');
    expect(durationWords(60)).toBe('1 min');
    expect(durationWords(299)).toBe('4 min');
    expect(durationWords(3600)).toBe('1 h');
    expect(durationWords(3900)).toBe('1 h 5 min');
    expect(durationWords(-7200)).toBe('2 h');
    expect(durationWords(172_800)).toBe('2 days');
  });
  it('secondsUntil rounds towards the past', () => {
    expect(secondsUntil(NOW + 1500, NOW)).toBe(1);
    expect(secondsUntil(NOW - 1500, NOW)).toBe(-2);
  });
});

describe('relativeTime', () => {
  it('future and past', () => {
    expect(relativeTime(NOW + 240_000, NOW)).toBe('in 4 min');
    expect(relativeTime(NOW - 7_200_000, NOW)).toBe('2 h ago');
    expect(relativeTime(NOW - 130_000, NOW)).toBe('2 min ago');
    expect(relativeTime(NOW + 3 * 86_400_000, NOW)).toBe('in 3 days');
  });
  it('just now around zero', () => {
    expect(relativeTime(NOW, NOW)).toBe('just now');
    expect(relativeTime(NOW - 400, NOW)).toBe('just now');
  });
});

describe('countdownText', () => {
  it('counts down with seconds only under a minute', () => {
    expect(countdownText(at(3552), NOW)).toBe('Expires in 59 min');
    expect(countdownText(at(3909), NOW)).toBe('Expires in 1 h 5 min');
    expect(countdownText(at(240), NOW)).toBe('Expires in 4 min');
    expect(countdownText(at(59), NOW)).toBe('Expires in 59 s');
    expect(countdownText(at(1), NOW)).toBe('Expires in 1 s');
    expect(countdownText(new Date(NOW + 300).toISOString(), NOW)).toBe('Expires in 1 s');
  });
  it('switches to days far out', () => {
    expect(countdownText(at(5 * 86_400), NOW)).toBe('Expires in 5 days');
  });
  it('says how long ago it expired', () => {
    expect(countdownText(at(0), NOW)).toBe('Expired just now');
    expect(countdownText(at(-12), NOW)).toBe('Expired 12 s ago');
    expect(countdownText(at(-120), NOW)).toBe('Expired 2 min ago');
    expect(countdownText(at(-3 * 3600), NOW)).toBe('Expired 3 h ago');
  });
  it('unknown expiry', () => {
    expect(countdownText(null, NOW)).toBe('Expiry unknown');
  });
});

describe('changesIn', () => {
  // Every wording of a time that the window keeps up to date.
  const texts = (value: string, now: number) => {
    const t = parseTime(value)!;
    return [countdownText(value, now), relativeTime(t, now)].join(' | ');
  };

  it('never lets a shown time go stale, and wakes when it really changes', () => {
    for (const offset of [-7200, -130, -61, -60, -59.5, -1.2, -0.5, 0, 0.4, 1, 59.9, 60, 60.5, 61, 299.5, 300, 3552.3, 3909, 172_800.5, 5 * 86_400]) {
      const value = at(offset);
      for (let now = NOW; now < NOW + 125_000; now += 1999) {
        const wait = changesIn(value, now);
        expect(wait).toBeGreaterThan(0);
        const shown = texts(value, now);
        // Unchanged until the wake-up (checked every 211 ms and just before it)...
        for (let t = now; t < now + wait; t += 211) expect(texts(value, t)).toBe(shown);
        expect(texts(value, now + wait - 1)).toBe(shown);
        // ...and at the wake-up it reads differently, unless it is the safety-net minute
        // (or days are shown, which the window looks at once a minute too).
        if (wait < 60_000 && Math.abs(offset) < 172_000) expect(texts(value, now + wait)).not.toBe(shown);
      }
    }
  });

  it('sleeps a minute above a minute, under a second below it', () => {
    expect(changesIn(at(3552.5), NOW)).toBe(12_501);
    expect(changesIn(at(30.25), NOW)).toBe(251);
    expect(changesIn(at(-30.25), NOW)).toBe(750);
    expect(changesIn(at(-3600), NOW)).toBe(60_000);
    expect(changesIn(null, NOW)).toBe(60_000);
  });
});

describe('absolute times', () => {
  const opts = { locale: 'en-GB', timeZone: 'UTC' };
  it('formats in the given locale and zone', () => {
    expect(absoluteTime(NOW, opts)).toBe('25 Nov 2026, 12:00:00');
  });
  it('shortTime omits the date today', () => {
    expect(shortTime(NOW + 60_000, NOW, opts)).toBe('12:01');
    expect(shortTime(NOW + 86_400_000, NOW, opts)).toBe('26 Nov, 12:00');
  });
  it('whenText combines absolute and relative, with a fallback', () => {
    expect(whenText(at(240), NOW, 'Unknown', opts)).toBe('25 Nov 2026, 12:04:00 (in 4 min)');
    expect(whenText(null, NOW, 'Never', opts)).toBe('Never');
  });
});
