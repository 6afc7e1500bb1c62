/**
 * Refreshing accounts and switching auto-refresh: a click, and the Rust side's reports of
 * refreshes it runs by itself. The refresh state lives in the store, which the rows read.
 */
import { ipc } from '../ipc';
import type { AccountView, RefreshState } from '../ipc';
import { whoIs } from '../logic/accounts';
import { countdownText } from '../logic/time';
import type { AccountStore } from '../store';
import type { Feedback } from './feedback';

export class RefreshFlow {
  constructor(
    private readonly store: AccountStore,
    private readonly feedback: Feedback,
    private readonly now: () => number,
  ) {}

  /** The row's Refresh button. */
  async refresh(account: AccountView, btn: HTMLButtonElement): Promise<void> {
    const id = account.id;
    if (this.store.isRefreshingByClick(id)) return;
    this.store.setRefreshing(id, true, 'click');
    const { announcer } = this.feedback;
    announcer.say(`Refreshing ${whoIs(account)}…`);
    const hadFocus = document.activeElement === btn;
    try {
      const view = await ipc.refreshAccount(id);
      const fresh = view ?? this.store.get(id) ?? account;
      if (view !== null) this.store.replace(view);
      announcer.say(`Refreshed ${whoIs(fresh)}. ${countdownText(fresh.expires_at, this.now())}.`);
    } catch (error) {
      announcer.say(`Refresh of ${whoIs(account)} failed.`);
      this.feedback.failureToast(ipc.toFailure(error), this.store.get(id) ?? account);
    } finally {
      this.store.setRefreshing(id, false, 'click');
      const active = document.activeElement;
      if (hadFocus && btn.isConnected && (active === null || active === document.body)) btn.focus();
    }
  }

  /** A refresh started or ended on the Rust side (a click's, or an automatic one). */
  onRefreshState(event: RefreshState): void {
    const id = event.account_id;
    const account = this.store.get(id);
    this.store.setRefreshing(id, event.refreshing, 'event');
    if (event.refreshing) {
      if (event.automatic && account !== undefined) this.feedback.announcer.say(`Refreshing ${whoIs(account)} automatically…`);
      return;
    }
    if (event.automatic && event.error !== null) {
      const title = account !== undefined ? `Automatic refresh of ${whoIs(account)} failed` : 'Automatic refresh failed';
      this.feedback.failureToast(event.error, account, title);
    }
  }

  async setAutoRefresh(id: string, on: boolean): Promise<void> {
    try {
      const view = await ipc.setAutoRefresh(id, on);
      this.store.replace(view);
      this.feedback.announcer.say(`Auto-refresh ${on ? 'on' : 'off'} for ${whoIs(view)}.`);
    } catch (error) {
      this.feedback.failureToast(ipc.toFailure(error), this.store.get(id));
      throw error;
    }
  }
}
