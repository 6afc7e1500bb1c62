import { beforeEach, describe, expect, it, vi } from 'vitest';

const listeners = new Map<string, (e: { payload: unknown }) => void>();
const unlistened: string[] = [];

vi.mock('../src/bindings', async (importOriginal) => {
  const cmd = () => vi.fn();
  const event = (name: string) => ({
    listen: vi.fn((cb: (e: { payload: unknown }) => void) => {
      listeners.set(name, cb);
      return Promise.resolve(() => {
        unlistened.push(name);
      });
    }),
  });
  return {
    // The constants (error kinds, the expiring rule) as generated.
    ...(await importOriginal<typeof import('../src/bindings')>()),
    commands: {
      listAccounts: cmd(),
      revealToken: cmd(),
      copyToken: cmd(),
      refreshAccount: cmd(),
      listPresets: cmd(),
      uiReady: cmd(),
      cancelLogin: cmd(),
    },
    events: {
      accountsChanged: event('accounts-changed'),
      callbackHandled: event('callback-handled'),
      clipboardCleared: event('clipboard-cleared'),
      loginFinished: event('login-finished'),
      refreshState: event('refresh-state'),
    },
  };
});

const bindings = await import('../src/bindings');
const { ipc } = await import('../src/ipc');
const { FALLBACK_MESSAGE } = await import('../src/errors');

const commands = bindings.commands as unknown as Record<string, ReturnType<typeof vi.fn>>;

beforeEach(() => {
  listeners.clear();
  unlistened.length = 0;
});

describe('commands', () => {
  it('unwrap ok results into their data', async () => {
    commands.listAccounts!.mockResolvedValue({ status: 'ok', data: [{ id: 'a' }] });
    await expect(ipc.listAccounts()).resolves.toEqual([{ id: 'a' }]);
  });

  it('throw IpcFailure {kind, message} for error results', async () => {
    commands.copyToken!.mockResolvedValue({
      status: 'error',
      error: { kind: 'needs_reconnect', message: 'Your Google sign-in has ended.' },
    });
    const error: unknown = await ipc.copyToken('a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ipc.IpcFailure);
    expect(error).toMatchObject({ kind: 'needs_reconnect', message: 'Your Google sign-in has ended.' });
  });

  it('keep the details of an error result for Details', async () => {
    commands.refreshAccount!.mockResolvedValue({
      status: 'error',
      error: { kind: 'other', message: 'id.example is unavailable right now.', details: 'HTTP 502 Bad Gateway' },
    });
    const error: unknown = await ipc.refreshAccount('a').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'other', message: 'id.example is unavailable right now.', details: 'HTTP 502 Bad Gateway' });
  });

  it('turn bridge exceptions into a plain failure', async () => {
    commands.revealToken!.mockRejectedValue(new TypeError("Cannot read properties of undefined (reading 'invoke')"));
    await expect(ipc.revealToken('a', 'grant')).rejects.toMatchObject({ kind: 'other', message: FALLBACK_MESSAGE });
  });

  it('direct commands resolve without a result wrapper', async () => {
    commands.listPresets!.mockResolvedValue([{ id: 'google' }]);
    await expect(ipc.listPresets()).resolves.toEqual([{ id: 'google' }]);
    commands.uiReady!.mockRejectedValue('Command ui_ready not allowed by ACL');
    await expect(ipc.uiReady()).rejects.toMatchObject({ kind: 'other', message: expect.stringContaining('not allowed') as unknown });
  });

  it('passes arguments through', async () => {
    commands.cancelLogin!.mockResolvedValue({ status: 'ok', data: null });
    await ipc.cancelLogin('handle-1');
    expect(commands.cancelLogin).toHaveBeenCalledWith('handle-1');
  });
});

describe('events', () => {
  it('deliver payloads and stop when asked', async () => {
    const seen: unknown[] = [];
    const stop = ipc.onClipboardCleared((p) => seen.push(p));
    await Promise.resolve();
    listeners.get('clipboard-cleared')!({ payload: { account_id: 'a' } });
    expect(seen).toEqual([{ account_id: 'a' }]);
    stop();
    stop();
    listeners.get('clipboard-cleared')!({ payload: { account_id: 'b' } });
    expect(seen).toHaveLength(1);
    expect(unlistened).toEqual(['clipboard-cleared']);
  });

  it('unlisten even when stopped before listening was set up', async () => {
    const stop = ipc.onAccountsChanged(() => undefined);
    stop();
    await Promise.resolve();
    await Promise.resolve();
    expect(unlistened).toEqual(['accounts-changed']);
  });
});

describe('what Rust handed the page', () => {
  const { START_GLOBAL } = bindings;
  const scopeWith = (value: unknown): Record<string, unknown> => ({ [START_GLOBAL]: value });

  it('gives the desktop font once, then nothing', async () => {
    const { takeHanded } = await import('../src/ipc');
    const scope = scopeWith({ ui_font: 'Noto Sans' });
    expect(takeHanded(scope)).toEqual({ uiFont: 'Noto Sans' });
    expect(START_GLOBAL in scope).toBe(false);
    expect(takeHanded(scope)).toEqual({ uiFont: null });
  });

  it('takes nothing from a malformed hand-over or a font name that is not plain', async () => {
    const { takeHanded } = await import('../src/ipc');
    for (const value of [undefined, null, 'x', 42, {}, { ui_font: null }]) {
      expect(takeHanded(scopeWith(value)).uiFont).toBeNull();
    }
    for (const font of ['', 'a"b', 'Sans;color:red', 'x\\', 'a'.repeat(65), 7]) {
      expect(takeHanded(scopeWith({ ui_font: font })).uiFont).toBeNull();
    }
  });
});
