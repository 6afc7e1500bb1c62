/**
 * "Sign in with a code": the screen of a sign-in approved on another device (RFC 8628). The
 * code in large, spaced type with Copy, the address with Open, a QR code of the complete
 * address, the verification host shown prominently (code phishing relies on people not
 * reading it), a countdown to the code's expiry, and Cancel. The wait itself is the same as
 * for a browser sign-in: `loginFinished` ends it, Cancel is the dialog's close.
 */
import { button, focus, h, replaceChildren, svg } from '../../dom';
import type { IpcFailure } from '../../errors';
import { icons } from '../../icons';
import { ipc } from '../../ipc';
import type { DeviceStarted } from '../../ipc';
import { footer } from './fields';

export interface DeviceHandlers {
  cancel: () => void;
  onFailure: (failure: IpcFailure) => void;
  /** The clock, for the countdown (tests pass a fixed one). */
  now?: () => number;
}

/** "9:58", or "0:00" once expired. */
export function countdown(expiresAt: string, now: number): string {
  const left = Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000));
  const minutes = Math.floor(left / 60);
  const seconds = left % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

/**
 * The QR code, rebuilt from the SVG the Rust side made: only its view box and the paths' fill
 * and outline are taken, so nothing in the string can become markup.
 */
export function qrImage(source: string | null): SVGSVGElement | null {
  if (source === null) return null;
  const parsed = new DOMParser().parseFromString(source, 'image/svg+xml').documentElement;
  if (parsed.nodeName !== 'svg') return null;
  const viewBox = parsed.getAttribute('viewBox');
  if (viewBox === null || !/^[\d.\s]+$/.test(viewBox)) return null;
  const paths = [...parsed.querySelectorAll('path')].flatMap((p) => {
    const d = p.getAttribute('d') ?? '';
    const fill = p.getAttribute('fill') ?? '#000000';
    if (!/^[MmHhVvZz\d\s.-]+$/.test(d) || !/^#[0-9a-fA-F]{6}$/.test(fill)) return [];
    return [svg('path', { d, fill })];
  });
  if (paths.length === 0) return null;
  const image = svg('svg', { viewBox, class: 'device-qr-image', role: 'img', 'shape-rendering': 'crispEdges' }, paths);
  image.setAttribute('aria-label', 'QR code of the sign-in address');
  return image;
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function renderDeviceCode(body: HTMLElement, started: DeviceStarted, who: string, on: DeviceHandlers): void {
  const { code, qr_svg: qrSvg } = started;
  const now = on.now ?? (() => Date.now());
  const address = code.verification_uri_complete ?? code.verification_uri;

  const copyNote = h('span', { class: 'field-hint', role: 'status' });
  const copy = button('Copy code', () => {
    void copyText(code.user_code).then((ok) => {
      copyNote.textContent = ok ? 'Code copied.' : 'Select the code and copy it (Ctrl+C).';
    });
  }, { size: 'sm', icon: icons.copy() });
  const open = button('Open', () => {
    ipc.reopenLogin(code.handle).catch((err: unknown) => {
      on.onFailure(ipc.toFailure(err));
      copyNote.textContent = ipc.toFailure(err).message;
    });
  }, { variant: 'primary', size: 'sm', icon: icons.external() });
  const field = h('input', {
    type: 'text', class: 'url-field', readonly: true, value: address, 'aria-label': 'Sign-in address', spellcheck: 'false',
  });
  field.addEventListener('focus', () => { field.select(); });

  const timer = h('span', { 'data-testid': 'device-countdown' }, countdown(code.expires_at, now()));
  const expiry = h('p', { class: 'muted device-expiry' }, [icons.clock(), ' The code expires in ', timer, '.']);
  const tick = setInterval(() => {
    if (!timer.isConnected) {
      clearInterval(tick);
      return;
    }
    timer.textContent = countdown(code.expires_at, now());
    if (timer.textContent === '0:00') {
      expiry.replaceChildren(icons.alert(), ' The code has expired. Cancel and start again.');
      clearInterval(tick);
    }
  }, 1000);

  const qr = qrImage(qrSvg);
  const screen = h('div', { class: 'waiting device', 'data-testid': 'device-waiting', 'aria-busy': 'true' }, [
    h('p', { class: 'device-host', 'data-testid': 'device-host' }, [
      'Go to ', h('strong', {}, code.verification_host), ' on any device and sign in with ', who, '.',
    ]),
    h('p', { class: 'field-hint' }, `Check that the address starts with ${code.verification_host}: enter this code nowhere else.`),
    h('div', { class: 'device-main' }, [
      h('div', { class: 'device-left' }, [
        h('p', { class: 'field-label' }, 'Your code'),
        h('p', { class: 'device-code', 'data-testid': 'device-code', 'aria-label': `Code ${code.user_code.split('').join(' ')}` }, code.user_code),
        h('div', { class: 'row-buttons device-copy' }, [copy, copyNote]),
        h('div', { class: 'url-box' }, [h('div', { class: 'input-row' }, [field, open])]),
      ]),
      qr !== null ? h('div', { class: 'device-qr', 'data-testid': 'device-qr' }, qr) : null,
    ]),
    h('div', { class: 'waiting-head' }, [
      h('span', { class: 'waiting-spinner' }, icons.spinner()),
      h('p', { class: 'waiting-title' }, 'Waiting for you to approve the sign-in…'),
    ]),
    expiry,
    footer([h('span', { class: 'spacer' }), button('Cancel', () => { on.cancel(); })]),
  ]);
  replaceChildren(body, screen);
  focus(open);
}
