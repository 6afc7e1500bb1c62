/**
 * The window's two background switches, in the footer: "Start at login" (off by default; an
 * autostart entry that starts AuthDeck in the tray) and "Keep running in the tray when
 * closed" (shown only where a tray exists). Both are Rust's to keep; this only shows them.
 */
import { h, setAttr } from '../dom';
import type { BackgroundSettings } from '../ipc';
import { ipc } from '../ipc';

function toggle(label: string, testid: string, onChange: (on: boolean) => Promise<BackgroundSettings>, show: (s: BackgroundSettings) => void) {
  const input = h('input', { type: 'checkbox', role: 'switch', class: 'switch-input', 'data-testid': testid });
  input.addEventListener('change', () => {
    const on = input.checked;
    input.disabled = true;
    onChange(on)
      .then(show)
      .catch(() => { input.checked = !on; })
      .finally(() => { input.disabled = false; });
  });
  const element = h('label', { class: 'switch' }, [
    input,
    h('span', { class: 'switch-track', 'aria-hidden': 'true' }, h('span', { class: 'switch-thumb' })),
    h('span', { class: 'switch-label' }, label),
  ]);
  return { element, input };
}

export class BackgroundSwitches {
  readonly element: HTMLElement;
  private readonly login;
  private readonly keep;

  constructor(onFailure: (error: unknown) => void) {
    const guard = (call: (on: boolean) => Promise<BackgroundSettings>) => async (on: boolean) => {
      try {
        return await call(on);
      } catch (error) {
        onFailure(error);
        throw error;
      }
    };
    const show = (s: BackgroundSettings) => { this.show(s); };
    this.login = toggle('Start at login', 'start-at-login', guard((on) => ipc.setStartAtLogin(on)), show);
    this.keep = toggle('Keep running in the tray when closed', 'keep-running', guard((on) => ipc.setKeepRunningWhenClosed(on)), show);
    this.keep.element.hidden = true;
    this.element = h('div', { class: 'background-switches' }, [this.login.element, this.keep.element]);
    void ipc.backgroundSettings().then(show, () => undefined);
  }

  private show(s: BackgroundSettings): void {
    this.login.input.checked = s.start_at_login;
    setAttr(this.login.input, 'aria-checked', String(s.start_at_login));
    this.keep.input.checked = s.keep_running_when_closed;
    setAttr(this.keep.input, 'aria-checked', String(s.keep_running_when_closed));
    this.keep.element.hidden = !s.tray_available;
  }
}
