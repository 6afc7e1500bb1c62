/**
 * The AuthDeck window: header, keychain banner, account list (or empty state), dialogs and
 * toasts, wired to the Rust side through ipc.ts. The accounts live in the store; refresh,
 * copy and disconnect are flows of their own (flows/), the connect dialog is views/connect/.
 */
import { button, focus, h, replaceChildren, setText } from './dom';
import type { IpcFailure } from './errors';
import { Feedback } from './flows/feedback';
import { CopyFlow } from './flows/copy';
import { DiagnosticsFlow } from './flows/diagnostics';
import { disconnectAccount } from './flows/disconnect';
import { RefreshFlow } from './flows/refresh';
import { icons } from './icons';
import { ipc } from './ipc';
import type { AccountView, AppStatus, CallbackHandled, LoginFinished, ProviderOffered, ShowAccount } from './ipc';
import { whoIs } from './logic/accounts';
import { AccountStore } from './store';
import { AccountList } from './views/accountList';
import { BackgroundSwitches } from './views/backgroundSwitches';
import type { RowActions } from './views/accountRow';
import { ConnectFlow } from './views/connect/flow';
import { DetailsView } from './views/details';
import { keepAboveDialogs, openDialogs } from './views/dialog';

export interface AppOptions {
  /** The clock (ms since epoch); tests pass a fake one. */
  now?: () => number;
}

export interface AppHandle {
  destroy(): void;
  /** Resolves once the first account list (or empty state) is on screen. */
  ready: Promise<void>;
}

export function startApp(root: HTMLElement, options: AppOptions = {}): AppHandle {
  const app = new App(root, options);
  return { destroy: () => { app.destroy(); }, ready: app.ready };
}

class App {
  private readonly now: () => number;
  private readonly store = new AccountStore();
  private readonly feedback: Feedback;
  private readonly refreshFlow: RefreshFlow;
  private readonly copyFlow: CopyFlow;
  private readonly list: AccountList;
  private readonly main: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly loadError: HTMLElement;
  private readonly connectButton: HTMLButtonElement;
  private readonly diagnostics: DiagnosticsFlow;
  private readonly keychainBadge: HTMLElement;
  private readonly keychainBanner: HTMLElement;
  private readonly keychainText: HTMLElement;
  private readonly footer: HTMLElement;
  private readonly footerText: HTMLElement;
  /** An account the tray or a notification asked to show, until the list has it. */
  private wanted: ShowAccount | null;
  private readonly recentlyConnected = new Map<string, number>();
  private connect: ConnectFlow | null = null;
  private shownOffer: string | null = null;
  private details: DetailsView | null = null;
  private loading: Promise<void> | null = null;
  private loadAgain = false;
  private lastLoad = 0;
  private firstRender = true;
  private readonly unlisten: (() => void)[] = [];
  /** The one wake-up for shown times: when the soonest of them can change, not every second. */
  private ticker: ReturnType<typeof setTimeout> | null = null;
  private destroyed = false;
  readonly ready: Promise<void>;
  private markReady: () => void = () => undefined;

