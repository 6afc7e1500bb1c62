import { describe, expect, it, vi } from 'vitest';
import { getByRole, getAllByRole, queryAllByRole } from '@testing-library/dom';
import { account, DEMO_PROVIDER, fire, ipc, iso, NOW, started } from './fakeIpc';
import { advance, mount, settle, useAppHarness } from './helpers';
import type { DeviceStarted } from '../src/ipc';
import { countdown, qrImage } from '../src/views/connect/deviceCode';

vi.mock('../src/ipc', async () => (await import('./fakeIpc')).ipcModule);

useAppHarness();

const dialog = () => document.querySelector<HTMLDialogElement>('[data-testid="connect-dialog"]');

const QR = '<?xml version="1.0" standalone="yes"?><svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="232" height="232" viewBox="0 0 29 29" shape-rendering="crispEdges"><path fill="#ffffff" d="M0 0h29v29H0z"/><path fill="#000000" d="M4 4h7v1H4M18 4h7v1H18"/></svg>';

function deviceStarted(handle = 'd-1'): DeviceStarted {
  return {
    code: {
      handle,
      user_code: 'WDJB-MJHT',
      verification_uri: 'https://id.example.com/device',
      verification_uri_complete: 'https://id.example.com/device?user_code=WDJB-MJHT',
      verification_host: 'id.example.com',
      expires_at: iso(600),
      interval_seconds: 5,
    },
    qr_svg: QR,
  };
}

async function openChooser(providers = [DEMO_PROVIDER]) {
  ipc.listProviders.mockResolvedValue(providers);
  const root = await mount();
  getByRole(root, 'button', { name: 'Connect account' }).click();
  await settle();
  return dialog()!;
}

async function openDevice() {
  ipc.startDeviceLogin.mockResolvedValue(deviceStarted());
  const d = await openChooser();
  getByRole(d, 'button', { name: 'Sign in with a code' }).click();
  await settle();
  return d.querySelector<HTMLElement>('[data-testid="device-waiting"]')!;
}

