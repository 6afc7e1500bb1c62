import { afterEach, beforeEach, vi } from 'vitest';
import { startApp, type AppHandle } from '../src/app';
import { NOW, resetIpc } from './fakeIpc';

/** Lets pending promise callbacks run (several hops: IPC → view → DOM). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

let handle: AppHandle | null = null;

export async function mount(): Promise<HTMLElement> {
  document.body.replaceChildren();
  const root = document.createElement('div');
  root.id = 'app';
  document.body.appendChild(root);
  handle = startApp(root);
  await settle();
  return root;
}

export function unmount(): void {
  handle?.destroy();
  handle = null;
  document.body.replaceChildren();
}

export function useClock(): void {
  vi.useFakeTimers({ now: NOW, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'requestAnimationFrame', 'cancelAnimationFrame'] });
}

/** Advances the fake clock and lets promises settle. */
export async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
}

/**
 * The per-test setup of every test that mounts the app: a fixed clock, a fresh fake IPC, and
 * afterwards an unmounted app and real timers.
 */
export function useAppHarness(): void {
  beforeEach(() => {
    useClock();
    resetIpc();
  });
  afterEach(() => {
    unmount();
    vi.useRealTimers();
  });
}