  constructor(private readonly root: HTMLElement, options: AppOptions) {
    this.now = options.now ?? (() => Date.now());
    this.ready = new Promise((resolve) => { this.markReady = resolve; });
    this.feedback = new Feedback({
      keychainFailed: (message) => { this.setKeychain(false, message); },
      reconnect: (account) => { this.reconnect(account); },
    });
    this.refreshFlow = new RefreshFlow(this.store, this.feedback, this.now);
    this.copyFlow = new CopyFlow(this.store, this.feedback, this.now);

    const actions: RowActions = {
      refresh: (account, btn) => void this.refreshFlow.refresh(account, btn),
      copy: (account, btn) => void this.copyFlow.copy(account, btn),
      details: (account) => { this.openDetails(account); },
      disconnect: (account) => {
        disconnectAccount(account, {
          store: this.store,
          list: this.list,
          feedback: this.feedback,
          reload: () => this.load(),
          fallbackFocus: () => this.defaultFocus(),
        });
      },
      reconnect: (account) => { this.reconnect(account); },
      setAutoRefresh: (id, on) => this.refreshFlow.setAutoRefresh(id, on),
    };
    this.list = new AccountList(actions, this.store, this.now);

    this.connectButton = button('Connect account', () => { this.openConnect(); }, { variant: 'primary', icon: icons.plus() });
    this.connectButton.hidden = true;
    this.diagnostics = new DiagnosticsFlow(this.feedback);
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
    this.footerText = h('span', {});
    const switches = new BackgroundSwitches((error) => { this.feedback.failureToast(ipc.toFailure(error)); });
    this.footer = h('footer', { class: 'footer' }, [this.footerText, switches.element]);
    this.wanted = wantedFrom(window.location.search);

    const header = h('header', { class: 'app-header' }, [
      h('div', { class: 'brand' }, [icons.logo(), h('h1', { class: 'brand-name' }, 'AuthDeck'), this.keychainBadge]),
      h('div', { class: 'header-actions' }, [this.diagnostics.linksButton, this.diagnostics.exportButton, this.connectButton]),
    ]);

    replaceChildren(root, [
      h('a', { class: 'skip-link', href: '#main' }, 'Skip to accounts'),
      header,
      this.main,
      this.footer,
      this.feedback.toaster.element,
      this.feedback.announcer.element,
    ]);

    keepAboveDialogs(this.feedback.toaster.element, root);
    this.subscribe();
    this.list.onShown = () => { this.schedule(); };
    this.unlisten.push(this.store.subscribe(() => { this.schedule(); }));
    void this.load();
    void this.checkStatus(false);
  }

