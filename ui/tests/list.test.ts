import { describe, expect, it, vi } from 'vitest';
import { getByRole, queryAllByRole, within } from '@testing-library/dom';
import { account, fire, iso, ipc, NOW } from './fakeIpc';
import { AccountList } from '../src/views/accountList';
import { advance, mount, settle, useAppHarness } from './helpers';

vi.mock('../src/ipc', async () => (await import('./fakeIpc')).ipcModule);

useAppHarness();

const rowOf = (root: HTMLElement, id: string) => root.querySelector<HTMLElement>(`li[data-account-id="${id}"]`)!;

describe('account list', () => {
  it('above a minute the window sleeps until the shown minute changes, not every second', async () => {
    const a = account({ expires_at: iso(3600 + 42.5), auto_refresh_at: iso(3300 + 42.5) });
    ipc.listAccounts.mockResolvedValue([a]);
    const root = await mount();
    const countdown = rowOf(root, a.id).querySelector('[data-testid="countdown"]')!;
    expect(countdown.textContent).toBe('Expires in 1 h');
    const ticks = vi.spyOn(AccountList.prototype, 'tick');
    await advance(42_000);
    expect(ticks).not.toHaveBeenCalled();
    expect(countdown.textContent).toBe('Expires in 1 h');
    await advance(1000);
    expect(countdown.textContent).toBe('Expires in 59 min');
    // Once at the minute's end (42.5 s on), then once a minute: not 163 times.
    await advance(120_000);
    expect(ticks).toHaveBeenCalledTimes(3);
    expect(ticks.mock.calls.map(([now]) => now - NOW)).toEqual([42_501, 102_501, 162_501]);
    expect(countdown.textContent).toBe('Expires in 57 min');
  });

  it('shows one row per account: who, provider, status words, countdown, scopes', async () => {
    const alice = account({ email: 'alice@example.com', expires_at: iso(3552) });
    const bob = account({ email: null, display_name: 'Bob Builder', provider_label: 'GitLab', preset: 'gitlab', expires_at: null, scopes: ['read_user'] });
    ipc.listAccounts.mockResolvedValue([alice, bob]);
    const root = await mount();

    const a = rowOf(root, alice.id);
    expect(a.textContent).toContain('alice@example.com');
    expect(a.textContent).toContain('Google');
    // What the access means, not the raw scope names (those are in Details).
    expect(a.textContent).toContain('Your email address');
    expect(a.textContent).not.toContain('openid');
    const status = a.querySelector('[data-testid="status"]')!;
    expect(status.textContent).toBe('Connected');
    expect(status.getAttribute('data-status')).toBe('valid');
    expect(a.querySelector('[data-testid="countdown"]')!.textContent).toBe('Expires in 59 min');

    const b = rowOf(root, bob.id);
    expect(b.textContent).toContain('Bob Builder');
    expect(b.querySelector('[data-testid="status"]')!.textContent).toBe('Connected');
    expect(b.querySelector('[data-testid="countdown"]')!.textContent).toBe('Expiry unknown');
  });

  it('rows are list items named by the account, with exactly named action buttons', async () => {
    const a = account({ email: 'alice@example.com' });
    ipc.listAccounts.mockResolvedValue([a]);
    const root = await mount();
    const list = getByRole(root, 'list', { name: 'Accounts' });
    const item = within(list).getByRole('listitem', { name: 'alice@example.com' });
    for (const name of ['Refresh', 'Copy token', 'Details', 'Disconnect']) {
      const btn = within(item).getByRole('button', { name });
      expect(btn.tagName).toBe('BUTTON');
      // No aria-label, and the visible text is the name (text-based lookups work too).
      expect(btn.hasAttribute('aria-label')).toBe(false);
      expect(btn.textContent).toBe(name);
    }
    expect(item.textContent).toContain('alice@example.com');
    expect(within(item).queryByRole('button', { name: 'Reconnect' })).toBeNull();
    expect(within(item).getByRole('switch', { name: 'Auto-refresh' })).toBeTruthy();
  });

  it('adds a Reconnect button for accounts that need it', async () => {
    const a = account({ status: 'needs_reconnect', expires_at: iso(-600) });
    ipc.listAccounts.mockResolvedValue([a]);
    const root = await mount();
    const row = rowOf(root, a.id);
    expect(within(row).getByRole('button', { name: 'Reconnect' })).toBeTruthy();
    const status = row.querySelector('[data-testid="status"]')!;
    expect(status.textContent).toBe('Reconnect needed');
    expect(status.getAttribute('data-status')).toBe('needs_reconnect');
    expect(row.querySelector('[data-testid="countdown"]')!.textContent).toBe('Sign-in ended');
  });

  it('a token the provider no longer accepts shows it, with Reconnect', async () => {
    // The core says so: status needs_reconnect while provider_rejected_at is set.
    const a = account({ status: 'needs_reconnect', provider_rejected_at: iso(-5) });
    ipc.listAccounts.mockResolvedValue([a]);
    const root = await mount();
    const row = rowOf(root, a.id);
    expect(within(row).getByRole('button', { name: 'Reconnect' })).toBeTruthy();
    expect(row.querySelector('[data-testid="status"]')!.textContent).toBe('Reconnect needed');
    expect(row.querySelector('[data-testid="countdown"]')!.textContent).toBe('The provider no longer accepts this token');
  });

  it('shows what access means in plain words, the raw names only on hover', async () => {
    const a = account({
      scopes: ['openid', 'email', 'offline_access', 'admin:org'],
      access: ['Know who you are', 'Your email address', 'Stay signed in', 'Other access: admin:org'],
    });
    ipc.listAccounts.mockResolvedValue([a]);
    const root = await mount();
    const list = within(rowOf(root, a.id)).getByRole('list', { name: 'Access' });
    expect([...list.querySelectorAll('li')].map((li) => li.textContent)).toEqual(a.access);
    expect(list.getAttribute('title')).toBe('Scopes: openid email offline_access admin:org');
    const none = account({ scopes: [], access: [] });
    ipc.listAccounts.mockResolvedValue([none]);
    fire.accountsChanged.emit(undefined);
    await settle();
    expect(rowOf(root, none.id).querySelector('[data-testid="access"]')!.textContent).toBe('No access reported');
  });

  it("the avatar shows the person's initials, not the provider's", async () => {
    const alice = account({ email: 'alice@example.test', initials: 'AL', preset: null, provider_label: 'Local demo provider' });
    ipc.listAccounts.mockResolvedValue([alice]);
    const root = await mount();
    const avatar = rowOf(root, alice.id).querySelector<HTMLElement>('[data-testid="avatar"]')!;
    expect(avatar.dataset.mono).toBe('AL');
    expect(avatar.dataset.mono).not.toBe('LD');
    expect(avatar.getAttribute('aria-hidden')).toBe('true');
    ipc.listAccounts.mockResolvedValue([{ ...alice, initials: 'AW' }]);
    fire.accountsChanged.emit(undefined);
    await settle();
    expect(rowOf(root, alice.id).querySelector<HTMLElement>('[data-testid="avatar"]')!.dataset.mono).toBe('AW');
  });

  it('an account that expires without a refresh token offers Reconnect first, live', async () => {
    const a = account({ has_refresh_token: false, expires_at: iso(2), auto_refresh_at: null });
    ipc.listAccounts.mockResolvedValue([a]);
    const root = await mount();
    const row = rowOf(root, a.id);
    expect(within(row).queryByRole('button', { name: 'Reconnect' })).toBeNull();
    await advance(3000);
    const buttons = within(row).getAllByRole('button').map((b) => b.textContent);
    expect(buttons[0]).toBe('Reconnect');
    expect(buttons.indexOf('Reconnect')).toBeLessThan(buttons.indexOf('Refresh'));
    // With a refresh token, an expired account still offers Refresh (it can renew itself).
    const renewable = account({ expires_at: iso(-60) });
    ipc.listAccounts.mockResolvedValue([renewable]);
    fire.accountsChanged.emit(undefined);
    await settle();
    expect(within(rowOf(root, renewable.id)).queryByRole('button', { name: 'Reconnect' })).toBeNull();
  });

  it('countdown shows seconds only under a minute, and the badge flips live', async () => {
    const a = account({ expires_at: iso(302) });
    ipc.listAccounts.mockResolvedValue([a]);
    const root = await mount();
    const row = rowOf(root, a.id);
    const countdown = row.querySelector('[data-testid="countdown"]')!;
    const status = row.querySelector('[data-testid="status"]')!;
    expect(countdown.textContent).toBe('Expires in 5 min');
    expect(status.textContent).toBe('Connected');

    await advance(1000);
    expect(countdown.textContent).toBe('Expires in 5 min');
    await advance(2000);
    expect(countdown.textContent).toBe('Expires in 4 min');
    expect(status.textContent).toBe('Expires in 4 min');
    expect(status.getAttribute('data-status')).toBe('expiring');
    await advance(240_000);
    expect(countdown.textContent).toBe('Expires in 59 s');
    await advance(1000);
    expect(countdown.textContent).toBe('Expires in 58 s');

    await advance(58_000);
    expect(status.textContent).toBe('Expired');
    expect(status.getAttribute('data-status')).toBe('expired');
    expect(countdown.textContent).toBe('Expired just now');
    await advance(120_000);
    expect(countdown.textContent).toBe('Expired 2 min ago');
    expect(ipc.listAccounts).toHaveBeenCalledTimes(1);
  });

  it('keeps the order Rust sends (most urgent first; the rule is tested in src-tauri/tests.rs)', async () => {
    const later = account({ expires_at: iso(7200) });
    const unknown = account({ expires_at: null });
    const expired = account({ expires_at: iso(-60) });
    const reconnect = account({ status: 'needs_reconnect', expires_at: iso(9000) });
    const soon = account({ expires_at: iso(120) });
    ipc.listAccounts.mockResolvedValue([reconnect, expired, soon, later, unknown]);
    const root = await mount();
    const ids = [...root.querySelectorAll('li[data-account-id]')].map((li) => li.getAttribute('data-account-id'));
    expect(ids).toEqual([reconnect.id, expired.id, soon.id, later.id, unknown.id]);
    // A listing in another order (Rust's answer after a refresh) moves the rows.
    ipc.listAccounts.mockResolvedValue([reconnect, soon, expired, later, unknown]);
    fire.accountsChanged.emit(undefined);
    await settle();
    const moved = [...root.querySelectorAll('li[data-account-id]')].map((li) => li.getAttribute('data-account-id'));
    expect(moved).toEqual([reconnect.id, soon.id, expired.id, later.id, unknown.id]);
  });

  it('shows the filter box only with more than five accounts, and filters by email or provider', async () => {
    const five = Array.from({ length: 5 }, () => account());
    ipc.listAccounts.mockResolvedValue(five);
    const root = await mount();
    expect(queryAllByRole(root, 'searchbox', { name: 'Filter accounts' })).toHaveLength(0);

    const six = [...five, account({ email: 'zed@corp.test', provider: 'entra', provider_label: 'Microsoft', preset: 'microsoft' })];
    ipc.listAccounts.mockResolvedValue(six);
    fire.accountsChanged.emit(undefined);
    await settle();
    const filter = getByRole(root, 'searchbox', { name: 'Filter accounts' }) as HTMLInputElement;

    const visible = () => [...root.querySelectorAll<HTMLElement>('li[data-account-id]')].filter((li) => !li.hidden).length;
    filter.value = 'zed@';
    filter.dispatchEvent(new Event('input'));
    expect(visible()).toBe(1);
    filter.value = 'microsoft';
    filter.dispatchEvent(new Event('input'));
    expect(visible()).toBe(1);
    filter.value = 'google';
    filter.dispatchEvent(new Event('input'));
    expect(visible()).toBe(5);
    filter.value = 'nobody';
    filter.dispatchEvent(new Event('input'));
    expect(visible()).toBe(0);
    const noMatch = root.querySelector<HTMLElement>('[data-testid="no-match"]')!;
    expect(noMatch.hidden).toBe(false);
    expect(noMatch.textContent).toContain('No accounts match “nobody”');
    getByRole(noMatch, 'button', { name: 'Clear filter' }).click();
    expect(visible()).toBe(6);
  });

  it('empty state explains what to do first, with one Connect account button', async () => {
    const root = await mount();
    const empty = root.querySelector<HTMLElement>('[data-testid="empty-state"]')!;
    expect(empty.hidden).toBe(false);
    expect(getByRole(root, 'heading', { name: 'Connect your first account' })).toBeTruthy();
    expect(queryAllByRole(root, 'button', { name: 'Connect account' })).toHaveLength(1);
    expect(queryAllByRole(root, 'list', { name: 'Accounts' })).toHaveLength(0);
  });

  it('the header keeps one Connect account button once accounts exist', async () => {
    ipc.listAccounts.mockResolvedValue([account()]);
    const root = await mount();
    expect(queryAllByRole(root, 'button', { name: 'Connect account' })).toHaveLength(1);
    expect(root.querySelector<HTMLElement>('[data-testid="empty-state"]')!.hidden).toBe(true);
  });

  it('calls uiReady once, after the first list is on screen', async () => {
    let resolve: (v: never[]) => void = () => undefined;
    ipc.listAccounts.mockReturnValueOnce(new Promise((r) => { resolve = r; }));
    const root = await mount();
    expect(ipc.uiReady).not.toHaveBeenCalled();
    resolve([]);
    await settle();
    expect(root.querySelector<HTMLElement>('[data-testid="empty-state"]')!.hidden).toBe(false);
    expect(ipc.uiReady, 'not before the list was painted').not.toHaveBeenCalled();
    await advance(50); // two animation frames
    expect(ipc.uiReady).toHaveBeenCalledTimes(1);
    fire.accountsChanged.emit(undefined);
    await settle();
    expect(ipc.listAccounts).toHaveBeenCalledTimes(2);
    expect(ipc.uiReady).toHaveBeenCalledTimes(1);
  });

  it('calls uiReady even when the first load fails, and offers Try again', async () => {
    ipc.listAccounts.mockRejectedValueOnce(new ipc.IpcFailure('other', 'AuthDeck could not read accounts.json.'));
    const root = await mount();
    await advance(50);
    expect(ipc.uiReady).toHaveBeenCalledTimes(1);
    const error = root.querySelector<HTMLElement>('[data-testid="load-error"]')!;
    expect(error.textContent).toContain('AuthDeck could not read accounts.json.');
    getByRole(error, 'button', { name: 'Try again' }).click();
    await settle();
    expect(error.hidden).toBe(true);
  });

  it('refetches on accountsChanged and when the window regains focus, keeping rows in place', async () => {
    const a = account({ email: 'alice@example.com', expires_at: iso(600) });
    ipc.listAccounts.mockResolvedValue([a]);
    const root = await mount();
    const before = rowOf(root, a.id);
    ipc.listAccounts.mockResolvedValue([{ ...a, expires_at: iso(3600) }]);
    fire.accountsChanged.emit(undefined);
    await settle();
    expect(rowOf(root, a.id)).toBe(before);
    expect(before.querySelector('[data-testid="countdown"]')!.textContent).toBe('Expires in 1 h');

    await advance(2000);
    ipc.listAccounts.mockResolvedValue([]);
    window.dispatchEvent(new Event('focus'));
    await settle();
    expect(ipc.listAccounts).toHaveBeenCalledTimes(3);
    expect(root.querySelector('li[data-account-id]')).toBeNull();
    expect(root.querySelector<HTMLElement>('[data-testid="empty-state"]')!.hidden).toBe(false);
  });

  it('shows when auto-refresh will run and switches it', async () => {
    const a = account({ auto_refresh: true, auto_refresh_at: iso(3300) });
    ipc.listAccounts.mockResolvedValue([a]);
    ipc.setAutoRefresh.mockResolvedValue({ ...a, auto_refresh: false, auto_refresh_at: null });
    const root = await mount();
    const row = rowOf(root, a.id);
    const toggle = within(row).getByRole('switch', { name: 'Auto-refresh' }) as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    expect(row.textContent).toContain('Next in 55 min');
    toggle.click();
    await settle();
    expect(ipc.setAutoRefresh).toHaveBeenCalledWith(a.id, false);
    expect(toggle.checked).toBe(false);
    expect(row.textContent).toContain('Off');
  });

  it('puts the switch back when switching fails', async () => {
    const a = account({ auto_refresh: true });
    ipc.listAccounts.mockResolvedValue([a]);
    ipc.setAutoRefresh.mockRejectedValue(new ipc.IpcFailure('other', 'Could not save.'));
    const root = await mount();
    const toggle = within(rowOf(root, a.id)).getByRole('switch', { name: 'Auto-refresh' }) as HTMLInputElement;
    toggle.click();
    await settle();
    expect(toggle.checked).toBe(true);
    expect(root.querySelector('[data-testid="toasts"]')!.textContent).toContain('Could not save.');
  });
});
