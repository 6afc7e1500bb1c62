/** "Disconnect alice@example.com?" — confirm, then sign out at the provider and forget. */
import { button, focus, h } from '../dom';
import { icons } from '../icons';
import type { IpcFailure } from '../errors';
import { ipc } from '../ipc';
import type { AccountView, DisconnectReport } from '../ipc';
import { whoIs } from '../logic/accounts';
import { openDialog, type Dialog } from './dialog';

export interface DisconnectDeps {
  onStart: (account: AccountView) => void;
  onDone: (account: AccountView, report: DisconnectReport) => void;
  onFailed: (account: AccountView, failure: IpcFailure) => void;
  fallbackFocus: () => HTMLElement | null;
}

export function confirmDisconnect(account: AccountView, deps: DisconnectDeps): Dialog {
  const who = whoIs(account);
  let busy = false;
  const dialog = openDialog({
    title: `Disconnect ${who}?`,
    size: 'sm',
    testId: 'disconnect-dialog',
    fallbackFocus: deps.fallbackFocus,
    canClose: () => !busy,
  });
  const error = h('p', { class: 'form-error', role: 'alert' });
  error.hidden = true;
  const cancel = button('Cancel', () => { dialog.close(); });
  const confirm = button(
    'Disconnect',
    () => {
      busy = true;
      confirm.disabled = true;
      cancel.disabled = true;
      confirm.setAttribute('aria-busy', 'true');
      confirm.prepend(icons.spinner());
      error.hidden = true;
      deps.onStart(account);
      ipc.disconnectAccount(account.id).then(
        (report) => {
          busy = false;
          dialog.close();
          deps.onDone(account, report);
        },
        (err: unknown) => {
          busy = false;
          const failure = ipc.toFailure(err);
          confirm.disabled = false;
          cancel.disabled = false;
          confirm.removeAttribute('aria-busy');
          confirm.querySelector('.spinner')?.remove();
          error.textContent = failure.message;
          error.hidden = false;
          deps.onFailed(account, failure);
        },
      );
    },
    { variant: 'danger', icon: icons.disconnect() },
  );
  dialog.body.append(
    h('p', { class: 'confirm-text' }, `AuthDeck will sign out at ${account.provider_label} and forget this account on this computer.`),
    error,
    h('div', { class: 'dialog-footer' }, [h('span', { class: 'spacer' }), cancel, confirm]),
  );
  // The safe choice has focus first.
  focus(cancel);
  return dialog;
}