  destroy(): void {
    this.destroyed = true;
    if (this.ticker !== null) clearTimeout(this.ticker);
    this.list.destroy();
    for (const stop of this.unlisten) stop();
    this.copyFlow.destroy();
    for (const d of [...openDialogs()]) d.close();
    this.feedback.toaster.clear();
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
    if (document.visibilityState !== 'visible') return;
    // Countdowns stood still while hidden: bring them up to date at once.
    this.tick();
    this.onWindowFocus();
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
      ipc.onRefreshState((e) => { this.refreshFlow.onRefreshState(e); }),
      ipc.onClipboardCleared((e) => { this.copyFlow.onClipboardCleared(e.account_id, e.cleared); }),
      ipc.onLoginFinished((e) => { this.onLoginFinished(e); }),
      ipc.onCallbackHandled((e) => { this.onCallbackHandled(e); }),
      ipc.onLinksChecked((e) => { this.diagnostics.onLinksChecked(e); }),
      ipc.onProviderOffered((e) => { this.onProviderOffered(e); }),
      ipc.onShowAccount((e) => {
        this.wanted = e;
        this.showWanted();
      }),
    );
    // A link or file that started the app arrived before this page listened.
    void ipc.providerOffer().then((e) => { if (e !== null) this.onProviderOffered(e); }, () => undefined);
    window.addEventListener('focus', this.onWindowFocus);
    document.addEventListener('visibilitychange', this.onVisibility);
    document.addEventListener('keydown', this.onKeydown);
  }

  private tick(): void {
    this.ticker = null;
    // A minimized or covered window does no timer work; it catches up when shown again.
    if (document.visibilityState === 'hidden') return;
    const now = this.now();
    this.list.tick(now);
    if (this.details !== null && !this.details.closed) this.details.tick(now);
    this.schedule();
  }

  /**
   * Sleeps until the soonest shown time can read differently (`changesIn`: within the second
   * under a minute, at the next whole minute above it). Nothing wakes while hidden.
   */
  private schedule(): void {
    if (this.ticker !== null) clearTimeout(this.ticker);
    this.ticker = null;
    if (this.destroyed || document.visibilityState === 'hidden') return;
    const now = this.now();
    let wait = this.list.nextChange(now);
    if (this.details !== null && !this.details.closed) wait = Math.min(wait, this.details.nextChange(now));
    this.ticker = setTimeout(() => { this.tick(); }, wait);
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

  /** Shows a listing from Rust, in Rust's order (most urgent first). */
  private showAccounts(accounts: AccountView[]): void {
    const empty = accounts.length === 0;
    this.loadError.hidden = true;
    this.empty.hidden = !empty;
    this.list.element.hidden = empty;
    this.connectButton.hidden = empty;
    this.store.setAll(accounts);
    this.rendered();
    this.showWanted();
  }

  /** Shows the account the tray or a notification asked for: Reconnect focused, or started. */
  private showWanted(): void {
    const wanted = this.wanted;
    if (wanted === null) return;
    const account = this.store.accounts.find((a) => a.id === wanted.account_id);
    if (account === undefined) return;
    this.wanted = null;
    if (wanted.reconnect) {
      this.reconnect(account);
      return;
    }
    if (this.details !== null && !this.details.closed) this.details.dialog.close();
    this.list.reveal(account.id);
    const row = this.list.row(account.id);
    if (row !== undefined && openDialogs().length === 0) focus(row.focusTarget());
  }

  private showLoadError(failure: IpcFailure): void {
    this.feedback.noteFailure(failure);
    if (!this.firstRender && this.store.accounts.length > 0) {
      this.feedback.toaster.show(failure.message, { tone: 'error', title: 'AuthDeck could not update the list', key: 'load-error' });
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
      if (userAsked) this.feedback.failureToast(ipc.toFailure(error));
      return;
    }
    this.setKeychain(status.keychain_available, status.keychain_message);
    setText(this.footerText, `AuthDeck ${status.version} · Data folder: ${status.data_dir}`);
    if (userAsked && status.keychain_available) this.feedback.toaster.show('The keychain is available again.', { tone: 'success' });
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

  // ----- connect / reconnect -----

  private connectDeps() {
    return {
      onConnected: (account: AccountView) => { this.connected(account); },
      onFailure: (failure: IpcFailure) => { this.feedback.noteFailure(failure); },
      accountsUsing: (provider: string) => this.store.usingProvider(provider),
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
    this.feedback.toaster.show(`Connected ${whoIs(account)}`, { tone: 'success' });
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
    else if (event.error !== null) this.feedback.failureToast(event.error, undefined, 'A sign-in answer could not be used');
  }

  /** A provider link or file: confirm it (never added without "Add and connect"), or say why not. */
  private onProviderOffered(event: ProviderOffered): void {
    if (event.offer === null) {
      if (event.error !== null) this.feedback.failureToast(event.error, undefined, 'That provider could not be added');
      return;
    }
    // The same offer by event and by the start-up question: shown once.
    if (this.shownOffer === event.offer.id) return;
    this.shownOffer = event.offer.id;
    if (this.connect !== null && !this.connect.closed) this.connect.dialog.close();
    this.connect = ConnectFlow.offer(this.connectDeps(), event.offer);
  }

  // ----- details / disconnect -----

  private openDetails(account: AccountView): void {
    if (this.details !== null && !this.details.closed) this.details.dialog.close();
    this.details = DetailsView.open(account, {
      setAutoRefresh: (id, on) => this.refreshFlow.setAutoRefresh(id, on),
      onFailure: (failure, acc) => { this.feedback.failureToast(failure, acc); },
      now: this.now,
      fallbackFocus: () => this.defaultFocus(),
      onClosed: () => { void ipc.viewingAccount(null).catch(() => undefined); },
      onShown: () => { this.schedule(); },
    });
    // No notice about the account the user is looking at.
    void ipc.viewingAccount(account.id).catch(() => undefined);
  }

  /** Where focus goes when its element disappeared. */
  private defaultFocus(): HTMLElement | null {
    const first = this.store.accounts[0];
    const row = first !== undefined ? this.list.row(first.id) : undefined;
    if (row !== undefined && !this.list.element.hidden) return row.focusTarget();
    if (!this.connectButton.hidden) return this.connectButton;
    return this.main;
  }
}

/** The account a new window was opened on (`?account=ID&reconnect=1`), if any. */
export function wantedFrom(search: string): ShowAccount | null {
  const params = new URLSearchParams(search);
  const id = params.get('account');
  if (id === null || id === '') return null;
  return { account_id: id, reconnect: params.get('reconnect') === '1' };
}
