/** The labelled "Auto-refresh" switch with a hint saying when it will run. */
import { h, setAttr, setText, uid } from '../dom';
import type { AccountView } from '../ipc';
import { autoRefreshHint } from '../logic/accounts';

export class AutoRefreshSwitch {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly hint: HTMLElement;
  private account: AccountView;
  private busy = false;

  constructor(account: AccountView, onToggle: (id: string, on: boolean) => Promise<void>) {
    this.account = account;
    const hintId = uid('auto-hint');
    this.input = h('input', {
      type: 'checkbox',
      role: 'switch',
      class: 'switch-input',
      'aria-describedby': hintId,
    });
    this.hint = h('span', { id: hintId, class: 'switch-hint' });
    const label = h('label', { class: 'switch' }, [
      this.input,
      h('span', { class: 'switch-track', 'aria-hidden': 'true' }, h('span', { class: 'switch-thumb' })),
      h('span', { class: 'switch-label' }, 'Auto-refresh'),
    ]);
    this.element = h('div', { class: 'auto-refresh' }, [label, this.hint]);
    this.input.addEventListener('change', () => {
      const on = this.input.checked;
      this.busy = true;
      this.input.disabled = true;
      onToggle(this.account.id, on)
        .catch(() => {
          // The caller explains the failure; put the switch back.
          this.input.checked = this.account.auto_refresh;
        })
        .finally(() => {
          this.busy = false;
          this.input.disabled = !this.account.has_refresh_token;
        });
    });
    this.update(account, Date.now());
  }

  update(account: AccountView, now: number): void {
    this.account = account;
    if (!this.busy) {
      this.input.checked = account.auto_refresh;
      setAttr(this.input, 'aria-checked', String(account.auto_refresh));
      // Without a refresh token there is nothing to run; the hint says why.
      this.input.disabled = !account.has_refresh_token;
    }
    this.tick(now);
  }

  tick(now: number): void {
    setText(this.hint, autoRefreshHint(this.account, now));
    this.element.classList.toggle('is-on', this.account.auto_refresh);
  }
}
