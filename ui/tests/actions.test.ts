import { describe, expect, it, vi } from 'vitest';
import { getByRole, within } from '@testing-library/dom';
import type { AccountView, CopyReceipt, DisconnectReport } from '../src/ipc';
import { account, fire, iso, ipc } from './fakeIpc';
import { advance, mount, settle, useAppHarness } from './helpers';

vi.mock('../src/ipc', async () => (await import('./fakeIpc')).ipcModule);

useAppHarness();

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const rowOf = (root: HTMLElement, a: AccountView) => root.querySelector<HTMLElement>(`li[data-account-id="${a.id}"]`)!;
const toasts = (root: HTMLElement) => root.querySelector<HTMLElement>('[data-testid="toasts"]')!;

describe('Refresh', () => {
  it('disables the button and shows progress while in flight, then the new expiry', async () => {
    const a = account({ email: 'alice@example.com', expires_at: iso(120) });
    ipc.listAccounts.mockResolvedValue([a]);
    const pending = deferred<AccountView | null>();
    ipc.refreshAccount.mockReturnValue(pending.promise);
    const root = await mount();
    const row = rowOf(root, a);
    const btn = within(row).getByRole('button', { name: 'Refresh' }) as HTMLButtonElement;
    const progress = row.querySelector<HTMLElement>('[data-testid="refresh-progress"]')!;
    expect(progress.hidden).toBe(true);

    btn.click();
    await settle();
    expect(ipc.refreshAccount).toHaveBeenCalledWith(a.id);
    expect(btn.disabled).toBe(true);
    expect(row.getAttribute('aria-busy')).toBe('true');
    expect(progress.hidden).toBe(false);
    expect(progress.textContent).toBe('Refreshing…');
    expect(root.querySelector('[data-testid="announcer"]')!.textContent).toBe('Refreshing alice@example.com…');
    // The accessible name stays "Refresh" while busy.
    expect(within(row).getByRole('button', { name: 'Refresh' })).toBe(btn);

    btn.click();
    expect(ipc.refreshAccount).toHaveBeenCalledTimes(1);

    pending.resolve({ ...a, expires_at: iso(3600) });
    await settle();
    expect(btn.disabled).toBe(false);
    expect(row.hasAttribute('aria-busy')).toBe(false);
    expect(progress.hidden).toBe(true);
    expect(row.querySelector('[data-testid="countdown"]')!.textContent).toBe('Expires in 1 h');
    expect(root.querySelector('[data-testid="announcer"]')!.textContent).toBe('Refreshed alice@example.com. Expires in 1 h.');
  });

  it('a failed refresh that needs reconnecting says so plainly and offers Reconnect', async () => {
    const a = account({ email: 'alice@example.com' });
    ipc.listAccounts.mockResolvedValue([a]);
    ipc.refreshAccount.mockRejectedValue(
      new ipc.IpcFailure('needs_reconnect', 'Your Google sign-in has ended. Connect the account again to keep using it.'),
    );
    ipc.reconnectAccount.mockReturnValue(new Promise(() => undefined));
    const root = await mount();
    within(rowOf(root, a)).getByRole('button', { name: 'Refresh' }).click();
    await settle();
    const box = toasts(root);
    expect(box.getAttribute('role')).toBe('status');
    expect(box.getAttribute('aria-live')).toBe('polite');
    expect(box.textContent).toContain('Your Google sign-in has ended.');
    expect(box.textContent).toContain('alice@example.com');
    getByRole(box, 'button', { name: 'Reconnect' }).click();
    await settle();
    expect(ipc.reconnectAccount).toHaveBeenCalledWith(a.id);
    expect(document.querySelector('[data-testid="connect-dialog"]')).not.toBeNull();
  });

  it('other failures get a plain toast without Reconnect', async () => {
    const a = account();
    ipc.listAccounts.mockResolvedValue([a]);
    ipc.refreshAccount.mockRejectedValue(new ipc.IpcFailure('other', 'Could not connect to accounts.google.com. Check your internet connection and try again.'));
    const root = await mount();
    within(rowOf(root, a)).getByRole('button', { name: 'Refresh' }).click();
    await settle();
    expect(toasts(root).textContent).toContain('Check your internet connection');
    expect(within(toasts(root)).queryByRole('button', { name: 'Reconnect' })).toBeNull();
    expect(within(rowOf(root, a)).getByRole('button', { name: 'Refresh' })).toHaveProperty('disabled', false);
  });

  it('a provider outage is one plain sentence, its status code folded under Details', async () => {
    const a = account();
    ipc.listAccounts.mockResolvedValue([a]);
    // What Rust sends for an HTTP 502 (the sentence and details come from Error::details).
    ipc.refreshAccount.mockRejectedValue({
      kind: 'other',
      message: 'Google (oauth2.googleapis.com) is unavailable right now. Nothing was changed; try again in a few minutes.',
      details: 'HTTP 502 Bad Gateway',
    });
    const root = await mount();
    within(rowOf(root, a)).getByRole('button', { name: 'Refresh' }).click();
    await settle();
    const text = toasts(root).querySelector('.toast-text')!.textContent;
    expect(text).toBe('Google (oauth2.googleapis.com) is unavailable right now. Nothing was changed; try again in a few minutes.');
    const folded = toasts(root).querySelector<HTMLDetailsElement>('[data-testid="toast-details"]')!;
    expect(folded.open).toBe(false);
    expect(folded.querySelector('summary')!.textContent).toBe('Details');
    expect(folded.textContent).toContain('HTTP 502 Bad Gateway');
  });

  it('a failure without details has no Details fold', async () => {
    const a = account();
    ipc.listAccounts.mockResolvedValue([a]);
    ipc.refreshAccount.mockRejectedValue({ kind: 'other', message: 'Could not connect to accounts.google.com.', details: null });
    const root = await mount();
    within(rowOf(root, a)).getByRole('button', { name: 'Refresh' }).click();
    await settle();
    expect(toasts(root).textContent).toContain('Could not connect');
    expect(toasts(root).querySelector('[data-testid="toast-details"]')).toBeNull();
  });

  it('shows automatic refreshes from refreshState events, and their failures', async () => {
    const a = account({ email: 'alice@example.com' });
    ipc.listAccounts.mockResolvedValue([a]);
    const root = await mount();
    const row = rowOf(root, a);
    const btn = within(row).getByRole('button', { name: 'Refresh' }) as HTMLButtonElement;
    fire.refreshState.emit({ account_id: a.id, refreshing: true, automatic: true, error: null });
    expect(btn.disabled).toBe(true);
    expect(row.getAttribute('aria-busy')).toBe('true');
    fire.refreshState.emit({
      account_id: a.id,
      refreshing: false,
      automatic: true,
      error: { kind: 'needs_reconnect', message: 'Your Google sign-in has ended. Connect the account again to keep using it.', details: null },
    });
    expect(btn.disabled).toBe(false);
    expect(toasts(root).textContent).toContain('Automatic refresh of alice@example.com failed');
    expect(getByRole(toasts(root), 'button', { name: 'Reconnect' })).toBeTruthy();
  });
});

