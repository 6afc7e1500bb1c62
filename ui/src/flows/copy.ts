/**
 * "Copy token": Rust puts the token on the clipboard (the value never reaches this page);
 * the toast counts down to when Rust clears it, and says how it ended.
 */
import { ipc } from '../ipc';
import type { AccountView } from '../ipc';
import type { AccountStore } from '../store';
import type { Toast } from '../views/toasts';
import type { Feedback } from './feedback';

interface CopyState {
  toast: Toast;
  timer: ReturnType<typeof setInterval> | null;
}

export class CopyFlow {
  private readonly copies = new Map<string, CopyState>();

  constructor(
    private readonly store: AccountStore,
    private readonly feedback: Feedback,
    private readonly now: () => number,
  ) {}

  async copy(account: AccountView, btn: HTMLButtonElement): Promise<void> {
    btn.disabled = true;
    try {
      const receipt = await ipc.copyToken(account.id);
      this.showCopied(account.id, receipt.clears_in_seconds);
    } catch (error) {
      this.feedback.failureToast(ipc.toFailure(error), this.store.get(account.id) ?? account);
    } finally {
      btn.disabled = false;
    }
  }

  /** The Rust side's report that the copied token's time is over. */
  onClipboardCleared(id: string, cleared: boolean): void {
    this.stopTimer(id);
    const state = this.copies.get(id);
    this.copies.delete(id);
    // Not cleared: something else was copied over the token, which is left alone.
    const message = cleared ? 'Clipboard cleared' : 'The token is no longer on the clipboard';
    if (state !== undefined && !state.toast.dismissed) {
      state.toast.update(message, { tone: 'info', timeout: 4000, srMessage: null });
    } else if (cleared) {
      this.feedback.toaster.show(message, { tone: 'info', timeout: 4000 });
    }
  }

  destroy(): void {
    for (const id of this.copies.keys()) this.stopTimer(id);
  }

  private showCopied(id: string, seconds: number): void {
    this.stopTimer(id);
    const deadline = this.now() + seconds * 1000;
    const toast = this.feedback.toaster.show(`Copied — clears in ${seconds} s`, {
      tone: 'success',
      timeout: null,
      key: `copy-${id}`,
      srMessage: `Token copied. The clipboard is cleared in ${seconds} seconds.`,
    });
    const state: CopyState = { toast, timer: null };
    state.timer = setInterval(() => {
      if (toast.dismissed) {
        this.stopTimer(id);
        return;
      }
      const left = Math.ceil((deadline - this.now()) / 1000);
      if (left > 0) {
        toast.update(`Copied — clears in ${left} s`);
      } else {
        // Cleared by Rust (the event follows), or the clipboard already holds something else.
        this.stopTimer(id);
        toast.update('Clearing the clipboard…', { timeout: 5000 });
      }
    }, 1000);
    this.copies.set(id, state);
  }

  private stopTimer(id: string): void {
    const state = this.copies.get(id);
    if (state?.timer != null) clearInterval(state.timer);
    if (state !== undefined) state.timer = null;
  }
}
