import { describe, expect, it, vi } from 'vitest';
import { getByLabelText, getByRole, queryByRole, within } from '@testing-library/dom';
import { account, DEMO_PROVIDER, fire, ipc, started } from './fakeIpc';
import { mount, settle, useAppHarness } from './helpers';

vi.mock('../src/ipc', async () => (await import('./fakeIpc')).ipcModule);

useAppHarness();

const dialog = () => document.querySelector<HTMLDialogElement>('[data-testid="connect-dialog"]');
const toasts = () => document.querySelector<HTMLElement>('[data-testid="toasts"]')!;

/** Types `value` into the field labelled `label`, as a person would (one input event). */
function typeInto(scope: HTMLElement, label: string, value: string) {
  const input = getByLabelText(scope, label) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

async function openWaiting(browserError: string | null = null) {
  ipc.listAccounts.mockResolvedValue([account()]);
  ipc.startLogin.mockResolvedValue(started('h-1', browserError));
  const root = await mount();
  getByRole(root, 'button', { name: 'Connect account' }).click();
  await settle();
  getByRole(dialog()!, 'button', { name: 'Local demo provider' }).click();
  await settle();
  return root;
}

describe('Connect account', () => {
  it('lists configured providers as buttons named by their label', async () => {
    ipc.listProviders.mockResolvedValue([DEMO_PROVIDER, { ...DEMO_PROVIDER, name: 'google', label: 'Google', preset: 'google' }]);
    const root = await mount();
    getByRole(root, 'button', { name: 'Connect account' }).click();
    await settle();
    const d = dialog()!;
    expect(d.open).toBe(true);
    expect(getByRole(d, 'heading', { name: 'Connect an account' })).toBeTruthy();
    expect(getByRole(d, 'button', { name: 'Google' })).toBeTruthy();
    const demo = getByRole(d, 'button', { name: 'Local demo provider' });
    // Text-based lookups (XPath normalize-space) find it too; the host is described, not named.
    expect(demo.textContent).toBe('Local demo provider');
    expect(demo.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(demo.getAttribute('aria-describedby')!)!.textContent).toBe('127.0.0.1:4000');
    expect(getByRole(d, 'button', { name: 'Add a provider' })).toBeTruthy();
    expect(getByRole(d, 'button', { name: 'Cancel' })).toBeTruthy();
  });

  it('choosing a provider starts the sign-in and shows the waiting view', async () => {
    await openWaiting();
    expect(ipc.startLogin).toHaveBeenCalledWith('demo');
    const waiting = dialog()!.querySelector<HTMLElement>('[data-testid="login-waiting"]')!;
    expect(waiting.textContent).toContain('Waiting for you to finish in your browser…');
    expect(getByRole(waiting, 'textbox', { name: 'Paste the address you were sent to' })).toBeTruthy();
    expect(getByRole(waiting, 'button', { name: 'Use this address' })).toBeTruthy();
    expect(getByRole(waiting, 'button', { name: 'Cancel' })).toBeTruthy();
    expect(waiting.querySelector('[data-testid="browser-error"]')).toBeNull();
  });

  it('loginFinished with an account closes it, toasts and highlights the row', async () => {
    const root = await openWaiting();
    const alice = account({ email: 'alice@example.com' });
    ipc.listAccounts.mockResolvedValue([alice]);
    fire.loginFinished.emit({ handle: 'h-1', account: alice, error: null });
    await settle();
    expect(dialog()).toBeNull();
    expect(toasts().textContent).toContain('Connected alice@example.com');
    const row = root.querySelector<HTMLElement>(`li[data-account-id="${alice.id}"]`)!;
    expect(row.classList.contains('is-new')).toBe(true);
    // The deep-link event for the same sign-in does not toast twice.
    fire.callbackHandled.emit({ account: alice, error: null });
    await settle();
    expect(toasts().textContent!.match(/Connected alice@example.com/g)).toHaveLength(1);
  });

  it('ignores loginFinished for another sign-in', async () => {
    await openWaiting();
    fire.loginFinished.emit({ handle: 'other', account: null, error: { kind: 'other', message: 'x', details: null } });
    expect(dialog()!.querySelector('[data-testid="login-waiting"]')).not.toBeNull();
  });

  it('loginFinished with an error shows it with Try again', async () => {
    await openWaiting();
    fire.loginFinished.emit({ handle: 'h-1', account: null, error: { kind: 'other', message: 'The sign-in was cancelled at the provider. Nothing was connected.', details: null } });
    await settle();
    const d = dialog()!;
    expect(d.querySelector('[data-testid="login-waiting"]')).toBeNull();
    expect(d.textContent).toContain("The sign-in didn't finish");
    expect(d.textContent).toContain('The sign-in was cancelled at the provider.');
    ipc.startLogin.mockResolvedValue(started('h-2'));
    getByRole(d, 'button', { name: 'Try again' }).click();
    await settle();
    expect(ipc.startLogin).toHaveBeenLastCalledWith('demo');
    expect(d.querySelector('[data-testid="login-waiting"]')).not.toBeNull();
  });

  it('a forged pasted address shows the plain message and keeps waiting', async () => {
    await openWaiting();
    const waiting = dialog()!.querySelector<HTMLElement>('[data-testid="login-waiting"]')!;
    const input = getByRole(waiting, 'textbox', { name: 'Paste the address you were sent to' }) as HTMLInputElement;
    ipc.submitCallback.mockRejectedValue(new ipc.IpcFailure('invalid_callback', 'That address is not a sign-in answer AuthDeck can read.'));
    input.value = 'dev.authdeck.app:/oauth/callback?code=forged&state=nope';
    getByRole(waiting, 'button', { name: 'Use this address' }).click();
    await settle();
    expect(ipc.submitCallback).toHaveBeenCalledWith('dev.authdeck.app:/oauth/callback?code=forged&state=nope');
    expect(getByRole(waiting, 'alert').textContent).toContain('That address is not a sign-in answer AuthDeck can read.');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(dialog()!.querySelector('[data-testid="login-waiting"]')).toBe(waiting);
    expect(ipc.cancelLogin).not.toHaveBeenCalled();
  });

  it('an empty paste asks for the address without calling Rust', async () => {
    await openWaiting();
    const waiting = dialog()!.querySelector<HTMLElement>('[data-testid="login-waiting"]')!;
    getByRole(waiting, 'button', { name: 'Use this address' }).click();
    await settle();
    expect(ipc.submitCallback).not.toHaveBeenCalled();
    expect(getByRole(waiting, 'alert').textContent).toContain('Paste the address');
  });

  it('a good pasted address connects the account', async () => {
    await openWaiting();
    const bob = account({ email: 'bob@example.com' });
    ipc.submitCallback.mockResolvedValue(bob);
    ipc.listAccounts.mockResolvedValue([bob]);
    const waiting = dialog()!.querySelector<HTMLElement>('[data-testid="login-waiting"]')!;
    (getByRole(waiting, 'textbox', { name: 'Paste the address you were sent to' }) as HTMLInputElement).value = 'dev.authdeck.app:/oauth/callback?code=c&state=s';
    getByRole(waiting, 'button', { name: 'Use this address' }).click();
    await settle();
    expect(dialog()).toBeNull();
    expect(toasts().textContent).toContain('Connected bob@example.com');
    fire.loginFinished.emit({ handle: 'h-1', account: bob, error: null });
    await settle();
    expect(toasts().textContent!.match(/Connected bob@example.com/g)).toHaveLength(1);
    expect(ipc.cancelLogin).not.toHaveBeenCalled();
  });

  it('a failing deep link while waiting is shown in the dialog, not as a toast', async () => {
    await openWaiting();
    fire.callbackHandled.emit({ account: null, error: { kind: 'invalid_callback', message: 'That sign-in answer did not come from the provider the sign-in was sent to.', details: null } });
    const waiting = dialog()!.querySelector<HTMLElement>('[data-testid="login-waiting"]')!;
    expect(getByRole(waiting, 'alert').textContent).toContain('did not come from the provider');
    expect(toasts().textContent).toBe('');
  });

  it('Cancel stops the sign-in', async () => {
    await openWaiting();
    getByRole(dialog()!, 'button', { name: 'Cancel' }).click();
    await settle();
    expect(ipc.cancelLogin).toHaveBeenCalledWith('h-1');
    expect(dialog()).toBeNull();
  });

  it('Escape closes the dialog, stops the sign-in and returns focus', async () => {
    ipc.listAccounts.mockResolvedValue([account()]);
    ipc.startLogin.mockResolvedValue(started('h-9'));
    const root = await mount();
    const open = getByRole(root, 'button', { name: 'Connect account' });
    open.focus();
    open.click();
    await settle();
    getByRole(dialog()!, 'button', { name: 'Local demo provider' }).click();
    await settle();
    dialog()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    await settle();
    expect(dialog()).toBeNull();
    expect(ipc.cancelLogin).toHaveBeenCalledWith('h-9');
    expect(document.activeElement).toBe(open);
  });

  it("offers the address when the browser didn't open", async () => {
    await openWaiting('No browser is installed.');
    const box = dialog()!.querySelector<HTMLElement>('[data-testid="browser-error"]')!;
    expect(box.textContent).toContain("Your browser didn't open. Open this address:");
    const field = getByRole(box, 'textbox', { name: 'Sign-in address' }) as HTMLInputElement;
    expect(field.value).toBe('http://127.0.0.1:4000/auth?client_id=authdeck&state=abc');
    expect(field.readOnly).toBe(true);
  });

  it('shows a start failure in the chooser', async () => {
    ipc.listAccounts.mockResolvedValue([account()]);
    ipc.startLogin.mockRejectedValue(new ipc.IpcFailure('other', 'Could not connect to 127.0.0.1. Check your internet connection and try again.'));
    const root = await mount();
    getByRole(root, 'button', { name: 'Connect account' }).click();
    await settle();
    getByRole(dialog()!, 'button', { name: 'Local demo provider' }).click();
    await settle();
    expect(getByRole(dialog()!, 'alert').textContent).toContain('Could not connect to 127.0.0.1.');
    expect(getByRole(dialog()!, 'button', { name: 'Local demo provider' })).toHaveProperty('disabled', false);
  });

  it('Reconnect on a row starts the waiting flow for that account', async () => {
    const a = account({ email: 'alice@example.com', status: 'needs_reconnect' });
    ipc.listAccounts.mockResolvedValue([a]);
    ipc.reconnectAccount.mockResolvedValue(started('h-r'));
    const root = await mount();
    within(root.querySelector<HTMLElement>(`li[data-account-id="${a.id}"]`)!).getByRole('button', { name: 'Reconnect' }).click();
    await settle();
    expect(ipc.reconnectAccount).toHaveBeenCalledWith(a.id);
    const d = dialog()!;
    expect(getByRole(d, 'heading', { name: 'Reconnect alice@example.com' })).toBeTruthy();
    expect(d.querySelector('[data-testid="login-waiting"]')).not.toBeNull();
    ipc.listAccounts.mockResolvedValue([{ ...a, status: 'valid' }]);
    fire.loginFinished.emit({ handle: 'h-r', account: { ...a, status: 'valid' }, error: null });
    await settle();
    expect(dialog()).toBeNull();
    expect(queryByRole(root.querySelector<HTMLElement>(`li[data-account-id="${a.id}"]`)!, 'button', { name: 'Reconnect' })).toBeNull();
  });
});

describe('Add a provider', () => {
  async function openForm() {
    ipc.listProviders.mockResolvedValue([]);
    const root = await mount();
    getByRole(root, 'button', { name: 'Connect account' }).click();
    await settle();
    const d = dialog()!;
    return { root, d, form: getByRole(d, 'form', { name: 'Add a provider' }) };
  }

  it('is shown first when no provider exists, with the preset choices', async () => {
    const { d } = await openForm();
    expect(getByRole(d, 'heading', { name: 'Add a provider' })).toBeTruthy();
    for (const name of ['Google', 'Microsoft', 'GitHub', 'GitLab', 'Other (OpenID Connect)']) {
      expect(getByRole(d, 'radio', { name })).toBeTruthy();
    }
  });

  it('shows the redirect URI to register, for the default and for loopback', async () => {
    const { d } = await openForm();
    const uri = d.querySelector('[data-testid="redirect-uri"]')!;
    expect(d.textContent).toContain('Register this redirect URI with the provider:');
    // Google defaults to a local address.
    expect(uri.textContent).toBe('http://127.0.0.1/callback');
    getByRole(d, 'radio', { name: /Default: open AuthDeck by link/ }).click();
    expect(uri.textContent).toBe('dev.authdeck.app:/oauth/callback');
    getByRole(d, 'radio', { name: /Use a local address \(loopback\)/ }).click();
    expect(uri.textContent).toBe('http://127.0.0.1/callback');
  });

  it('checks required fields before sending', async () => {
    const { d, form } = await openForm();
    getByRole(d, 'radio', { name: 'Other (OpenID Connect)' }).click();
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(ipc.addProvider).not.toHaveBeenCalled();
    const issuer = getByLabelText(d, 'Issuer address') as HTMLInputElement;
    const clientId = getByLabelText(d, 'Client ID') as HTMLInputElement;
    expect(issuer.getAttribute('aria-invalid')).toBe('true');
    // "Other" needs no client ID: AuthDeck registers itself where the provider allows it.
    expect(clientId.hasAttribute('aria-invalid')).toBe(false);
    expect(clientId.required).toBe(false);
    expect(document.activeElement).toBe(issuer);
    // A named preset does need one.
    getByRole(d, 'radio', { name: 'Google' }).click();
    expect(clientId.required).toBe(true);
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(ipc.addProvider).not.toHaveBeenCalled();
    expect(clientId.getAttribute('aria-invalid')).toBe('true');
    expect(d.textContent).toContain('Enter the client ID you got from the provider.');
  });

  it('"Other (OpenID Connect)" with only an address: added without a client ID, for Rust to register', async () => {
    const { d, form } = await openForm();
    getByRole(d, 'radio', { name: 'Other (OpenID Connect)' }).click();
    expect(d.textContent).toContain('AuthDeck then registers itself with the provider');
    typeInto(d, 'Issuer address', 'https://login.example.com');
    const added = { ...DEMO_PROVIDER, name: 'example', label: 'example' };
    ipc.addProvider.mockResolvedValue(added);
    ipc.listProviders.mockResolvedValue([added]);
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(ipc.addProvider).toHaveBeenCalledWith(
      { name: 'example', label: null, preset: 'oidc', issuer: 'https://login.example.com', client_id: '', tenant: null },
      null,
    );
    expect(d.textContent).toContain('Added example.');
  });

  it('a provider that cannot register AuthDeck says so in one sentence, and nothing is added', async () => {
    const { d, form } = await openForm();
    getByRole(d, 'radio', { name: 'Other (OpenID Connect)' }).click();
    typeInto(d, 'Issuer address', 'https://login.example.com');
    const sentence = 'This provider needs a client ID from its administrator, because it does not let AuthDeck register itself.';
    ipc.addProvider.mockRejectedValue({ kind: 'invalid_input', message: sentence, details: null });
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(d.querySelector('.form-error')!.textContent).toBe(sentence);
    expect(ipc.listProviders).toHaveBeenCalledTimes(1);
  });

  it('adds the provider (secret apart) and offers it to connect', async () => {
    const { d, form } = await openForm();
    getByRole(d, 'radio', { name: 'Other (OpenID Connect)' }).click();
    typeInto(d, 'Issuer address', 'https://login.example.com');
    typeInto(d, 'Client ID', 'authdeck');
    typeInto(d, 'Client secret', 'demo-secret');
    expect((getByLabelText(d, 'Short name') as HTMLInputElement).value).toBe('example');
    typeInto(d, 'Display name', 'Example SSO');
    expect((getByLabelText(d, 'Short name') as HTMLInputElement).value).toBe('example-sso');
    getByRole(d, 'radio', { name: /Use a local address/ }).click();
    const added = { ...DEMO_PROVIDER, name: 'example-sso', label: 'Example SSO' };
    ipc.addProvider.mockResolvedValue(added);
    ipc.listProviders.mockResolvedValue([added]);
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(ipc.addProvider).toHaveBeenCalledWith(
      {
        name: 'example-sso',
        label: 'Example SSO',
        preset: 'oidc',
        issuer: 'https://login.example.com',
        client_id: 'authdeck',
        tenant: null,
        loopback: true,
      },
      'demo-secret',
    );
    const choice = getByRole(d, 'button', { name: 'Example SSO' });
    expect(document.activeElement).toBe(choice);
    expect(d.textContent).toContain('Added Example SSO.');
    expect(d.textContent).not.toContain('demo-secret');
  });

  it('a typed address (no https://) is looked up first, and what was found is shown before adding', async () => {
    const { d, form } = await openForm();
    getByRole(d, 'radio', { name: 'Other (OpenID Connect)' }).click();
    typeInto(d, 'Issuer address', 'login.example.com');
    typeInto(d, 'Client ID', 'authdeck');
    ipc.findIssuer.mockResolvedValue({ issuer: 'https://login.example.com', host: 'login.example.com', name: 'Example SSO', oidc: true });
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(ipc.findIssuer).toHaveBeenCalledWith('login.example.com');
    expect(ipc.addProvider).not.toHaveBeenCalled();
    const shown = d.querySelector<HTMLElement>('[data-testid="found-issuer"]')!;
    expect(shown.hidden).toBe(false);
    expect(shown.querySelector('[data-testid="found-host"]')!.textContent).toBe('login.example.com');
    expect(shown.textContent).toContain('Example SSO');
    expect(shown.textContent).toContain('https://login.example.com');
    expect((getByLabelText(d, 'Issuer address') as HTMLInputElement).value).toBe('https://login.example.com');

    ipc.addProvider.mockResolvedValue({ ...DEMO_PROVIDER, name: 'example' });
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(ipc.findIssuer).toHaveBeenCalledTimes(1);
    expect(ipc.addProvider).toHaveBeenCalledWith(expect.objectContaining({ issuer: 'https://login.example.com', preset: 'oidc' }), null);
  });

  it('an address with no sign-in service behind it says so at the field and adds nothing', async () => {
    const { d, form } = await openForm();
    getByRole(d, 'radio', { name: 'Other (OpenID Connect)' }).click();
    typeInto(d, 'Issuer address', 'nothing.example.com');
    typeInto(d, 'Client ID', 'authdeck');
    const issuer = getByLabelText(d, 'Issuer address') as HTMLInputElement;
    ipc.findIssuer.mockRejectedValue({ kind: 'other', message: 'No sign-in service was found at nothing.example.com. Check the address, or ask your administrator for the issuer address.', details: null });
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(ipc.addProvider).not.toHaveBeenCalled();
    expect(issuer.getAttribute('aria-invalid')).toBe('true');
    expect(d.textContent).toContain('No sign-in service was found at nothing.example.com.');
    expect(d.querySelector<HTMLElement>('[data-testid="found-issuer"]')!.hidden).toBe(true);
    expect(document.activeElement).toBe(issuer);
  });

  it('shows what Rust refused', async () => {
    const { d, form } = await openForm();
    typeInto(d, 'Client ID', 'x');
    ipc.addProvider.mockRejectedValue(new ipc.IpcFailure('other', 'A provider called "google" already exists. Pick another name or remove it first.'));
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(getByRole(d, 'alert').textContent).toContain('already exists');
  });
});
