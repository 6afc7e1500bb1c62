/**
 * How the window tells people what happened: toasts, screen-reader announcements, and the
 * one way a failure is shown (with Reconnect when that is what helps). App-wide conditions
 * behind a failure (the keychain went away) are passed on to whoever shows them.
 */
import type { AccountView, IpcError } from '../ipc';
import { IpcFailure } from '../errors';
import { whoIs } from '../logic/accounts';
import { Announcer, Toaster } from '../views/toasts';

export interface FeedbackDeps {
  /** The keychain stopped answering (show the banner). */
  keychainFailed: (message: string) => void;
  /** "Reconnect" on a failure that needs it. */
  reconnect: (account: AccountView) => void;
}

export class Feedback {
  readonly toaster = new Toaster();
  readonly announcer = new Announcer();

  constructor(private readonly deps: FeedbackDeps) {}

  /** Notices app-wide conditions behind a failure. */
  noteFailure(failure: IpcFailure): void {
    if (failure.kind === 'keychain_unavailable') this.deps.keychainFailed(failure.message);
  }

  /** Shows a failure as a toast, titled with the account it concerns. */
  failureToast(failure: IpcFailure | IpcError, account?: AccountView, title?: string): void {
    const f = failure instanceof IpcFailure ? failure : new IpcFailure(failure.kind, failure.message, failure.details ?? null);
    this.noteFailure(f);
    const action =
      f.kind === 'needs_reconnect' && account !== undefined
        ? { label: 'Reconnect', run: () => { this.deps.reconnect(account); } }
        : undefined;
    this.toaster.show(f.message, {
      tone: 'error',
      action,
      title: title ?? (account !== undefined ? whoIs(account) : undefined),
      details: f.details,
      key: account !== undefined ? `error-${account.id}` : undefined,
    });
  }
}
