import { describe, expect, it, vi } from 'vitest';
import { getByRole, queryByRole, within } from '@testing-library/dom';
import { account, details, fire, iso, ipc, remoteCheck } from './fakeIpc';
import { mount, settle, useAppHarness } from './helpers';

vi.mock('../src/ipc', async () => (await import('./fakeIpc')).ipcModule);

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl';

useAppHarness();

async function openDetails(overrides = {}) {
  const a = account({ email: 'alice@example.com', ...overrides });
  ipc.listAccounts.mockResolvedValue([a]);
  ipc.accountDetails.mockResolvedValue(details(a));
  const root = await mount();
  within(root.querySelector<HTMLElement>(`li[data-account-id="${a.id}"]`)!).getByRole('button', { name: 'Details' }).click();
  await settle();
  const dialog = document.querySelector<HTMLDialogElement>('[data-testid="details-dialog"]')!;
  return { a, root, dialog };
}

describe('Details', () => {
  it('shows expiry, scopes, token type, decoded claims, endpoints and activity', async () => {
    const { a, dialog } = await openDetails();
    expect(ipc.accountDetails).toHaveBeenCalledWith(a.id);
    expect(dialog.open).toBe(true);
    expect(getByRole(dialog, 'heading', { name: 'alice@example.com' })).toBeTruthy();
    const text = dialog.textContent;
    expect(dialog.querySelector('[data-testid="details-expires"]')!.textContent).toMatch(/\(in 1 h\)$/);
    expect(text).toContain('Bearer');
    expect(text).toContain('Yes — AuthDeck can renew this sign-in by itself');
    // Decoded JWT header and claims, pretty-printed.
    expect(text).toContain('"alg": "RS256"');
    expect(text).toContain(`"sub": "${a.subject}"`);
    // The ID token in this fixture is opaque.
    expect(text).toContain('Opaque token (43 characters) — its contents can only be read by the provider');
    expect(text).toContain('https://oauth2.googleapis.com/token');
    expect(text).toContain('client-123.apps.googleusercontent.com');
    const activity = dialog.querySelector('[data-testid="activity"]')!;
    expect(activity.textContent).toContain('Refreshed');
    expect(activity.textContent).toContain('Refresh failed: accounts.google.com did not answer in time.');
    expect(activity.textContent).toContain('Connected');
    // Hand-outs name the program that took the token.
    expect(activity.querySelector('li')!.textContent).toMatch(/^Token handed to curl by authdeck exec/);
    expect(within(dialog).getByRole('switch', { name: 'Auto-refresh' })).toBeTruthy();
  });

  it('Check with provider asks only when clicked and shows the answer in plain words', async () => {
    const { a, dialog } = await openDetails();
    expect(ipc.checkWithProvider).not.toHaveBeenCalled();
    ipc.checkWithProvider.mockResolvedValue(remoteCheck());
    getByRole(dialog, 'button', { name: 'Check with provider' }).click();
    await settle();
    expect(ipc.checkWithProvider).toHaveBeenCalledWith(a.id);
    const answer = dialog.querySelector<HTMLElement>('[data-testid="remote-check"]')!;
    expect(answer.querySelector('[data-testid="remote-check-summary"]')!.textContent).toBe("Google still accepts this account's token.");
    expect(answer.textContent).toContain('Token introspection (RFC 7662)');
    expect(answer.textContent).toContain('openid email');
    expect(answer.querySelector('[data-active]')!.getAttribute('data-active')).toBe('true');
  });

  it('Check with provider: a token the provider no longer accepts, a fallback, a failure', async () => {
    const { dialog } = await openDetails();
    const summary =
      "Google no longer accepts this account's token: it was revoked or has expired at Google. Reconnect the account to keep using it. It does not let AuthDeck use its token check (introspection), so AuthDeck asked its user information instead.";
    ipc.checkWithProvider.mockResolvedValue(remoteCheck({ method: 'userinfo', active: false, scopes: null, expires_at: null, client_id: null, summary }));
    getByRole(dialog, 'button', { name: 'Check with provider' }).click();
    await settle();
    const answer = dialog.querySelector<HTMLElement>('[data-testid="remote-check"]')!;
    expect(answer.textContent).toContain(summary);
    expect(answer.textContent).toContain('User information endpoint');
    expect(answer.textContent).not.toContain('Client ID');
    expect(answer.querySelector('[data-active]')!.getAttribute('data-active')).toBe('false');

    ipc.checkWithProvider.mockRejectedValue(new ipc.IpcFailure('other', 'Could not connect to Google (oauth2.googleapis.com). Check your internet connection and try again.'));
    getByRole(dialog, 'button', { name: 'Check with provider' }).click();
    await settle();
    expect(answer.querySelector('[data-testid="remote-check-failed"]')!.textContent).toBe(
      'Could not connect to Google (oauth2.googleapis.com). Check your internet connection and try again.',
    );
    expect(getByRole(dialog, 'button', { name: 'Check with provider' }).hasAttribute('disabled')).toBe(false);
  });

  it('keeps the raw scope names, each beside its plain words', async () => {
    const { a, dialog } = await openDetails();
    const list = within(dialog).getByRole('list', { name: 'Granted scopes' });
    const lines = [...list.querySelectorAll('li')].map((li) => [li.querySelector('.scope-words')?.textContent ?? null, li.querySelector('code')!.textContent]);
    expect(lines).toEqual([
      ['Know who you are', 'openid'],
      ['Your email address', 'email'],
      ['Your name and picture', 'profile'],
    ]);
    expect(a.scopes).toEqual(['openid', 'email', 'profile']);
  });

  it('never calls revealToken until Reveal is clicked, and Hide removes the token', async () => {
    const { dialog } = await openDetails();
    expect(ipc.revealToken).not.toHaveBeenCalled();
    expect(dialog.querySelector('[data-testid="revealed-token"]')).toBeNull();
    expect(document.body.textContent).not.toContain(TOKEN);

    ipc.revealToken.mockResolvedValue(TOKEN);
    getByRole(dialog, 'button', { name: 'Reveal' }).click();
    await settle();
    expect(ipc.revealToken).toHaveBeenCalledTimes(1);
    // The click's one-time grant is asked for first and handed to the reveal.
    expect(ipc.beginReveal).toHaveBeenCalledTimes(1);
    expect(ipc.revealToken).toHaveBeenCalledWith(ipc.beginReveal.mock.calls[0]![0], 'grant-1');
    const box = dialog.querySelector('[data-testid="revealed-token"]')!;
    expect(box.textContent).toBe(TOKEN);
    expect(queryByRole(dialog, 'button', { name: 'Reveal' })).toBeNull();

    // The activity refresh that follows a reveal keeps the box.
    fire.accountsChanged.emit(undefined);
    await settle();
    expect(dialog.querySelector('[data-testid="revealed-token"]')!.textContent).toBe(TOKEN);

    getByRole(dialog, 'button', { name: 'Hide' }).click();
    expect(dialog.querySelector('[data-testid="revealed-token"]')).toBeNull();
    expect(document.body.textContent).not.toContain(TOKEN);
    expect(document.activeElement).toBe(getByRole(dialog, 'button', { name: 'Reveal' }));
  });

  it('a reveal Rust refuses shows its sentence and no token', async () => {
    const { dialog } = await openDetails();
    ipc.revealToken.mockRejectedValue(new ipc.IpcFailure('other', "To see the token, click Reveal in the account's details again."));
    getByRole(dialog, 'button', { name: 'Reveal' }).click();
    await settle();
    expect(dialog.querySelector('[data-testid="revealed-token"]')).toBeNull();
    expect(document.querySelector('[data-testid="toasts"]')!.textContent).toContain('click Reveal in the account');
    expect(getByRole(dialog, 'button', { name: 'Reveal' })).toBeTruthy();
  });

  it('closing the dialog forgets a revealed token', async () => {
    const { dialog } = await openDetails();
    ipc.revealToken.mockResolvedValue(TOKEN);
    getByRole(dialog, 'button', { name: 'Reveal' }).click();
    await settle();
    dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    expect(dialog.isConnected).toBe(false);
    expect(document.body.textContent).not.toContain(TOKEN);
    expect(localStorage.length).toBe(0);
    // The toasts went back to the page.
    expect(document.querySelector('#app > [data-testid="toasts"]')).not.toBeNull();
  });

  it('says "Opaque token" for an opaque access token', async () => {
    const a = account();
    ipc.listAccounts.mockResolvedValue([a]);
    ipc.accountDetails.mockResolvedValue(
      details(a, { access_token: { format: 'opaque', length: 40, header: null, claims: null }, id_token: null }),
    );
    const root = await mount();
    within(root.querySelector<HTMLElement>(`li[data-account-id="${a.id}"]`)!).getByRole('button', { name: 'Details' }).click();
    await settle();
    const dialog = document.querySelector<HTMLDialogElement>('[data-testid="details-dialog"]')!;
    expect(dialog.textContent).toContain('Opaque token (40 characters) — its contents can only be read by the provider');
    expect(dialog.textContent).not.toContain('ID token');
  });

  it('a failed reveal that needs reconnecting offers Reconnect', async () => {
    const { dialog } = await openDetails();
    ipc.revealToken.mockRejectedValue(new ipc.IpcFailure('needs_reconnect', 'Your Google sign-in has ended. Connect the account again to keep using it.'));
    getByRole(dialog, 'button', { name: 'Reveal' }).click();
    await settle();
    expect(dialog.querySelector('[data-testid="revealed-token"]')).toBeNull();
    // Toasts move into the open dialog, so they stay usable above it.
    const toasts = document.querySelector<HTMLElement>('[data-testid="toasts"]')!;
    expect(dialog.contains(toasts)).toBe(true);
    expect(toasts.textContent).toContain('Your Google sign-in has ended.');
    ipc.reconnectAccount.mockReturnValue(new Promise(() => undefined));
    getByRole(toasts, 'button', { name: 'Reconnect' }).click();
    await settle();
    expect(dialog.isConnected).toBe(false);
    expect(document.querySelector('[data-testid="connect-dialog"]')!.contains(toasts)).toBe(true);
    expect(ipc.reconnectAccount).toHaveBeenCalledTimes(1);
  });

  it('shows the last error and unknown expiry plainly', async () => {
    const a = account({ expires_at: null });
    ipc.listAccounts.mockResolvedValue([a]);
    ipc.accountDetails.mockResolvedValue(details(a, { expires_at: null, last_error: 'The provider refused the request.', last_error_at: iso(-120), has_refresh_token: false }));
    const root = await mount();
    within(root.querySelector<HTMLElement>(`li[data-account-id="${a.id}"]`)!).getByRole('button', { name: 'Details' }).click();
    await settle();
    const dialog = document.querySelector<HTMLDialogElement>('[data-testid="details-dialog"]')!;
    expect(dialog.querySelector('[data-testid="details-expires"]')!.textContent).toBe('Unknown — the provider did not say');
    expect(dialog.textContent).toContain('The provider refused the request.');
    expect(dialog.textContent).toContain('No — when the token expires you will need to reconnect');
  });

  it('an account that went away says so', async () => {
    const { dialog } = await openDetails();
    ipc.accountDetails.mockRejectedValue(new ipc.IpcFailure('not_found', 'There is no connected account "acct-1".'));
    fire.accountsChanged.emit(undefined);
    await settle();
    expect(dialog.textContent).toContain('This account is no longer available');
  });
});
