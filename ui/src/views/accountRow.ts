/**
 * One account in the list: who (with their initials), provider, status, live countdown, what
 * access it has in plain words (the raw scope names are in Details) and actions.
 */
import { button, h, setAttr, setText, uid } from '../dom';
import { icons, personAvatar } from '../icons';
import type { AccountView } from '../ipc';
import { primaryAction, reconnectReason, statusAt, statusWords, whoIs } from '../logic/accounts';
import { changesIn, countdownText, absoluteTime, parseTime } from '../logic/time';
import { AutoRefreshSwitch } from './autoRefreshSwitch';

export interface RowActions {
  refresh: (account: AccountView, button: HTMLButtonElement) => void;
  copy: (account: AccountView, button: HTMLButtonElement) => void;
  details: (account: AccountView) => void;
  disconnect: (account: AccountView) => void;
  reconnect: (account: AccountView) => void;
  setAutoRefresh: (id: string, on: boolean) => Promise<void>;
}

export class AccountRow {
  readonly element: HTMLLIElement;
  account: AccountView;
  private readonly icon: HTMLElement;
  private readonly name: HTMLElement;
  private readonly provider: HTMLElement;
  private readonly scopes: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly countdown: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly refreshButton: HTMLButtonElement;
  private readonly reconnectButton: HTMLButtonElement;
  private readonly actionButtons: HTMLButtonElement[];
  private readonly autoRefresh: AutoRefreshSwitch;
  private refreshing = false;
  private busy = false;
  private iconKey = '';

  constructor(account: AccountView, actions: RowActions, now: number) {
    this.account = account;
    const nameId = uid('acct-name');
    this.icon = h('span', { class: 'account-icon' });
    this.name = h('h3', { id: nameId, class: 'account-name' });
    this.provider = h('span', { class: 'account-provider' });
    this.scopes = h('ul', { class: 'scopes access-words', 'aria-label': 'Access', 'data-testid': 'access' });
    this.badge = h('span', { class: 'badge', 'data-testid': 'status' });
    this.countdown = h('span', { class: 'countdown', 'data-testid': 'countdown' });
    this.progress = h('span', { class: 'row-progress', 'data-testid': 'refresh-progress' }, [
      icons.spinner(),
      h('span', {}, 'Refreshing…'),
    ]);
    this.progress.hidden = true;
    this.autoRefresh = new AutoRefreshSwitch(account, actions.setAutoRefresh);

    this.reconnectButton = button('Reconnect', () => { actions.reconnect(this.account); }, {
      variant: 'primary',
      size: 'sm',
      icon: icons.reconnect(),
    });
    this.refreshButton = button(
      'Refresh',
      () => { actions.refresh(this.account, this.refreshButton); },
      { size: 'sm', icon: icons.refresh() },
    );
    const copyButton = button('Copy token', (e) => { actions.copy(this.account, e.currentTarget as HTMLButtonElement); }, {
      size: 'sm',
      icon: icons.copy(),
    });
    const detailsButton = button('Details', () => { actions.details(this.account); }, {
      size: 'sm',
      icon: icons.details(),
    });
    const disconnectButton = button('Disconnect', () => { actions.disconnect(this.account); }, {
      variant: 'danger-ghost',
      size: 'sm',
      icon: icons.disconnect(),
    });
    this.actionButtons = [this.reconnectButton, this.refreshButton, copyButton, detailsButton, disconnectButton];

    this.element = h(
      'li',
      { class: 'account', 'data-account-id': account.id, 'aria-labelledby': nameId },
      [
        h('div', { class: 'account-head' }, [
          this.icon,
          h('div', { class: 'account-who' }, [
            this.name,
            h('div', { class: 'account-meta' }, [this.provider, this.scopes]),
          ]),
          this.badge,
        ]),
        h('div', { class: 'account-bottom' }, [
          h('div', { class: 'account-facts' }, [
            h('p', { class: 'account-expiry' }, [icons.clock(), this.countdown, this.progress]),
            this.autoRefresh.element,
          ]),
          h('div', { class: 'account-actions', role: 'group', 'aria-label': 'Actions' }, this.actionButtons),
        ]),
      ],
    );
    this.update(account, now);
  }

