/**
 * The AuthDeck window: header, keychain banner, account list (or empty state), dialogs and
 * toasts, wired to the Rust side through ipc.ts.
 */
import { button, focus, h, replaceChildren, setText } from './dom';
import { icons } from './icons';
import * as ipc from './ipc';
import type { AccountView, AppStatus, CallbackHandled, DisconnectReport, IpcError, LoginFinished, RefreshState } from './ipc';
import { sortByUrgency, whoIs } from './logic/accounts';
import { countdownText } from './logic/time';
import { AccountList } from './views/accountList';
import type { RowActions } from './views/accountRow';
import { ConnectFlow } from './views/connect';
import { DetailsView } from './views/details';
import { keepAboveDialogs, openDialogs } from './views/dialog';
import { confirmDisconnect } from './views/disconnect';
import { Announcer, Toaster, type Toast } from './views/toasts';

export interface AppOptions {
  /** The clock (ms since epoch); tests pass a fake one. */
  now?: () => number;
  /** How often countdowns tick. */
  tickMs?: number;
}

export interface AppHandle {
  destroy(): void;
  /** Resolves once the first account list (or empty state) is on screen. */
  ready: Promise<void>;
}

interface CopyState {
  toast: Toast;
  timer: ReturnType<typeof setInterval> | null;
}

export function startApp(root: HTMLElement, options: AppOptions = {}): AppHandle {
  const app = new App(root, options);
  return { destroy: () => { app.destroy(); }, ready: app.ready };
}

class App {
  private readonly now: () => number;
  private readonly toaster = new Toaster();
  private readonly announcer = new Announcer();
  private readonly list: AccountList;
  private readonly main: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly loadError: HTMLElement;
  private readonly connectButton: HTMLButtonElement;
  private readonly exportButton: HTMLButtonElement;
  private readonly keychainBadge: HTMLElement;
  private readonly keychainBanner: HTMLElement;
  private readonly keychainText: HTMLElement;
  private readonly footer: HTMLElement;
  private accounts: AccountView[] = [];
  private readonly refreshing = new Set<string>();
  private readonly manual = new Set<string>();
  private readonly copies = new Map<string, CopyState>();
  private readonly recentlyConnected = new Map<string, number>();
  private connect: ConnectFlow | null = null;
  private details: DetailsView | null = null;
  private loading: Promise<void> | null = null;
  private loadAgain = false;
  private lastLoad = 0;
  private firstRender = true;
  private readonly unlisten: (() => void)[] = [];
  private readonly ticker: ReturnType<typeof setInterval>;
  readonly ready: Promise<void>;
  private markReady: () => void = () => undefined;

  constructor(private readonly root: HTMLElement, options: AppOptions) {
    this.now = options.now ?? (() => Date.now());
    this.ready = new Promise((resolve) => { this.markReady = resolve; });

    const actions: RowActions = {
      refresh: (account, btn) => void this.refresh(account, btn),
      copy: (account, btn) => void this.copy(account, btn),
      details: (account) => { this.openDetails(account); },
      disconnect: (account) => { this.disconnect(account); },
      reconnect: (account) => { this.reconnect(account); },
      setAutoRefresh: (id, on) => this.setAutoRefresh(id, on),
    };
    this.list = new AccountList(actions);
    this.list.onBatch = () => {
      for (const id of this.refreshing) this.list.row(id)?.setRefreshing(true);
    };

    this.connectButton = button('Connect account', () => { this.openConnect(); }, { variant: 'primary', icon: icons.plus() });
    this.connectButton.hidden = true;
    this.exportButton = button('Export diagnostics', () => void this.exportDiagnostics(), {
      variant: 'ghost',
      icon: icons.download(),
      attrs: { title: 'Save a diagnostics file for support (no secrets)' },
    });
    this.keychainBadge = h('span', { class: 'badge badge-keychain', 'data-testid': 'keychain-badge' }, [icons.lock(), 'Keychain unavailable']);
    this.keychainBadge.hidden = true;

    this.keychainText = h('p', {});
    this.keychainBanner = h('div', { class: 'banner banner-error', role: 'alert', 'data-testid': 'keychain-banner' }, [
      h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, icons.lock()),
      h('div', { class: 'banner-body' }, [h('p', { class: 'banner-title' }, 'Keychain unavailable'), this.keychainText]),
      button('Check again', () => void this.checkStatus(true), { size: 'sm' }),
    ]);
    this.keychainBanner.hidden = true;

