/**
 * The account list, windowed: DOM rows exist only for the accounts in or near the viewport
 * (plus the focused row), between spacers that keep the scrollbar and the page's height as if
 * every row were there. Rows are updated in place and recycled as the list scrolls; focus and
 * scroll survive every refresh. It shows the store's accounts in the store's order and each
 * row's refresh state from the store, following its changes.
 */
import { button, h, setText } from '../dom';
import { icons } from '../icons';
import type { AccountView } from '../ipc';
import { attentionCount, filterAccounts, FILTER_THRESHOLD, statusChangesIn } from '../logic/accounts';
import { MAX_CHANGE_WAIT_MS } from '../logic/time';
import type { AccountStore } from '../store';
import { AccountRow, type RowActions } from './accountRow';
import {
  FIRST_OVERSCAN,
  FOCUS_NEIGHBOURS,
  OVERSCAN,
  ROW_GAP,
  ROW_HEIGHT_FALLBACK,
  renderedIndices,
  visibleRange,
  windowViewport,
  type Viewport,
} from './listWindow';

/** Rows kept for reuse once scrolled away (more than one scroll step replaces). */
const POOL = 24;

export class AccountList {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly summary: HTMLElement;
  private readonly filterWrap: HTMLElement;
  private readonly filterInput: HTMLInputElement;
  private readonly noMatch: HTMLElement;
  private readonly noMatchText: HTMLElement;
  /** The rows in the DOM, by account id. */
  private readonly rows = new Map<string, AccountRow>();
  /** Rows scrolled away while busy (being disconnected): kept so their state survives. */
  private readonly kept = new Map<string, AccountRow>();
  private readonly pool: AccountRow[] = [];
  private readonly spacers: HTMLLIElement[] = [];
  private accounts: AccountView[] = [];
  /** The accounts the filter lets through, in order: the rows the list stands for. */
  private shown: AccountView[] = [];
  private query = '';
  /** One row plus the gap, measured from the first laid-out row. */
  private pitch = ROW_HEIGHT_FALLBACK + ROW_GAP;
  private measured = false;
  private overscan = FIRST_OVERSCAN;
  private widen: number | null = null;
  /** Called when rows come into view (the window then looks again when to wake next). */
  onShown: () => void = () => undefined;
  private readonly unsubscribe: () => void;
  private readonly unlisten: () => void;

