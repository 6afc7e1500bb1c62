import { describe, expect, it } from 'vitest';
import { initial, isOver, next, type ConnectState } from '../src/views/connect/machine';
import { account } from './fakeIpc';

const provider = { name: 'demo', label: 'Demo' };

function waiting(handle = 'h-1'): ConnectState {
  const starting = next(initial(), { type: 'start', provider }).state;
  return next(starting, { type: 'started', handle }).state;
}

describe('connect state machine', () => {
  it('starts loading, or starting for a reconnect', () => {
    expect(initial().screen).toBe('loading');
    const r = initial({ id: 'a', title: 'Reconnect a', provider });
    expect(r.screen).toBe('starting');
    expect(r.provider).toEqual(provider);
  });

  it('a finished sign-in for the awaited handle connects; another handle is not its business', () => {
    const s = waiting();
    const a = account();
    const other = next(s, { type: 'loginFinished', event: { handle: 'h-2', account: a, error: null } });
    expect(other.handled).toBe(false);
    expect(other.effect).toEqual({ type: 'none' });
    const mine = next(s, { type: 'loginFinished', event: { handle: 'h-1', account: a, error: null } });
    expect(mine.handled).toBe(true);
    expect(mine.effect).toEqual({ type: 'connected', account: a });
  });

  it('a failure becomes the failure screen message', () => {
    const step = next(waiting(), { type: 'loginFinished', event: { handle: 'h-1', account: null, error: { kind: 'other', message: 'No.', details: null } } });
    expect(step.effect).toEqual({ type: 'fail', message: 'No.' });
  });

  it('an answer that arrives before startLogin returns is kept and applied once started', () => {
    const starting = next(initial(), { type: 'start', provider }).state;
    const a = account();
    const early = next(starting, { type: 'loginFinished', event: { handle: 'h-9', account: a, error: null } });
    expect(early.handled).toBe(false);
    const started = next(early.state, { type: 'started', handle: 'h-9' });
    expect(started.effect).toEqual({ type: 'connected', account: a });
    expect(started.state.early.size).toBe(0);
  });

  it('closing while waiting cancels that sign-in; closing elsewhere cancels nothing', () => {
    const closed = next(waiting(), { type: 'closed' });
    expect(closed.effect).toEqual({ type: 'cancel', handle: 'h-1' });
    expect(isOver(closed.state)).toBe(true);
    const failed = next(waiting(), { type: 'failed' });
    expect(next(failed.state, { type: 'closed' }).effect).toEqual({ type: 'none' });
  });

  it('a sign-in that starts after the dialog closed is cancelled, and nothing else happens', () => {
    const starting = next(initial(), { type: 'start', provider }).state;
    const closed = next(starting, { type: 'closed' }).state;
    expect(next(closed, { type: 'started', handle: 'h-3' }).effect).toEqual({ type: 'cancel', handle: 'h-3' });
    const late = next(closed, { type: 'loginFinished', event: { handle: 'h-3', account: account(), error: null } });
    expect(late).toMatchObject({ handled: false, effect: { type: 'none' } });
  });
});
