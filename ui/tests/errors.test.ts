import { describe, expect, it } from 'vitest';
import { FALLBACK_MESSAGE, IpcFailure, toFailure } from '../src/errors';

describe('toFailure', () => {
  it('keeps IpcError shapes', () => {
    const f = toFailure({ kind: 'invalid_callback', message: 'That sign-in answer was already used.' });
    expect(f).toBeInstanceOf(IpcFailure);
    expect(f).toBeInstanceOf(Error);
    expect(f.kind).toBe('invalid_callback');
    expect(f.message).toBe('That sign-in answer was already used.');
  });
  it('keeps the details Rust sends for Details, and none when there are none', () => {
    const f = toFailure({ kind: 'other', message: 'id.example is unavailable right now.', details: 'HTTP 503 Service Unavailable' });
    expect(f.message).toBe('id.example is unavailable right now.');
    expect(f.details).toBe('HTTP 503 Service Unavailable');
    expect(toFailure({ kind: 'other', message: 'Hm.', details: null }).details).toBeNull();
    expect(toFailure({ kind: 'other', message: 'Hm.' }).details).toBeNull();
  });
  it('maps unknown kinds to other', () => {
    expect(toFailure({ kind: 'weird', message: 'Hm.' }).kind).toBe('other');
  });
  it('returns failures unchanged', () => {
    const f = new IpcFailure('keychain_unavailable', 'No keychain.');
    expect(toFailure(f)).toBe(f);
  });
  it('hides technical exceptions behind a plain sentence', () => {
    expect(toFailure(new Error('x is undefined')).message).toBe(FALLBACK_MESSAGE);
    expect(toFailure(undefined).message).toBe(FALLBACK_MESSAGE);
    expect(toFailure({}).message).toBe(FALLBACK_MESSAGE);
  });
  it('keeps bridge strings after the plain sentence', () => {
    expect(toFailure('not allowed').message).toBe(`${FALLBACK_MESSAGE} (not allowed)`);
  });
});