    this.empty = this.buildEmptyState();
    this.empty.hidden = true;
    this.loadError = h('div', { class: 'empty-state', 'data-testid': 'load-error' });
    this.loadError.hidden = true;
    this.list.element.hidden = true;

    this.main = h('main', { id: 'main', class: 'main', tabindex: '-1' }, [this.keychainBanner, this.list.element, this.empty, this.loadError]);
    this.footer = h('footer', { class: 'footer' });

    const header = h('header', { class: 'app-header' }, [
      h('div', { class: 'brand' }, [icons.logo(), h('h1', { class: 'brand-name' }, 'AuthDeck'), this.keychainBadge]),
      h('div', { class: 'header-actions' }, [this.exportButton, this.connectButton]),
    ]);

    replaceChildren(root, [
      h('a', { class: 'skip-link', href: '#main' }, 'Skip to accounts'),
      header,
      this.main,
      this.footer,
      this.toaster.element,
      this.announcer.element,
    ]);

    keepAboveDialogs(this.toaster.element, root);
    this.subscribe();
    this.ticker = setInterval(() => { this.tick(); }, options.tickMs ?? 1000);
    void this.load();
    void this.checkStatus(false);
  }

  destroy(): void {
    clearInterval(this.ticker);
    this.list.destroy();
    for (const stop of this.unlisten) stop();
    for (const c of this.copies.values()) if (c.timer !== null) clearInterval(c.timer);
    for (const d of [...openDialogs()]) d.close();
    this.toaster.clear();
    window.removeEventListener('focus', this.onWindowFocus);
    document.removeEventListener('visibilitychange', this.onVisibility);
    document.removeEventListener('keydown', this.onKeydown);
    replaceChildren(this.root, []);
  }

  // ----- wiring -----

  private readonly onWindowFocus = () => {
    if (this.now() - this.lastLoad > 1000) void this.load();
  };

  private readonly onVisibility = () => {
    if (document.visibilityState === 'visible') this.onWindowFocus();
  };

  private readonly onKeydown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || openDialogs().length > 0) return;
    const target = event.target;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || (target instanceof HTMLElement && target.isContentEditable);
    if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      if (this.list.focusFilter()) event.preventDefault();
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'f' && !event.altKey) {
      if (this.list.focusFilter()) event.preventDefault();
    }
  };

  private subscribe(): void {
    this.unlisten.push(
      ipc.onAccountsChanged(() => {
        void this.load();
        if (this.details !== null && !this.details.closed) void this.details.reload();
      }),
      ipc.onRefreshState((e) => { this.onRefreshState(e); }),
      ipc.onClipboardCleared((e) => { this.onClipboardCleared(e.account_id, e.cleared); }),
      ipc.onLoginFinished((e) => { this.onLoginFinished(e); }),
      ipc.onCallbackHandled((e) => { this.onCallbackHandled(e); }),
    );
    window.addEventListener('focus', this.onWindowFocus);
    document.addEventListener('visibilitychange', this.onVisibility);
    document.addEventListener('keydown', this.onKeydown);
  }

  private tick(): void {
    const now = this.now();
    this.list.tick(now);
    if (this.details !== null && !this.details.closed) this.details.tick(now);
  }

  // ----- loading -----

  /** Fetches the list; concurrent calls coalesce into one more fetch. */
  private load(): Promise<void> {
    if (this.loading !== null) {
      this.loadAgain = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.loadAgain = false;
        this.lastLoad = this.now();
        try {
          const accounts = await ipc.listAccounts();
          this.showAccounts(accounts);
        } catch (error) {
          this.showLoadError(ipc.toFailure(error));
        }
      } while (this.wantsReload());
    })().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private wantsReload(): boolean {
    return this.loadAgain;
  }

  private showAccounts(accounts: AccountView[]): void {
    const now = this.now();
    this.accounts = sortByUrgency(accounts, now);
    const empty = this.accounts.length === 0;
    this.loadError.hidden = true;
    this.empty.hidden = !empty;
    this.list.element.hidden = empty;
    this.connectButton.hidden = empty;
    this.list.setAccounts(this.accounts, now);
    for (const account of this.accounts) this.list.row(account.id)?.setRefreshing(this.refreshing.has(account.id));
    this.rendered();
  }

  private showLoadError(failure: ipc.IpcFailure): void {
    this.noteFailure(failure);
    if (!this.firstRender && this.accounts.length > 0) {
      this.toaster.show(failure.message, { tone: 'error', title: 'AuthDeck could not update the list', key: 'load-error' });
      return;
    }
    this.empty.hidden = true;
    this.list.element.hidden = true;
    this.connectButton.hidden = false;
    replaceChildren(this.loadError, [
      h('span', { class: 'empty-icon empty-icon-error', 'aria-hidden': 'true' }, icons.alert()),
      h('h2', { class: 'empty-title' }, 'AuthDeck could not load your accounts'),
      h('p', { class: 'empty-text' }, failure.message),
      button('Try again', () => void this.load(), { variant: 'primary', icon: icons.refresh() }),
    ]);
    this.loadError.hidden = false;
    this.rendered();
  }

  private rendered(): void {
    if (!this.firstRender) return;
    this.firstRender = false;
    // Start-up benchmark marker: the list (or the empty state) is on screen. The second
    // animation frame starts after the first one with the list was painted.
    requestAnimationFrame(() => {
      requestAnimationFrame(() => { void ipc.uiReady().catch(() => undefined); });
    });
    this.markReady();
  }

  private buildEmptyState(): HTMLElement {
    return h('section', { class: 'empty-state', 'data-testid': 'empty-state', 'aria-labelledby': 'empty-title' }, [
      h('span', { class: 'empty-icon', 'aria-hidden': 'true' }, icons.logo()),
      h('h2', { id: 'empty-title', class: 'empty-title' }, 'Connect your first account'),
      h(
        'p',
        { class: 'empty-text' },
        'AuthDeck keeps your sign-ins to services like Google, Microsoft, GitHub and GitLab in one place, shows when they expire and renews them for you.',
      ),
      h('ol', { class: 'steps' }, [
        h('li', {}, [h('span', { class: 'step-num', 'aria-hidden': 'true' }, '1'), 'Choose your provider, or add it once.']),
        h('li', {}, [h('span', { class: 'step-num', 'aria-hidden': 'true' }, '2'), 'Sign in in your browser.']),
        h('li', {}, [h('span', { class: 'step-num', 'aria-hidden': 'true' }, '3'), 'Come back here: your account appears in this list.']),
      ]),
      button('Connect account', () => { this.openConnect(); }, { variant: 'primary', icon: icons.plus(), size: 'md' }),
    ]);
  }

  // ----- status / keychain -----

  private async checkStatus(userAsked: boolean): Promise<void> {
    let status: AppStatus;
    try {
      status = await ipc.appStatus();
    } catch (error) {
      if (userAsked) this.failureToast(ipc.toFailure(error));
      return;
    }
    this.setKeychain(status.keychain_available, status.keychain_message);
    setText(this.footer, `AuthDeck ${status.version} · Data folder: ${status.data_dir}`);
    if (userAsked && status.keychain_available) this.toaster.show('The keychain is available again.', { tone: 'success' });
  }

  private setKeychain(available: boolean, message: string | null): void {
    this.keychainBadge.hidden = available;
    this.keychainBanner.hidden = available;
    if (!available) {
      this.keychainBadge.title = message ?? '';
      setText(
        this.keychainText,
        `${message ?? 'The system keychain does not answer.'} AuthDeck keeps sign-ins only in the system keychain, never in files, so it cannot save or use accounts until the keychain works.`,
      );
    }
  }

  /** Notices app-wide conditions behind a failure (the keychain went away). */
  private noteFailure(failure: ipc.IpcFailure): void {
    if (failure.kind === 'keychain_unavailable') this.setKeychain(false, failure.message);
  }

  // ----- failures -----

  private failureToast(failure: ipc.IpcFailure | IpcError, account?: AccountView, title?: string): void {
    const f = failure instanceof ipc.IpcFailure ? failure : new ipc.IpcFailure(failure.kind, failure.message);
    this.noteFailure(f);
    const action =
      f.kind === 'needs_reconnect' && account !== undefined
        ? { label: 'Reconnect', run: () => { this.reconnect(account); } }
        : undefined;
    this.toaster.show(f.message, {
      tone: 'error',
      action,
      title: title ?? (account !== undefined ? whoIs(account) : undefined),
      key: account !== undefined ? `error-${account.id}` : undefined,
    });
  }

  private accountById(id: string): AccountView | undefined {
    return this.accounts.find((a) => a.id === id);
  }

  // ----- refresh -----

  private async refresh(account: AccountView, btn: HTMLButtonElement): Promise<void> {
    const id = account.id;
    if (this.manual.has(id)) return;
    this.manual.add(id);
    this.refreshing.add(id);
    this.list.row(id)?.setRefreshing(true);
    this.announcer.say(`Refreshing ${whoIs(account)}…`);
    const hadFocus = document.activeElement === btn;
    try {
      const view = await ipc.refreshAccount(id);
      const fresh = view ?? this.accountById(id) ?? account;
      if (view !== null) this.replaceAccount(view);
      this.announcer.say(`Refreshed ${whoIs(fresh)}. ${countdownText(fresh.expires_at, this.now())}.`);
    } catch (error) {
      const failure = ipc.toFailure(error);
      this.announcer.say(`Refresh of ${whoIs(account)} failed.`);
      this.failureToast(failure, this.accountById(id) ?? account);
    } finally {
      this.manual.delete(id);
      this.refreshing.delete(id);
      this.list.row(id)?.setRefreshing(false);
      const active = document.activeElement;
      if (hadFocus && btn.isConnected && (active === null || active === document.body)) btn.focus();
    }
  }

  private replaceAccount(view: AccountView): void {
    const i = this.accounts.findIndex((a) => a.id === view.id);
    if (i < 0) return;
    this.accounts[i] = view;
    this.list.row(view.id)?.update(view, this.now());
  }

  private onRefreshState(event: RefreshState): void {
    const id = event.account_id;
    const account = this.accountById(id);
    if (event.refreshing) {
      this.refreshing.add(id);
      this.list.row(id)?.setRefreshing(true);
      if (event.automatic && account !== undefined) this.announcer.say(`Refreshing ${whoIs(account)} automatically…`);
      return;
    }
    if (!this.manual.has(id)) {
      this.refreshing.delete(id);
      this.list.row(id)?.setRefreshing(false);
    }
    if (event.automatic && event.error !== null) {
      this.failureToast(event.error, account, account !== undefined ? `Automatic refresh of ${whoIs(account)} failed` : 'Automatic refresh failed');
    }
  }

  private async setAutoRefresh(id: string, on: boolean): Promise<void> {
    try {
      const view = await ipc.setAutoRefresh(id, on);
      this.replaceAccount(view);
      this.announcer.say(`Auto-refresh ${on ? 'on' : 'off'} for ${whoIs(view)}.`);
    } catch (error) {
      this.failureToast(ipc.toFailure(error), this.accountById(id));
      throw error;
    }
  }

  // ----- copy -----

  private async copy(account: AccountView, btn: HTMLButtonElement): Promise<void> {
    btn.disabled = true;
    try {
      const receipt = await ipc.copyToken(account.id);
      this.showCopied(account.id, receipt.clears_in_seconds);
    } catch (error) {
      this.failureToast(ipc.toFailure(error), this.accountById(account.id) ?? account);
    } finally {
      btn.disabled = false;
    }
  }

  private showCopied(id: string, seconds: number): void {
    this.stopCopyTimer(id);
    const deadline = this.now() + seconds * 1000;
    const toast = this.toaster.show(`Copied — clears in ${seconds} s`, {
      tone: 'success',
      timeout: null,
      key: `copy-${id}`,
      srMessage: `Token copied. The clipboard is cleared in ${seconds} seconds.`,
    });
    const state: CopyState = { toast, timer: null };
    state.timer = setInterval(() => {
      if (toast.dismissed) {
        this.stopCopyTimer(id);
        return;
      }
      const left = Math.ceil((deadline - this.now()) / 1000);
      if (left > 0) {
        toast.update(`Copied — clears in ${left} s`);
      } else {
        // Cleared by Rust (the event follows), or the clipboard already holds something else.
        this.stopCopyTimer(id);
        toast.update('Clearing the clipboard…', { timeout: 5000 });
      }
    }, 1000);
    this.copies.set(id, state);
  }

  private stopCopyTimer(id: string): void {
    const state = this.copies.get(id);
    if (state?.timer != null) clearInterval(state.timer);
    if (state !== undefined) state.timer = null;
  }

  private onClipboardCleared(id: string, cleared: boolean): void {
    this.stopCopyTimer(id);
    const state = this.copies.get(id);
    this.copies.delete(id);
    // Not cleared: something else was copied over the token, which is left alone.
    const message = cleared ? 'Clipboard cleared' : 'The token is no longer on the clipboard';
    if (state !== undefined && !state.toast.dismissed) {
      state.toast.update(message, { tone: 'info', timeout: 4000, srMessage: null });
    } else if (cleared) {
      this.toaster.show(message, { tone: 'info', timeout: 4000 });
    }
  }

  // ----- connect / reconnect -----

  private connectDeps() {
    return {
      onConnected: (account: AccountView) => { this.connected(account); },
      onFailure: (failure: ipc.IpcFailure) => { this.noteFailure(failure); },
      accountsUsing: (provider: string) => this.accounts.filter((a) => a.provider === provider).length,
      fallbackFocus: () => this.defaultFocus(),
    };
  }

  private openConnect(): void {
    if (this.connect !== null && !this.connect.closed) return;
    this.connect = ConnectFlow.choose(this.connectDeps());
  }

  private reconnect(account: AccountView): void {
    if (this.details !== null && !this.details.closed) this.details.dialog.close();
    if (this.connect !== null && !this.connect.closed) this.connect.dialog.close();
    this.connect = ConnectFlow.reconnect(this.connectDeps(), account);
  }

  private connected(account: AccountView): void {
    const now = this.now();
    for (const [id, at] of this.recentlyConnected) if (now - at > 15_000) this.recentlyConnected.delete(id);
    if (this.recentlyConnected.has(account.id)) return;
    this.recentlyConnected.set(account.id, now);
    this.toaster.show(`Connected ${whoIs(account)}`, { tone: 'success' });
    void this.load().then(() => {
      this.list.reveal(account.id);
      const row = this.list.row(account.id);
      if (row !== undefined && openDialogs().length === 0) focus(row.focusTarget());
    });
  }

  private onLoginFinished(event: LoginFinished): void {
    if (this.connect !== null && !this.connect.closed && this.connect.handleLoginFinished(event)) return;
    // A sign-in whose dialog was closed meanwhile: still say how it ended.
    if (event.account !== null) this.connected(event.account);
  }

  private onCallbackHandled(event: CallbackHandled): void {
    if (this.connect !== null && !this.connect.closed && this.connect.handleCallbackHandled(event)) return;
    if (event.account !== null) this.connected(event.account);
    else if (event.error !== null) this.failureToast(event.error, undefined, 'A sign-in answer could not be used');
  }

  // ----- details / disconnect -----

  private openDetails(account: AccountView): void {
    if (this.details !== null && !this.details.closed) this.details.dialog.close();
    this.details = DetailsView.open(account, {
      setAutoRefresh: (id, on) => this.setAutoRefresh(id, on),
      onFailure: (failure, acc) => { this.failureToast(failure, acc); },
      now: this.now,
      fallbackFocus: () => this.defaultFocus(),
    });
  }

  private disconnect(account: AccountView): void {
    confirmDisconnect(account, {
      onStart: (acc) => { this.list.row(acc.id)?.setBusy(true); },
      onDone: (acc, report) => { this.disconnected(acc, report); },
      onFailed: (acc, failure) => {
        this.noteFailure(failure);
        this.list.row(acc.id)?.setBusy(false);
      },
      fallbackFocus: () => this.defaultFocus(),
    });
  }

  private disconnected(account: AccountView, report: DisconnectReport): void {
    const who = whoIs(account);
    if (report.warning !== null && report.warning.trim() !== '') {
      this.toaster.show(report.warning, { tone: 'warning', title: `Disconnected ${who}` });
    } else {
      this.toaster.show(`Disconnected ${who}`, { tone: 'success' });
    }
    this.accounts = this.accounts.filter((a) => a.id !== account.id);
    void this.load().then(() => { focus(this.defaultFocus()); });
  }

  /** Where focus goes when its element disappeared. */
  private defaultFocus(): HTMLElement | null {
    const first = this.accounts[0];
    const row = first !== undefined ? this.list.row(first.id) : undefined;
    if (row !== undefined && !this.list.element.hidden) return row.focusTarget();
    if (!this.connectButton.hidden) return this.connectButton;
    return this.main;
  }

  // ----- diagnostics -----

  private async exportDiagnostics(): Promise<void> {
    this.exportButton.disabled = true;
    this.exportButton.setAttribute('aria-busy', 'true');
    try {
      const path = await ipc.exportDiagnostics();
      this.toaster.show(`Saved to ${path}`, { tone: 'success', title: 'Diagnostics exported', timeout: 15_000 });
    } catch (error) {
      this.failureToast(ipc.toFailure(error), undefined, 'Diagnostics could not be saved');
    } finally {
      this.exportButton.disabled = false;
      this.exportButton.removeAttribute('aria-busy');
    }
  }
}
