/**
 * Diagnostics for support: "Export diagnostics" saves a bundle with no secret in it, and
 * "Check sign-in links" asks Rust to send the app a test link through the system. When a link
 * does not come back (at first start or on demand) one plain sentence says that sign-ins now
 * use the loopback address instead; Rust has already switched them.
 */
import { button } from '../dom';
import { icons } from '../icons';
import { ipc } from '../ipc';
import type { LinksChecked } from '../ipc';
import type { Feedback } from './feedback';

export class DiagnosticsFlow {
  readonly exportButton: HTMLButtonElement;
  readonly linksButton: HTMLButtonElement;
  private asked = false;

  constructor(private readonly feedback: Feedback) {
    this.exportButton = button('Export diagnostics', () => void this.exportDiagnostics(), {
      variant: 'ghost',
      icon: icons.download(),
      attrs: { title: 'Save a diagnostics file for support (no secrets)' },
    });
    this.linksButton = button('Check sign-in links', () => void this.checkLinks(), {
      variant: 'ghost',
      attrs: { title: 'Check that your browser can hand sign-ins back to AuthDeck' },
    });
  }

  private async exportDiagnostics(): Promise<void> {
    await this.busy(this.exportButton, async () => {
      try {
        const path = await ipc.exportDiagnostics();
        this.feedback.toaster.show(`Saved to ${path}`, { tone: 'success', title: 'Diagnostics exported', timeout: 15_000 });
      } catch (error) {
        this.feedback.failureToast(ipc.toFailure(error), undefined, 'Diagnostics could not be saved');
      }
    });
  }

  private async checkLinks(): Promise<void> {
    await this.busy(this.linksButton, async () => {
      this.asked = true;
      try {
        await ipc.checkSignInLinks();
      } catch (error) {
        this.asked = false;
        this.feedback.failureToast(ipc.toFailure(error), undefined, 'Sign-in links could not be checked');
      }
    });
  }

  /** The outcome of a check, whoever started it (the first start, or the button). */
  onLinksChecked(event: LinksChecked): void {
    if (!event.arrived) {
      this.feedback.toaster.show(event.message, { tone: 'warning', title: 'Sign-ins use the loopback address', key: 'links' });
    } else if (this.asked) {
      this.feedback.toaster.show(event.message, { tone: 'success', title: 'Sign-in links work', key: 'links' });
    }
    this.asked = false;
  }

  private async busy(btn: HTMLButtonElement, work: () => Promise<void>): Promise<void> {
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    try {
      await work();
    } finally {
      btn.disabled = false;
      btn.removeAttribute('aria-busy');
    }
  }
}
