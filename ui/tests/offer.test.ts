import { describe, expect, it, vi } from 'vitest';
import { getByRole, queryByRole } from '@testing-library/dom';
import { account, fire, ipc, started } from './fakeIpc';
import type { ProviderOffer } from '../src/ipc';
import { mount, settle, useAppHarness } from './helpers';

vi.mock('../src/ipc', async () => (await import('./fakeIpc')).ipcModule);

useAppHarness();

const dialog = () => document.querySelector<HTMLDialogElement>('[data-testid="connect-dialog"]');
const toasts = () => document.querySelector<HTMLElement>('[data-testid="toasts"]')!;

const OFFER: ProviderOffer = {
  id: 'offer-1',
  name: 'work',
  label: 'Work sign-in',
  host: 'login.example.com',
  access: ['Know who you are', 'Your email address', 'Stay signed in'],
  scopes: ['openid', 'email', 'offline_access'],
  registers: true,
};

describe('A provider offered by link or file', () => {
  it('shows the label, the host in large type, the access and exactly two choices', async () => {
    await mount();
    fire.providerOffered.emit({ offer: OFFER, error: null });
    await settle();
    const d = dialog()!;
    expect(d.open).toBe(true);
    expect(getByRole(d, 'heading', { name: 'Add Work sign-in?' })).toBeTruthy();
    const host = d.querySelector<HTMLElement>('[data-testid="offer-host"]')!;
    expect(host.textContent).toBe('login.example.com');
    expect(host.classList.contains('offer-host')).toBe(true);
    const access = getByRole(d, 'list', { name: 'Access asked for' });
    expect([...access.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['Know who you are', 'Your email address', 'Stay signed in']);
    expect(d.querySelector('.offer-details')!.textContent).toContain('Scopes: openid email offline_access');
    const buttons = [...d.querySelectorAll<HTMLButtonElement>('.dialog-body button')].map((b) => b.textContent);
    expect(buttons).toEqual(['Cancel', 'Add and connect']);
    expect(ipc.acceptProviderOffer).not.toHaveBeenCalled();
    expect(ipc.addProvider).not.toHaveBeenCalled();
  });

  it('Add and connect adds it and waits for the sign-in, which ends connected', async () => {
    ipc.acceptProviderOffer.mockResolvedValue(started('h-9'));
    await mount();
    fire.providerOffered.emit({ offer: OFFER, error: null });
    await settle();
    getByRole(dialog()!, 'button', { name: 'Add and connect' }).click();
    await settle();
    expect(ipc.acceptProviderOffer).toHaveBeenCalledWith('offer-1');
    expect(dialog()!.querySelector('[data-testid="login-waiting"]')).toBeTruthy();
    const alice = account({ email: 'alice@example.com' });
    ipc.listAccounts.mockResolvedValue([alice]);
    fire.loginFinished.emit({ handle: 'h-9', account: alice, error: null });
    await settle();
    expect(dialog()).toBeNull();
    expect(toasts().textContent).toContain('Connected');
    expect(ipc.declineProviderOffer).not.toHaveBeenCalled();
  });

  it('Cancel (or closing) adds nothing', async () => {
    await mount();
    fire.providerOffered.emit({ offer: OFFER, error: null });
    await settle();
    getByRole(dialog()!, 'button', { name: 'Cancel' }).click();
    await settle();
    expect(dialog()).toBeNull();
    expect(ipc.declineProviderOffer).toHaveBeenCalledTimes(1);
    expect(ipc.declineProviderOffer).toHaveBeenCalledWith('offer-1');
    expect(ipc.acceptProviderOffer).not.toHaveBeenCalled();

    fire.providerOffered.emit({ offer: { ...OFFER, id: 'offer-2' }, error: null });
    await settle();
    getByRole(dialog()!, 'button', { name: 'Close' }).click();
    await settle();
    expect(ipc.declineProviderOffer).toHaveBeenLastCalledWith('offer-2');
    expect(ipc.acceptProviderOffer).not.toHaveBeenCalled();
  });

  it('an offer that arrived before the window listened (cold start) is shown once', async () => {
    ipc.providerOffer.mockResolvedValue({ offer: OFFER, error: null });
    await mount();
    await settle();
    expect(getByRole(dialog()!, 'button', { name: 'Add and connect' })).toBeTruthy();
    fire.providerOffered.emit({ offer: OFFER, error: null });
    await settle();
    expect(document.querySelectorAll('[data-testid="connect-dialog"]').length).toBe(1);
    expect(ipc.declineProviderOffer).not.toHaveBeenCalled();
  });

  it('a refused link is one plain sentence and no confirmation', async () => {
    await mount();
    const message = 'This provider file carries a secret ("client_secret"), which AuthDeck never takes from a file or a link, so nothing was added.';
    fire.providerOffered.emit({ offer: null, error: { kind: 'other', message, details: null } });
    await settle();
    expect(dialog()).toBeNull();
    expect(toasts().textContent).toContain(message);
    expect(queryByRole(document.body, 'button', { name: 'Add and connect' })).toBeNull();
  });
});