describe('Sign in with a code', () => {
  it('is offered beside the browser sign-in only for providers that offer it', async () => {
    const plain = { ...DEMO_PROVIDER, name: 'plain', label: 'Plain OAuth', issuer: null, device_sign_in: false };
    const d = await openChooser([DEMO_PROVIDER, plain]);
    const offers = getAllByRole(d, 'button', { name: 'Sign in with a code' });
    expect(offers).toHaveLength(1);
    expect(offers[0]?.getAttribute('data-device')).toBe('demo');
    expect(getByRole(d, 'button', { name: 'Plain OAuth' })).toBeTruthy();
  });

  it('comes first, with one sentence why, where the browser cannot hand sign-ins back', async () => {
    const plain = { ...DEMO_PROVIDER, name: 'plain', label: 'Plain OAuth', issuer: null, device_sign_in: false };
    const d = await openChooser([{ ...DEMO_PROVIDER, code_first: true }, plain]);
    const note = d.querySelector<HTMLElement>('[data-testid="code-first"]')!;
    expect(note.textContent).toContain('Your browser cannot hand sign-ins back to AuthDeck on this computer');
    const offer = getByRole(d, 'button', { name: 'Sign in with a code' });
    expect(offer.classList.contains('btn-primary')).toBe(true);
    expect(document.activeElement).toBe(offer);
    // The browser sign-in is still there for whoever wants it.
    expect(getByRole(d, 'button', { name: 'Local demo provider' })).toBeTruthy();
  });

  it('is not pushed where links come back', async () => {
    const d = await openChooser();
    expect(d.querySelector('[data-testid="code-first"]')).toBeNull();
    expect(getByRole(d, 'button', { name: 'Sign in with a code' }).classList.contains('btn-primary')).toBe(false);
  });

  it('a browser sign-in still waiting after a while offers the code at the top, and it takes over', async () => {
    ipc.startLogin.mockResolvedValue(started('h-1'));
    ipc.startDeviceLogin.mockResolvedValue(deviceStarted());
    const d = await openChooser();
    getByRole(d, 'button', { name: 'Local demo provider' }).click();
    await settle();
    expect(d.querySelector('[data-testid="login-waiting"]')).not.toBeNull();
    expect(d.querySelector('[data-testid="code-offer"]')).toBeNull();
    await advance(44_000);
    expect(d.querySelector('[data-testid="code-offer"]')).toBeNull();
    await advance(1_000);
    const offer = d.querySelector<HTMLElement>('[data-testid="code-offer"]')!;
    expect(offer.textContent).toContain('Still waiting?');
    getByRole(offer, 'button', { name: 'Sign in with a code' }).click();
    await settle();
    expect(ipc.cancelLogin).toHaveBeenCalledWith('h-1');
    expect(ipc.startDeviceLogin).toHaveBeenCalledWith('demo');
    expect(d.querySelector('[data-testid="device-waiting"]')).not.toBeNull();
  });

  it('a browser sign-in whose answer cannot come back, or whose browser did not open, offers the code at once', async () => {
    for (const [provider, browserError] of [[{ ...DEMO_PROVIDER, code_first: true }, null], [DEMO_PROVIDER, 'No browser could be started.']] as const) {
      ipc.startLogin.mockResolvedValue(started('h-2', browserError));
      const d = await openChooser([provider]);
      getByRole(d, 'button', { name: 'Local demo provider' }).click();
      await settle();
      const offer = d.querySelector<HTMLElement>('[data-testid="code-offer"]');
      expect(offer).not.toBeNull();
      expect(queryAllByRole(d, 'button', { name: 'Sign in with a code' })).toHaveLength(1);
      d.close();
      await settle();
    }
  });

  it('Reconnect offers the code too, at once where the answer cannot come back', async () => {
    const broken = account({ email: 'alice@example.com', provider: 'demo', status: 'needs_reconnect' });
    ipc.listAccounts.mockResolvedValue([broken]);
    ipc.listProviders.mockResolvedValue([{ ...DEMO_PROVIDER, code_first: true }]);
    ipc.reconnectAccount.mockResolvedValue(started('h-4'));
    ipc.startDeviceLogin.mockResolvedValue(deviceStarted());
    const root = await mount();
    getByRole(root.querySelector<HTMLElement>(`li[data-account-id="${broken.id}"]`)!, 'button', { name: 'Reconnect' }).click();
    await settle();
    expect(ipc.reconnectAccount).toHaveBeenCalledWith(broken.id);
    const offer = dialog()!.querySelector<HTMLElement>('[data-testid="code-offer"]')!;
    getByRole(offer, 'button', { name: 'Sign in with a code' }).click();
    await settle();
    expect(ipc.cancelLogin).toHaveBeenCalledWith('h-4');
    expect(ipc.startDeviceLogin).toHaveBeenCalledWith('demo');
  });

  it('shows the code, the host, the address with Open, a QR code and a countdown', async () => {
    const screen = await openDevice();
    expect(ipc.startDeviceLogin).toHaveBeenCalledWith('demo');
    expect(ipc.startLogin).not.toHaveBeenCalled();
    expect(getByRole(dialog()!, 'heading', { name: 'Sign in with a code' })).toBeTruthy();
    expect(screen.querySelector('[data-testid="device-code"]')!.textContent).toBe('WDJB-MJHT');
    expect(screen.querySelector('[data-testid="device-host"] strong')!.textContent).toBe('id.example.com');
    const field = getByRole(screen, 'textbox', { name: 'Sign-in address' }) as HTMLInputElement;
    expect(field.value).toBe('https://id.example.com/device?user_code=WDJB-MJHT');
    const qr = screen.querySelector('[data-testid="device-qr"] svg')!;
    expect(qr.getAttribute('viewBox')).toBe('0 0 29 29');
    expect(qr.querySelectorAll('path')).toHaveLength(2);
    const timer = screen.querySelector('[data-testid="device-countdown"]')!;
    expect(timer.textContent).toBe('10:00');
    await advance(61_000);
    expect(timer.textContent).toBe('8:59');
    getByRole(screen, 'button', { name: 'Open' }).click();
    await settle();
    expect(ipc.reopenLogin).toHaveBeenCalledWith('d-1');
  });

  it('copies the code', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const screen = await openDevice();
    getByRole(screen, 'button', { name: 'Copy code' }).click();
    await settle();
    expect(writeText).toHaveBeenCalledWith('WDJB-MJHT');
    expect(screen.textContent).toContain('Code copied.');
  });

  it('Cancel stops the sign-in through cancel_login', async () => {
    const screen = await openDevice();
    getByRole(screen, 'button', { name: 'Cancel' }).click();
    await settle();
    expect(ipc.cancelLogin).toHaveBeenCalledWith('d-1');
    expect(dialog()).toBeNull();
  });

  it('the account appears as soon as the provider confirms', async () => {
    await openDevice();
    const dora = account({ email: 'dora@example.test' });
    ipc.listAccounts.mockResolvedValue([dora]);
    fire.loginFinished.emit({ handle: 'd-1', account: dora, error: null });
    await settle();
    expect(dialog()).toBeNull();
    expect(document.body.textContent).toContain('dora@example.test');
  });

  it('a declined or expired code shows the sentence, and Try again asks for a new code', async () => {
    await openDevice();
    fire.loginFinished.emit({ handle: 'd-1', account: null, error: { kind: 'other', message: 'The code expired before the sign-in was approved. Start again to get a new code.', details: null } });
    await settle();
    const d = dialog()!;
    expect(d.querySelector('[data-testid="login-error"]')!.textContent).toContain('The code expired');
    ipc.startDeviceLogin.mockResolvedValue(deviceStarted('d-2'));
    getByRole(d, 'button', { name: 'Try again' }).click();
    await settle();
    expect(ipc.startDeviceLogin).toHaveBeenCalledTimes(2);
    expect(ipc.startLogin).not.toHaveBeenCalled();
  });

  it('a provider that refuses shows its sentence in the chooser', async () => {
    ipc.startDeviceLogin.mockRejectedValue(new ipc.IpcFailure('other', 'Local demo provider does not offer sign-in with a code. Sign in with the browser instead.'));
    const d = await openChooser();
    getByRole(d, 'button', { name: 'Sign in with a code' }).click();
    await settle();
    expect(getByRole(d, 'alert').textContent).toContain('does not offer sign-in with a code');
  });

  it('the browser sign-in offers it when its answer cannot come back', async () => {
    ipc.startLogin.mockResolvedValue(started('h-1'));
    ipc.startDeviceLogin.mockResolvedValue(deviceStarted());
    const d = await openChooser();
    getByRole(d, 'button', { name: 'Local demo provider' }).click();
    await settle();
    const waiting = d.querySelector<HTMLElement>('[data-testid="login-waiting"]')!;
    getByRole(waiting, 'button', { name: 'Sign in with a code' }).click();
    await settle();
    expect(ipc.cancelLogin).toHaveBeenCalledWith('h-1');
    expect(d.querySelector('[data-testid="device-waiting"]')).not.toBeNull();
    // A late end of the abandoned browser sign-in does not close the code screen.
    fire.loginFinished.emit({ handle: 'h-1', account: null, error: { kind: 'invalid_callback', message: 'The sign-in was cancelled in AuthDeck.', details: null } });
    await settle();
    expect(d.querySelector('[data-testid="device-waiting"]')).not.toBeNull();
    expect(queryAllByRole(d, 'alert').filter((a) => a.textContent !== '')).toHaveLength(0);
  });
});

describe('its pieces', () => {
  it('counts down in minutes and seconds, never below zero', () => {
    expect(countdown(iso(600), NOW)).toBe('10:00');
    expect(countdown(iso(59.2), NOW)).toBe('1:00');
    expect(countdown(iso(-5), NOW)).toBe('0:00');
  });

  it('rebuilds the QR code from paths only: nothing else in the string becomes markup', () => {
    expect(qrImage(QR)!.querySelectorAll('path')).toHaveLength(2);
    expect(qrImage(null)).toBeNull();
    const hostile = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><script>alert(1)</script><path fill="#000000" d="M0 0h1v1H0z" onload="alert(1)"/><foreignObject><p>x</p></foreignObject></svg>';
    const image = qrImage(hostile)!;
    expect(image.querySelector('script, foreignObject')).toBeNull();
    expect(image.querySelector('path')!.getAttribute('onload')).toBeNull();
    expect(qrImage('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><path fill="red" d="M0 0h1"/></svg>')).toBeNull();
    expect(qrImage('<html>not svg</html>')).toBeNull();
  });
});
