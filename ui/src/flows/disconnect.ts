/**
 * "Disconnect": confirm, sign out at the provider and forget, then say how it went and put
 * focus somewhere sensible.
 */
import { focus } from '../dom';
import type { AccountView } from '../ipc';
import { whoIs } from '../logic/accounts';
import type { AccountStore } from '../store';
import type { AccountList } from '../views/accountList';
import { confirmDisconnect } from '../views/disconnect';
import type { Feedback } from './feedback';

export interface DisconnectFlowDeps {
  store: AccountStore;
  list: AccountList;
  feedback: Feedback;
  /** Fetches the list again. */
  reload: () => Promise<void>;
  fallbackFocus: () => HTMLElement | null;
}

export function disconnectAccount(account: AccountView, deps: DisconnectFlowDeps): void {
  confirmDisconnect(account, {
    onStart: (acc) => { deps.list.row(acc.id)?.setBusy(true); },
    onDone: (acc, report) => {
      const who = whoIs(acc);
      const { toaster } = deps.feedback;
      if (report.warning !== null && report.warning.trim() !== '') {
        toaster.show(report.warning, { tone: 'warning', title: `Disconnected ${who}`, details: report.details });
      } else {
        toaster.show(`Disconnected ${who}`, { tone: 'success' });
      }
      deps.store.remove(acc.id);
      void deps.reload().then(() => { focus(deps.fallbackFocus()); });
    },
    onFailed: (acc, failure) => {
      deps.feedback.noteFailure(failure);
      deps.list.row(acc.id)?.setBusy(false);
    },
    fallbackFocus: deps.fallbackFocus,
  });
}