describe('Copy token', () => {
  it('toasts "Copied — clears in 30 s", counts down, then "Clipboard cleared"', async () => {
    const a = account();
    ipc.listAccounts.mockResolvedValue([a]);
    ipc.copyToken.mockResolvedValue({ clears_in_seconds: 30 } satisfies CopyReceipt);
    const root = await mount();
    within(rowOf(root, a)).getByRole('button', { name: 'Copy token' }).click();
    await settle();
    expect(ipc.copyToken).toHaveBeenCalledWith(a.id);
    expect(toasts(root).textContent).toContain('Copied — clears in 30 s');
    await advance(1000);
    expect(toasts(root).textContent).toContain('Copied — clears in 29 s');
    await advance(10_000);
    expect(toasts(root).textContent).toContain('Copied — clears in 19 s');
    fire.clipboardCleared.emit({ account_id: a.id, cleared: true });
    expect(toasts(root).textContent).toContain('Clipboard cleared');
    expect(toasts(root).textContent).not.toContain('Copied');
    await advance(5000);
    expect(toasts(root).textContent).toBe('');
  });

  it('never puts a token in the page', async () => {
    const a = account();
    ipc.listAccounts.mockResolvedValue([a]);
    ipc.copyToken.mockResolvedValue({ clears_in_seconds: 30 });
    const root = await mount();
    within(rowOf(root, a)).getByRole('button', { name: 'Copy token' }).click();
    await settle();
    expect(ipc.revealToken).not.toHaveBeenCalled();
    expect(root.querySelector('[data-testid="revealed-token"]')).toBeNull();
  });
});

