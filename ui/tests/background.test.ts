import { describe, expect, it, vi } from 'vitest';
import { wantedFrom } from '../src/app';
import { account, fire, ipc, iso } from './fakeIpc';
import { advance, mount, settle, useAppHarness } from './helpers';

vi.mock('../src/ipc', async () => (await import('./fakeIpc')).ipcModule);

useAppHarness();

const rowOf = (root: HTMLElement, id: string) => root.querySelector<HTMLElement>(`li[data-account-id="${id}"]`)!;

describe('the tray and notifications show one account', () => {
  it('reads the account a new window was opened on from its address', () => {
    expect(wantedFrom('?account=demo-0a1b&reconnect=1')).toEqual({ account_id: 'demo-0a1b', reconnect: true });
    expect(wantedFrom('?account=demo-0a1b&reconnect=0')).toEqual({ account_id: 'demo-0a1b', reconnect: false });
    expect(wantedFrom('')).toBeNull();
    expect(wantedFrom('?account=')).toBeNull();
  });

  it('a tray entry focuses the account\'s Reconnect button', async () => {
    const broken = account({ status: 'needs_reconnect' });
    ipc.listAccounts.mockResolvedValue([account(), broken]);
    const root = await mount();
    fire.showAccount.emit({ account_id: broken.id, reconnect: false });
    await settle();
    const button = rowOf(root, broken.id).querySelector<HTMLButtonElement>('button');
    expect(document.activeElement?.textContent).toContain('Reconnect');
    expect(rowOf(root, broken.id).contains(document.activeElement)).toBe(true);
    expect(button).not.toBeNull();
    expect(ipc.reconnectAccount).not.toHaveBeenCalled();
  });

  it('a notification\'s Reconnect starts the reconnect through the window\'s sign-in path', async () => {
    const broken = account({ status: 'needs_reconnect' });
    ipc.listAccounts.mockResolvedValue([broken]);
    ipc.reconnectAccount.mockReturnValue(new Promise(() => undefined));
    await mount();
    fire.showAccount.emit({ account_id: broken.id, reconnect: true });
    await settle();
    expect(ipc.reconnectAccount).toHaveBeenCalledWith(broken.id);
  });

  it('the window says which account it shows, and when it stops', async () => {
    const a = account();
    ipc.listAccounts.mockResolvedValue([a]);
    ipc.accountDetails.mockReturnValue(new Promise(() => undefined));
    const root = await mount();
    const details = [...rowOf(root, a.id).querySelectorAll('button')].find((b) => b.textContent.includes('Details'))!;
    details.click();
    await settle();
    expect(ipc.viewingAccount).toHaveBeenLastCalledWith(a.id);
    root.querySelector<HTMLButtonElement>('[data-testid="details-dialog"] button[aria-label="Close"]')?.click();
    document.querySelector<HTMLDialogElement>('dialog[open]')?.querySelector<HTMLButtonElement>('button')?.click();
    await settle();
    expect(ipc.viewingAccount).toHaveBeenLastCalledWith(null);
  });
});

describe('background switches', () => {
  it('Start at login is off by default and its switch turns the autostart entry on', async () => {
    ipc.setStartAtLogin.mockResolvedValue({ keep_running_when_closed: true, start_at_login: true, tray_available: true });
    const root = await mount();
    await settle();
    const login = root.querySelector<HTMLInputElement>('[data-testid="start-at-login"]')!;
    expect(login.checked).toBe(false);
    login.click();
    await settle();
    expect(ipc.setStartAtLogin).toHaveBeenCalledWith(true);
    expect(login.checked).toBe(true);
    const keep = root.querySelector<HTMLInputElement>('[data-testid="keep-running"]')!;
    expect(keep.checked).toBe(true);
    keep.click();
    await settle();
    expect(ipc.setKeepRunningWhenClosed).toHaveBeenCalledWith(false);
  });
});

describe('idle cost', () => {
  it('a hidden window does no countdown work and catches up when shown again', async () => {
    const a = account({ expires_at: iso(62) });
    ipc.listAccounts.mockResolvedValue([a]);
    const root = await mount();
    const countdown = rowOf(root, a.id).querySelector('[data-testid="countdown"]')!;
    expect(countdown.textContent).toBe('Expires in 1 min');
    let state: DocumentVisibilityState = 'hidden';
    const spy = vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => state);
    try {
      await advance(5000);
      expect(countdown.textContent).toBe('Expires in 1 min');
      state = 'visible';
      document.dispatchEvent(new Event('visibilitychange'));
      await settle();
      expect(countdown.textContent).toBe('Expires in 57 s');
    } finally {
      spy.mockRestore();
    }
  });
});
