/**
 * The account list: keyed rows updated in place (focus and scroll survive every refresh).
 * It shows the store's accounts in the store's order and each row's refresh state from the
 * store, following its changes.
 */
import { button, h, setText } from '../dom';
import { icons } from '../icons';
import type { AccountView } from '../ipc';
import { attentionCount, filterAccounts, FILTER_THRESHOLD, statusChangesIn } from '../logic/accounts';
import { MAX_CHANGE_WAIT_MS } from '../logic/time';
import type { AccountStore } from '../store';
import { AccountRow, type RowActions } from './accountRow';

/** Rows built before the first paint (more than fit in a tall window); the rest follow in
 * batches. */
const FIRST_BATCH = 8;
const BATCH = 200;

export class AccountList {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly summary: HTMLElement;
  private readonly filterWrap: HTMLElement;
  private readonly filterInput: HTMLInputElement;
  private readonly noMatch: HTMLElement;
  private readonly noMatchText: HTMLElement;
  private readonly rows = new Map<string, AccountRow>();
  private accounts: AccountView[] = [];
  private query = '';
  private pending: ReturnType<typeof setTimeout> | null = null;
  private pendingFrame: number | null = null;
  /** Rows scrolled out of view: their countdowns are not repainted every second (with a
   * thousand accounts that would keep the window busy). They catch up when they come into
   * view. Without IntersectionObserver every row counts as in view. */
  private readonly offscreen = new WeakSet<Element>();
  private readonly observer: IntersectionObserver | null =
    typeof IntersectionObserver === 'undefined'
      ? null
      : new IntersectionObserver((entries) => {
          const now = Date.now();
          let shown = false;
          for (const entry of entries) {
            if (entry.isIntersecting) {
              this.offscreen.delete(entry.target);
              this.rowOf(entry.target)?.tick(now);
              shown = true;
            } else {
              this.offscreen.add(entry.target);
            }
          }
          if (shown) this.onShown();
        }, { rootMargin: '200px 0px' });
  /** Called when rows scroll into view (the window then looks again when to wake next). */
  onShown: () => void = () => undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly actions: RowActions,
    private readonly store: AccountStore,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.unsubscribe = store.subscribe((change) => {
      if (change.type === 'accounts') {
        this.setAccounts(store.accounts, this.now());
      } else if (change.type === 'account') {
        const account = store.get(change.id);
        if (account !== undefined) this.rows.get(change.id)?.update(account, this.now());
      } else {
        this.rows.get(change.id)?.setRefreshing(store.isRefreshing(change.id));
      }
    });
    this.summary = h('p', { class: 'summary', 'data-testid': 'summary' });
    this.filterInput = h('input', {
      type: 'search',
      class: 'input filter-input',
      placeholder: 'Filter by email or provider',
      'aria-label': 'Filter accounts',
      'data-testid': 'filter',
      autocomplete: 'off',
      spellcheck: 'false',
    });
    this.filterInput.addEventListener('input', () => {
      this.query = this.filterInput.value;
      this.applyFilter(Date.now());
    });
    this.filterInput.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.filterInput.value !== '') {
        event.preventDefault();
        this.clearFilter();
      }
    });
    this.filterWrap = h('div', { class: 'filter' }, [icons.search(), this.filterInput]);
    this.filterWrap.hidden = true;
    this.list = h('ul', { class: 'account-list', 'aria-labelledby': 'accounts-title', 'data-testid': 'account-list' });
    this.noMatchText = h('p', {});
    this.noMatch = h('div', { class: 'no-match', 'data-testid': 'no-match' }, [
      this.noMatchText,
      button('Clear filter', () => { this.clearFilter(); }, { variant: 'ghost', size: 'sm' }),
    ]);
    this.noMatch.hidden = true;
    this.element = h('section', { class: 'accounts', 'aria-labelledby': 'accounts-title' }, [
      h('div', { class: 'toolbar' }, [
        h('div', { class: 'toolbar-title' }, [h('h2', { id: 'accounts-title', class: 'section-title' }, 'Accounts'), this.summary]),
        this.filterWrap,
      ]),
      this.list,
      this.noMatch,
    ]);
  }

  /**
   * Shows `accounts` in this order, reusing rows for accounts already shown. The first rows
   * are built at once; with hundreds of accounts the rest follow in small batches so the
   * window paints quickly.
   */
  private setAccounts(accounts: readonly AccountView[], now: number): void {
    this.accounts = [...accounts];
    this.cancelBatches();
    const ids = new Set(accounts.map((a) => a.id));
    for (const [id, row] of this.rows) {
      if (!ids.has(id)) {
        this.observer?.unobserve(row.element);
        row.element.remove();
        this.rows.delete(id);
      }
    }
    const showFilter = accounts.length > FILTER_THRESHOLD;
    this.filterWrap.hidden = !showFilter;
    if (!showFilter && this.query !== '') {
      this.query = '';
      this.filterInput.value = '';
    }
    this.place(0, FIRST_BATCH, now);
  }

  /** Builds or moves rows [start, start + count) into place after the rows before them. */
  private place(start: number, count: number, now: number): void {
    const accounts = this.accounts;
    const end = Math.min(accounts.length, start + count);
    const previous = start > 0 ? accounts[start - 1] : undefined;
    let cursor: ChildNode | null =
      previous !== undefined ? (this.rows.get(previous.id)?.element.nextSibling ?? null) : this.list.firstChild;
    for (let i = start; i < end; i++) {
      const account = accounts[i];
      if (account === undefined) break;
      let row = this.rows.get(account.id);
      if (row === undefined) {
        row = new AccountRow(account, this.actions, now);
        this.rows.set(account.id, row);
        this.observer?.observe(row.element);
      } else {
        row.update(account, now);
      }
      row.setRefreshing(this.store.isRefreshing(account.id));
      if (row.element === cursor) {
        cursor = cursor.nextSibling;
      } else {
        const active = document.activeElement;
        const hadFocus = active instanceof HTMLElement && row.element.contains(active) ? active : null;
        this.list.insertBefore(row.element, cursor);
        hadFocus?.focus({ preventScroll: true });
      }
    }
    this.applyFilter(now);
    if (end < accounts.length) {
      // After the next painted frame, so the rows already built show first.
      const next = () => {
        this.pendingFrame = null;
        this.pending = setTimeout(() => {
          this.pending = null;
          this.place(end, BATCH, Date.now());
        }, 0);
      };
      if (start === 0 && typeof requestAnimationFrame === 'function') {
        this.pendingFrame = requestAnimationFrame(() => {
          this.pendingFrame = requestAnimationFrame(next);
        });
      } else {
        next();
      }
    }
  }

  /** Whether rows are still being built in the background. */
  get building(): boolean {
    return this.pending !== null || this.pendingFrame !== null;
  }

  private applyFilter(now: number): void {
    const visible = new Set(filterAccounts(this.accounts, this.query).map((a) => a.id));
    for (const [id, row] of this.rows) {
      const show = visible.has(id);
      if (!row.element.isConnected) continue;
      if (row.element.hidden === show) {
        row.element.hidden = !show;
        if (show) row.tick(now);
      }
    }
    const q = this.query.trim();
    this.noMatch.hidden = !(q !== '' && visible.size === 0 && this.accounts.length > 0);
    if (this.building) this.summary.setAttribute('aria-busy', 'true');
    else this.summary.removeAttribute('aria-busy');
    setText(this.noMatchText, `No accounts match “${q}”.`);
    this.updateSummary(now, visible.size);
  }

  destroy(): void {
    this.unsubscribe();
    this.cancelBatches();
    this.observer?.disconnect();
  }

  private cancelBatches(): void {
    if (this.pending !== null) clearTimeout(this.pending);
    if (this.pendingFrame !== null) cancelAnimationFrame(this.pendingFrame);
    this.pending = null;
    this.pendingFrame = null;
  }

  private rowOf(element: Element): AccountRow | undefined {
    const id = element instanceof HTMLElement ? element.dataset.accountId : undefined;
    return id === undefined ? undefined : this.rows.get(id);
  }

  private updateSummary(now: number, visible: number): void {
    const total = this.accounts.length;
    const attention = attentionCount(this.accounts, now);
    let text = `${total} account${total === 1 ? '' : 's'}`;
    if (this.query.trim() !== '' && visible !== total) text = `${visible} of ${total} accounts`;
    if (attention > 0) text += ` · ${attention} need${attention === 1 ? 's' : ''} attention`;
    setText(this.summary, text);
  }

  clearFilter(): void {
    this.query = '';
    this.filterInput.value = '';
    this.applyFilter(Date.now());
    this.filterInput.focus();
  }

  focusFilter(): boolean {
    if (this.filterWrap.hidden) return false;
    this.filterInput.focus();
    this.filterInput.select();
    return true;
  }

  tick(now: number): void {
    let hidden = 0;
    for (const row of this.rows.values()) {
      if (row.element.hidden) hidden += 1;
      else if (!this.offscreen.has(row.element)) row.tick(now);
    }
    this.updateSummary(now, this.accounts.length - hidden);
  }

  /** Milliseconds until a row in view shows a different time, or the summary a different count. */
  nextChange(now: number): number {
    let wait = MAX_CHANGE_WAIT_MS;
    // The summary counts every account that needs attention, in view or not.
    for (const account of this.accounts) wait = Math.min(wait, statusChangesIn(account, now));
    for (const row of this.rows.values()) {
      if (!row.element.hidden && !this.offscreen.has(row.element)) wait = Math.min(wait, row.nextChange(now));
    }
    return wait;
  }

  row(id: string): AccountRow | undefined {
    return this.rows.get(id);
  }

  get size(): number {
    return this.accounts.length;
  }

  /** Makes sure a row is visible (clears the filter if it hides it) and highlights it. */
  reveal(id: string): void {
    const row = this.rows.get(id);
    if (row === undefined) return;
    if (row.element.hidden) this.clearFilter();
    row.element.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    row.highlight();
  }
}