describe('Disconnect', () => {
  it('asks first; Cancel changes nothing', async () => {
    const a = account({ email: 'alice@example.com' });
    ipc.listAccounts.mockResolvedValue([a]);
    const root = await mount();
    within(rowOf(root, a)).getByRole('button', { name: 'Disconnect' }).click();
    const dialog = document.querySelector<HTMLDialogElement>('[data-testid="disconnect-dialog"]')!;
    expect(dialog.open).toBe(true);
    expect(getByRole(dialog, 'heading', { name: 'Disconnect alice@example.com?' })).toBeTruthy();
    expect(dialog.textContent).toContain('AuthDeck will sign out at Google and forget this account on this computer.');
    expect(document.activeElement).toBe(getByRole(dialog, 'button', { name: 'Cancel' }));
    getByRole(dialog, 'button', { name: 'Cancel' }).click();
    expect(dialog.isConnected).toBe(false);
    expect(ipc.disconnectAccount).not.toHaveBeenCalled();
  });

  it('Escape closes the confirmation', async () => {
    const a = account();
    ipc.listAccounts.mockResolvedValue([a]);
    const root = await mount();
    const btn = within(rowOf(root, a)).getByRole('button', { name: 'Disconnect' });
    btn.focus();
    btn.click();
    const dialog = document.querySelector<HTMLDialogElement>('[data-testid="disconnect-dialog"]')!;
    dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    expect(dialog.isConnected).toBe(false);
    expect(document.activeElement).toBe(btn);
  });

  it('removes the account and shows the warning', async () => {
    const a = account({ email: 'alice@example.com' });
    ipc.listAccounts.mockResolvedValue([a]);
    const report = deferred<DisconnectReport>();
    ipc.disconnectAccount.mockReturnValue(report.promise);
    const root = await mount();
    within(rowOf(root, a)).getByRole('button', { name: 'Disconnect' }).click();
    const dialog = document.querySelector<HTMLDialogElement>('[data-testid="disconnect-dialog"]')!;
    const confirm = getByRole(dialog, 'button', { name: 'Disconnect' }) as HTMLButtonElement;
    confirm.click();
    await settle();
    expect(ipc.disconnectAccount).toHaveBeenCalledWith(a.id);
    expect(confirm.disabled).toBe(true);
    expect(rowOf(root, a).getAttribute('aria-busy')).toBe('true');
    ipc.listAccounts.mockResolvedValue([]);
    report.resolve({
      account_id: a.id,
      revoked: false,
      warning: 'Google is unavailable right now. The account was removed from this computer, but Google was not told.',
      details: 'HTTP 503 Service Unavailable',
    });
    await settle();
    expect(dialog.isConnected).toBe(false);
    expect(root.querySelector(`li[data-account-id="${a.id}"]`)).toBeNull();
    expect(toasts(root).textContent).toContain('Disconnected alice@example.com');
    expect(toasts(root).querySelector('[data-testid="toast-details"]')!.textContent).toContain('HTTP 503');
    expect(toasts(root).textContent).toContain('Google was not told');
  });

  it('keeps the dialog with the message when it fails', async () => {
    const a = account();
    ipc.listAccounts.mockResolvedValue([a]);
    ipc.disconnectAccount.mockRejectedValue(new ipc.IpcFailure('keychain_unavailable', 'The system keychain did not answer within 5 seconds. Unlock it and try again.'));
    const root = await mount();
    within(rowOf(root, a)).getByRole('button', { name: 'Disconnect' }).click();
    const dialog = document.querySelector<HTMLDialogElement>('[data-testid="disconnect-dialog"]')!;
    getByRole(dialog, 'button', { name: 'Disconnect' }).click();
    await settle();
    expect(dialog.isConnected).toBe(true);
    expect(getByRole(dialog, 'alert').textContent).toContain('Unlock it and try again.');
    expect(rowOf(root, a).hasAttribute('aria-busy')).toBe(false);
    expect(root.querySelector<HTMLElement>('[data-testid="keychain-badge"]')!.hidden).toBe(false);
  });
});

