/**
 * The "Connect account" flow as a pure state machine: which screen shows, which sign-in it
 * waits for, and what a Rust event means for it. No DOM, no IPC: `flow.ts` performs the
 * effects and renders the screen; the rules are unit-tested here (tests/connectMachine).
 */
import type { AccountView, LoginFinished } from '../../ipc';

export type Screen = 'loading' | 'choose' | 'add' | 'starting' | 'waiting' | 'failed' | 'closed';

export interface ProviderRef {
  name: string;
  label: string;
}

export interface ConnectState {
  readonly screen: Screen;
  /** The sign-in being waited for (set from `started` until it ends). */
  readonly handle: string | null;
  /** The provider signed in with (for the titles and Try again). */
  readonly provider: ProviderRef | null;
  /** Set when this flow reconnects an account. */
  readonly reconnect: { readonly id: string; readonly title: string } | null;
  /** loginFinished events that arrived before startLogin answered, by handle. */
  readonly early: ReadonlyMap<string, LoginFinished>;
}

export type ConnectEvent =
  | { type: 'load' }
  | { type: 'choose' }
  | { type: 'add' }
  | { type: 'start'; provider: ProviderRef | null }
  | { type: 'started'; handle: string }
  | { type: 'failed' }
  | { type: 'succeeded' }
  | { type: 'closed' }
  | { type: 'loginFinished'; event: LoginFinished };

/** What the flow must do after a transition. */
export type Effect =
  | { type: 'none' }
  | { type: 'cancel'; handle: string }
  | { type: 'connected'; account: AccountView }
  | { type: 'fail'; message: string };

export interface Step {
  state: ConnectState;
  effect: Effect;
  /** Whether an event was for this flow (the app shows the others itself). */
  handled: boolean;
}

const NONE: Effect = { type: 'none' };

export function initial(reconnect: { id: string; title: string; provider: ProviderRef } | null = null): ConnectState {
  return {
    screen: reconnect !== null ? 'starting' : 'loading',
    handle: null,
    provider: reconnect?.provider ?? null,
    reconnect: reconnect !== null ? { id: reconnect.id, title: reconnect.title } : null,
    early: new Map(),
  };
}

/** Whether the flow is over (connected, or the dialog closed). */
export function isOver(state: ConnectState): boolean {
  return state.screen === 'closed';
}

/** The sign-in an ended flow still has to stop at the Rust side. */
function pendingSignIn(state: ConnectState): string | null {
  return state.screen === 'waiting' ? state.handle : null;
}

function finishedEffect(event: LoginFinished): Effect {
  if (event.account !== null) return { type: 'connected', account: event.account };
  return { type: 'fail', message: event.error?.message ?? 'The sign-in did not finish.' };
}

export function next(state: ConnectState, event: ConnectEvent): Step {
  const step = (s: ConnectState, effect: Effect = NONE, handled = true): Step => ({ state: s, effect, handled });
  if (isOver(state)) {
    // Closed while starting: the sign-in just begun must be stopped.
    const effect: Effect = event.type === 'started' ? { type: 'cancel', handle: event.handle } : NONE;
    return step(state, effect, false);
  }
  switch (event.type) {
    case 'load':
      return step({ ...state, screen: 'loading' });
    case 'choose':
      return step({ ...state, screen: 'choose', handle: null });
    case 'add':
      return step({ ...state, screen: 'add', handle: null });
    case 'start':
      return step({ ...state, screen: 'starting', handle: null, provider: event.provider ?? state.provider });
    case 'started': {
      const waiting: ConnectState = { ...state, screen: 'waiting', handle: event.handle, early: new Map() };
      const early = state.early.get(event.handle);
      if (early === undefined) return step(waiting);
      const finished = next(waiting, { type: 'loginFinished', event: early });
      return step(finished.state, finished.effect);
    }
    case 'failed':
      return step({ ...state, screen: 'failed', handle: null });
    case 'succeeded':
      return step({ ...state, screen: 'closed', handle: null });
    case 'closed': {
      const handle = pendingSignIn(state);
      return step({ ...state, screen: 'closed', handle: null }, handle !== null ? { type: 'cancel', handle } : NONE);
    }
    case 'loginFinished': {
      const finished = event.event;
      if (state.handle === null || state.screen === 'starting') {
        const early = new Map(state.early);
        early.set(finished.handle, finished);
        return step({ ...state, early }, NONE, false);
      }
      if (finished.handle !== state.handle) return step(state, NONE, false);
      return step(state, finishedEffect(finished));
    }
  }
}
