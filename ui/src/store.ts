/**
 * The accounts on screen and what is happening to each, in one place. The list and its rows
 * read from here and are told when something changed, so refresh state is kept once (not in
 * the app, the row and a re-push after every load). The order is the one Rust sent.
 */
import type { AccountView } from './ipc';

export type StoreChange =
  | { type: 'accounts' }
  | { type: 'account'; id: string }
  | { type: 'refreshing'; id: string };

/** Who says an account is refreshing: a click in this window, or a Rust event. */
export type RefreshSource = 'click' | 'event';

export class AccountStore {
  private items: AccountView[] = [];
  private readonly refreshing = new Map<string, Set<RefreshSource>>();
  private readonly listeners = new Set<(change: StoreChange) => void>();

  /** The accounts, most urgent first. */
  get accounts(): readonly AccountView[] {
    return this.items;
  }

  get(id: string): AccountView | undefined {
    return this.items.find((a) => a.id === id);
  }

  /** How many accounts use a provider. */
  usingProvider(provider: string): number {
    return this.items.filter((a) => a.provider === provider).length;
  }

  /** A fresh listing from Rust. */
  setAll(accounts: readonly AccountView[]): void {
    this.items = [...accounts];
    this.emit({ type: 'accounts' });
  }

  /** One account changed (an answer to a command); kept in its place until the next listing. */
  replace(view: AccountView): void {
    const i = this.items.findIndex((a) => a.id === view.id);
    if (i < 0) return;
    this.items[i] = view;
    this.emit({ type: 'account', id: view.id });
  }

  remove(id: string): void {
    const before = this.items.length;
    this.items = this.items.filter((a) => a.id !== id);
    if (this.items.length !== before) this.emit({ type: 'accounts' });
  }

  isRefreshing(id: string): boolean {
    return (this.refreshing.get(id)?.size ?? 0) > 0;
  }

  /** Whether a click in this window is refreshing the account now. */
  isRefreshingByClick(id: string): boolean {
    return this.refreshing.get(id)?.has('click') === true;
  }

  /**
   * Starts or ends a refresh as `source` reports it. The end of a click's refresh ends it for
   * every source (the click awaited the result); an event's end leaves a click's refresh on.
   */
  setRefreshing(id: string, on: boolean, source: RefreshSource): void {
    const was = this.isRefreshing(id);
    const sources = this.refreshing.get(id) ?? new Set<RefreshSource>();
    if (on) sources.add(source);
    else if (source === 'click') sources.clear();
    else sources.delete(source);
    if (sources.size > 0) this.refreshing.set(id, sources);
    else this.refreshing.delete(id);
    if (was !== this.isRefreshing(id)) this.emit({ type: 'refreshing', id });
  }

  /** Calls `listener` on every change; returns a function that stops it. */
  subscribe(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private emit(change: StoreChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}