describe('app status', () => {
  it('shows the keychain badge and banner when the keychain is unavailable', async () => {
    ipc.appStatus.mockResolvedValue({ version: '0.1.0', data_dir: '/d', keychain_available: false, keychain_message: 'No Secret Service is running.' });
    const root = await mount();
    const badge = root.querySelector<HTMLElement>('[data-testid="keychain-badge"]')!;
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe('Keychain unavailable');
    const banner = root.querySelector<HTMLElement>('[data-testid="keychain-banner"]')!;
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toContain('No Secret Service is running.');
    ipc.appStatus.mockResolvedValue({ version: '0.1.0', data_dir: '/d', keychain_available: true, keychain_message: null });
    getByRole(banner, 'button', { name: 'Check again' }).click();
    await settle();
    expect(badge.hidden).toBe(true);
    expect(banner.hidden).toBe(true);
  });

  it('hides the badge when the keychain works, and shows version and data folder', async () => {
    const root = await mount();
    expect(root.querySelector<HTMLElement>('[data-testid="keychain-badge"]')!.hidden).toBe(true);
    expect(root.querySelector('footer')!.textContent).toContain('AuthDeck 0.1.0');
  });

  it('Export diagnostics says where the file was saved', async () => {
    const root = await mount();
    const btn = getByRole(root, 'button', { name: 'Export diagnostics' });
    btn.click();
    await settle();
    expect(ipc.exportDiagnostics).toHaveBeenCalledTimes(1);
    expect(toasts(root).textContent).toContain('Saved to /home/alice/Downloads/authdeck-diagnostics-20261125-120000.json');
  });

  it('a test link that did not come back says sign-ins now use the loopback address', async () => {
    const root = await mount();
    const message = 'A test sign-in link did not come back to AuthDeck, so new sign-ins use the loopback address instead, which needs no setup.';
    fire.linksChecked.emit({ arrived: false, message });
    await settle();
    expect(toasts(root).textContent).toContain(message);
  });

  it('Check sign-in links runs the check and says when links work', async () => {
    const root = await mount();
    ipc.checkSignInLinks.mockImplementation(async () => {
      const result = { arrived: true, message: 'A test sign-in link came back to AuthDeck, so sign-ins come back by deep link.' };
      fire.linksChecked.emit(result);
      return result;
    });
    getByRole(root, 'button', { name: 'Check sign-in links' }).click();
    await settle();
    expect(ipc.checkSignInLinks).toHaveBeenCalledTimes(1);
    expect(toasts(root).textContent).toContain('sign-ins come back by deep link');
  });

  it('a first-start check whose link came back shows nothing', async () => {
    const root = await mount();
    const before = toasts(root).textContent;
    fire.linksChecked.emit({ arrived: true, message: 'A test sign-in link came back to AuthDeck.' });
    await settle();
    expect(toasts(root).textContent).toBe(before);
  });

  it('a deep-link sign-in shows a toast and highlights the row', async () => {
    const root = await mount();
    const a = account({ email: 'carol@example.com' });
    ipc.listAccounts.mockResolvedValue([a]);
    fire.callbackHandled.emit({ account: a, error: null });
    await settle();
    expect(toasts(root).textContent).toContain('Connected carol@example.com');
    expect(rowOf(root, a).classList.contains('is-new')).toBe(true);
  });

  it('a failed deep-link sign-in shows its message', async () => {
    const root = await mount();
    fire.callbackHandled.emit({ account: null, error: { kind: 'invalid_callback', message: 'That sign-in answer was already used. Start a new sign-in if you need one.', details: null } });
    await settle();
    expect(toasts(root).textContent).toContain('That sign-in answer was already used.');
  });

  it('toasts can be dismissed', async () => {
    const root = await mount();
    fire.callbackHandled.emit({ account: null, error: { kind: 'other', message: 'Boom.', details: null } });
    getByRole(toasts(root), 'button', { name: 'Dismiss' }).click();
    expect(toasts(root).textContent).toBe('');
  });
});