  update(account: AccountView, now: number): void {
    this.account = account;
    setAttr(this.element, 'data-account-id', account.id);
    const key = `${account.initials}|${account.preset ?? ''}|${account.provider_label}`;
    if (key !== this.iconKey) {
      this.iconKey = key;
      this.icon.replaceChildren(personAvatar(account.initials, account.preset, account.provider_label));
    }
    setText(this.name, whoIs(account));
    setText(this.provider, account.provider_label);
    const scopeText = account.scopes.join(' ');
    const accessText = account.access.join('\n');
    if (this.scopes.dataset.value !== accessText) {
      this.scopes.dataset.value = accessText;
      this.scopes.replaceChildren(
        ...(account.access.length === 0
          ? [h('li', { class: 'scope scope-none' }, 'No access reported')]
          : account.access.map((words) => h('li', { class: 'scope access-word' }, words))),
      );
    }
    // The raw names, for whoever hovers (they are listed in Details too).
    setAttr(this.scopes, 'title', scopeText === '' ? null : `Scopes: ${scopeText}`);
    this.autoRefresh.update(account, now);
    this.tick(now);
  }

  tick(now: number): void {
    const status = statusAt(this.account, now);
    setText(this.badge, statusWords(this.account, now));
    setAttr(this.badge, 'data-status', status);
    setAttr(this.element, 'data-status', status);
    setText(this.countdown, status === 'needs_reconnect' ? reconnectReason(this.account) : countdownText(this.account.expires_at, now));
    const at = parseTime(this.account.expires_at);
    setAttr(this.countdown, 'title', at === null ? 'The provider did not say when this sign-in expires' : absoluteTime(at));
    this.reconnectButton.hidden = primaryAction(this.account, now) !== 'reconnect';
    this.autoRefresh.tick(now);
  }

  /** Milliseconds until anything this row shows about time can read differently. */
  nextChange(now: number): number {
    return Math.min(changesIn(this.account.expires_at, now), changesIn(this.account.auto_refresh_at, now));
  }

  setRefreshing(on: boolean): void {
    if (this.refreshing === on) return;
    this.refreshing = on;
    this.progress.hidden = !on;
    this.refreshButton.disabled = on || this.busy;
    this.element.classList.toggle('is-refreshing', on);
    this.syncBusy();
  }

  get isRefreshing(): boolean {
    return this.refreshing;
  }

  /** Shows another account in this row (a row recycled as the list scrolls). */
  reuse(account: AccountView, now: number): void {
    this.setBusy(false);
    this.element.classList.remove('is-new');
    this.update(account, now);
  }

  get isBusy(): boolean {
    return this.busy;
  }

  /** Everything disabled while the account is being disconnected. */
  setBusy(on: boolean): void {
    this.busy = on;
    for (const b of this.actionButtons) b.disabled = on || (b === this.refreshButton && this.refreshing);
    this.syncBusy();
  }

  private syncBusy(): void {
    setAttr(this.element, 'aria-busy', this.refreshing || this.busy ? 'true' : null);
  }

  highlight(): void {
    this.element.classList.remove('is-new');
    // Restart the animation.
    this.element.getBoundingClientRect();
    this.element.classList.add('is-new');
    const id = this.account.id;
    setTimeout(() => {
      // Unless the row was recycled for another account meanwhile (reuse cleared it).
      if (this.account.id === id) this.element.classList.remove('is-new');
    }, 4000);
  }

  /** Where keyboard focus goes when returning to this row. */
  focusTarget(): HTMLButtonElement {
    return this.reconnectButton.hidden ? this.refreshButton : this.reconnectButton;
  }

  get refreshControl(): HTMLButtonElement {
    return this.refreshButton;
  }
}