  constructor(
    private readonly actions: RowActions,
    private readonly store: AccountStore,
    private readonly now: () => number = () => Date.now(),
    private readonly viewport: Viewport = windowViewport,
  ) {
    this.unsubscribe = store.subscribe((change) => {
      if (change.type === 'accounts') {
        this.setAccounts(store.accounts, this.now());
      } else if (change.type === 'account') {
        const account = store.get(change.id);
        if (account !== undefined) this.replaceAccount(account, this.now());
      } else {
        this.rowById(change.id)?.setRefreshing(store.isRefreshing(change.id));
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
    // A focused row stays, with its neighbours, so Tab and Shift+Tab reach the next row.
    this.list.addEventListener('focusin', () => { this.render(this.now()); });
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
    this.unlisten = viewport.listen(() => { this.render(Date.now()); });
  }

  /** Shows `accounts` in this order, reusing the rows of accounts already shown. */
  private setAccounts(accounts: readonly AccountView[], now: number): void {
    this.accounts = [...accounts];
    const showFilter = accounts.length > FILTER_THRESHOLD;
    this.filterWrap.hidden = !showFilter;
    if (!showFilter && this.query !== '') {
      this.query = '';
      this.filterInput.value = '';
    }
    this.applyFilter(now);
  }

  /** One account changed (an answer to a command): its row, if shown, and the list's copy. */
  private replaceAccount(account: AccountView, now: number): void {
    const swap = (list: AccountView[]) => {
      const i = list.findIndex((a) => a.id === account.id);
      if (i >= 0) list[i] = account;
    };
    swap(this.accounts);
    swap(this.shown);
    this.rowById(account.id)?.update(account, now);
  }

  private applyFilter(now: number): void {
    this.shown = filterAccounts(this.accounts, this.query);
    const q = this.query.trim();
    this.noMatch.hidden = !(q !== '' && this.shown.length === 0 && this.accounts.length > 0);
    setText(this.noMatchText, `No accounts match “${q}”.`);
    this.updateSummary(now, this.shown.length);
    this.render(now);
  }

  /**
   * Puts the rows in or near the viewport (and the focused row with its neighbours) into the
   * list, between spacers standing for the rows that are not there; the others leave the DOM.
   */
  private render(now: number, pinned: readonly number[] = []): void {
    const shown = this.shown;
    const count = shown.length;
    const viewport = this.viewport;
    const range = visibleRange(viewport.scrollTop(), viewport.height(), viewport.offsetOf(this.list), this.pitch, count, this.overscan);
    const focusIndex = this.focusedIndex();
    const around: number[] = [...pinned];
    if (focusIndex >= 0) {
      for (let i = focusIndex - FOCUS_NEIGHBOURS; i <= focusIndex + FOCUS_NEIGHBOURS; i++) around.push(i);
    }
    const indices = renderedIndices(range, around, count);

    const wanted = new Map<string, number>();
    for (const i of indices) { const a = shown[i]; if (a !== undefined) wanted.set(a.id, i); };
    for (const [id, row] of this.rows) {
      if (wanted.has(id)) continue;
      this.rows.delete(id);
      row.element.remove();
      if (row.isBusy) this.kept.set(id, row);
      else if (this.pool.length < POOL) this.pool.push(row);
    }

    const children: HTMLLIElement[] = [];
    let spacer = 0;
    let previous = -1;
    let added = false;
    const gapOf = (rows: number) => {
      if (rows <= 0) return;
      const el = this.spacers[spacer] ?? this.newSpacer();
      spacer += 1;
      el.style.height = `${rows * this.pitch - ROW_GAP}px`;
      children.push(el);
    };
    for (const i of indices) {
      gapOf(i - previous - 1);
      const account = shown[i];
      if (account === undefined) continue;
      let row = this.rows.get(account.id);
      if (row === undefined) {
        row = this.rowFor(account, now);
        this.rows.set(account.id, row);
        added = true;
      } else if (row.account !== account) {
        row.update(account, now);
        row.setRefreshing(this.store.isRefreshing(account.id));
      }
      row.element.setAttribute('aria-setsize', String(count));
      row.element.setAttribute('aria-posinset', String(i + 1));
      children.push(row.element);
      previous = i;
    }
    gapOf(count - previous - 1);
    for (const extra of this.spacers.slice(spacer)) extra.remove();
    this.arrange(children);
    this.measure(now);
    this.scheduleWiden();
    if (added) this.onShown();
  }

  /** A row for `account`: one kept while busy, one from the pool, or a new one. */
  private rowFor(account: AccountView, now: number): AccountRow {
    const kept = this.kept.get(account.id);
    this.kept.delete(account.id);
    let row = kept;
    if (row !== undefined) row.update(account, now);
    else {
      row = this.pool.pop();
      if (row !== undefined) row.reuse(account, now);
      else row = new AccountRow(account, this.actions, now);
    }
    row.setRefreshing(this.store.isRefreshing(account.id));
    return row;
  }

  private newSpacer(): HTMLLIElement {
    const el = h('li', { class: 'list-spacer', 'aria-hidden': 'true', role: 'presentation' });
    this.spacers.push(el);
    return el;
  }

  /** Puts `children` into the list in this order, moving as little as it can (focus stays). */
  private arrange(children: readonly HTMLLIElement[]): void {
    let cursor: ChildNode | null = this.list.firstChild;
    for (const child of children) {
      if (child === cursor) {
        cursor = cursor.nextSibling;
        continue;
      }
      const active = document.activeElement;
      const hadFocus = active instanceof HTMLElement && child.contains(active) ? active : null;
      this.list.insertBefore(child, cursor);
      hadFocus?.focus({ preventScroll: true });
    }
    while (cursor !== null) {
      const next: ChildNode | null = cursor.nextSibling;
      cursor.remove();
      cursor = next;
    }
  }

  /** Measures the row pitch once, from the first row laid out; re-renders if it differs. */
  private measure(now: number): void {
    if (this.measured) return;
    const first = this.rows.values().next().value;
    const height = first === undefined ? null : this.viewport.measure(first.element);
    if (height === null) return;
    this.measured = true;
    const pitch = height + ROW_GAP;
    if (Math.abs(pitch - this.pitch) < 1) return;
    this.pitch = pitch;
    this.render(now);
  }

  /** After the first painted frame, keeps a few rows beyond the viewport for smooth scrolling. */
  private scheduleWiden(): void {
    if (this.overscan === OVERSCAN || this.widen !== null || this.shown.length === 0) return;
    this.widen = requestAnimationFrame(() => {
      this.widen = requestAnimationFrame(() => {
        this.widen = null;
        this.overscan = OVERSCAN;
        this.render(Date.now());
      });
    });
  }

  /** The index in `shown` of the row holding keyboard focus, or -1. */
  private focusedIndex(): number {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this.list.contains(active)) return -1;
    const id = active.closest<HTMLElement>('li[data-account-id]')?.dataset.accountId;
    return id === undefined ? -1 : this.shown.findIndex((a) => a.id === id);
  }

  private rowById(id: string): AccountRow | undefined {
    return this.rows.get(id) ?? this.kept.get(id);
  }

  destroy(): void {
    this.unsubscribe();
    this.unlisten();
    if (this.widen !== null) cancelAnimationFrame(this.widen);
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

  /** Repaints the rows in the DOM (the others are painted when they come into view). */
  tick(now: number): void {
    for (const row of this.rows.values()) row.tick(now);
    this.updateSummary(now, this.shown.length);
  }

  /** Milliseconds until a row in the DOM shows a different time, or the summary a different count. */
  nextChange(now: number): number {
    let wait = MAX_CHANGE_WAIT_MS;
    // The summary counts every account that needs attention, in view or not.
    for (const account of this.accounts) wait = Math.min(wait, statusChangesIn(account, now));
    for (const row of this.rows.values()) wait = Math.min(wait, row.nextChange(now));
    return wait;
  }

  /** The row of an account while it is in the DOM (see `reveal` to bring one there). */
  row(id: string): AccountRow | undefined {
    return this.rowById(id);
  }

  get size(): number {
    return this.accounts.length;
  }

  /** How many account rows are in the DOM. */
  get rendered(): number {
    return this.rows.size;
  }

  /** Scrolls to an account's row (clears the filter if it hides it) and highlights it. */
  reveal(id: string): void {
    if (!this.accounts.some((a) => a.id === id)) return;
    if (!this.shown.some((a) => a.id === id)) this.clearFilter();
    const index = this.shown.findIndex((a) => a.id === id);
    const viewport = this.viewport;
    const top = viewport.offsetOf(this.list) + index * this.pitch;
    const scroll = viewport.scrollTop();
    if (top < scroll || top + this.pitch > scroll + viewport.height()) {
      viewport.scrollTo(Math.max(0, top - (viewport.height() - this.pitch) / 2));
    }
    this.render(Date.now(), [index]);
    const row = this.rows.get(id);
    if (row === undefined) return;
    viewport.show(row.element);
    row.highlight();
  }
}
