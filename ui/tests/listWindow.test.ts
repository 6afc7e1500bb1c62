import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { account, iso, ipc } from './fakeIpc';
import { advance, mount, settle, useAppHarness } from './helpers';
import { AccountStore } from '../src/store';
import { AccountList } from '../src/views/accountList';
import { AccountRow, type RowActions } from '../src/views/accountRow';
import { ROW_GAP, ROW_HEIGHT_FALLBACK, visibleRange, windowViewport } from '../src/views/listWindow';
import type { AccountView } from '../src/ipc';

vi.mock('../src/ipc', async () => (await import('./fakeIpc')).ipcModule);

useAppHarness();

const PITCH = ROW_HEIGHT_FALLBACK + ROW_GAP;
const VIEWPORT = 800;
let scrollTop = 0;

beforeEach(() => {
  scrollTop = 0;
  vi.spyOn(windowViewport, 'height').mockImplementation(() => VIEWPORT);
  vi.spyOn(windowViewport, 'scrollTop').mockImplementation(() => scrollTop);
  vi.spyOn(windowViewport, 'offsetOf').mockImplementation(() => 0);
  vi.spyOn(windowViewport, 'scrollTo').mockImplementation((top) => { scrollTop = top; });
  vi.spyOn(windowViewport, 'show').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const many = (count: number): AccountView[] =>
  Array.from({ length: count }, (_, i) => account({ email: `person${i}@example.com`, expires_at: iso(600 + i) }));
const rowEls = (root: ParentNode) => [...root.querySelectorAll<HTMLElement>('li[data-account-id]')];
const ids = (root: ParentNode) => rowEls(root).map((li) => li.dataset.accountId);
const scrollTo = (top: number) => {
  scrollTop = top;
  window.dispatchEvent(new Event('scroll'));
};

describe('windowed account list', () => {
  it('a thousand accounts keep only the rows near the viewport, the spacers the full height', async () => {
    const accounts = many(1000);
    ipc.listAccounts.mockResolvedValue(accounts);
    const root = await mount();
    const first = rowEls(root).length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(Math.ceil(VIEWPORT / PITCH) + 2);
    await advance(1000);
    expect(ipc.uiReady).toHaveBeenCalledTimes(1);
    const rows = rowEls(root);
    expect(rows.length).toBeLessThan(60);
    expect(ids(root)).toEqual(accounts.slice(0, rows.length).map((a) => a.id));
    expect(root.querySelector('[data-testid="summary"]')!.textContent).toBe('1000 accounts');
    const spacers = [...root.querySelectorAll<HTMLElement>('.list-spacer')].filter((s) => s.isConnected);
    const spaced = spacers.reduce((sum, s) => sum + parseFloat(s.style.height) + ROW_GAP, 0);
    expect(spaced + rows.length * PITCH).toBe(1000 * PITCH);
    expect(rows[0]!.getAttribute('aria-setsize')).toBe('1000');
    expect(rows[0]!.getAttribute('aria-posinset')).toBe('1');
    expect(rows[3]!.getAttribute('aria-posinset')).toBe('4');
  });

  it('scrolling shows the rows at the new position, recycles the old ones and paints them current', async () => {
    const accounts = many(1000);
    ipc.listAccounts.mockResolvedValue(accounts);
    const root = await mount();
    await advance(1000);
    const before = new Set(rowEls(root));
    scrollTo(500 * PITCH);
    const shown = ids(root);
    expect(shown).toContain(accounts[500]!.id);
    expect(shown).toContain(accounts[505]!.id);
    expect(shown).not.toContain(accounts[0]!.id);
    expect(shown.length).toBeLessThan(60);
    // Rows that left are reused for the accounts that came in, not kept.
    expect(rowEls(root).some((li) => before.has(li))).toBe(true);
    const row500 = root.querySelector(`li[data-account-id="${accounts[500]!.id}"]`)!;
    expect(row500.getAttribute('aria-posinset')).toBe('501');
    expect(row500.textContent).toContain('person500@example.com');
    // 600 + 500 s from NOW, one second of the test clock gone: the row shows it now.
    expect(row500.querySelector('[data-testid="countdown"]')!.textContent).toBe('Expires in 18 min');
  });

  it('countdowns tick only in the rows that exist', async () => {
    ipc.listAccounts.mockResolvedValue(many(1000));
    const root = await mount();
    await advance(1000);
    const ticks = vi.spyOn(AccountRow.prototype, 'tick');
    const wakes = vi.spyOn(AccountList.prototype, 'tick');
    await advance(60_000);
    const rendered = rowEls(root).length;
    expect(rendered).toBeLessThan(60);
    expect(wakes).toHaveBeenCalled();
    // Each wake-up repaints the rows in the DOM, not the thousand accounts.
    expect(ticks.mock.calls.length).toBe(wakes.mock.calls.length * rendered);
  });

  it('the filter windows over the matching accounts', async () => {
    const accounts = many(1000);
    ipc.listAccounts.mockResolvedValue(accounts);
    const root = await mount();
    await advance(1000);
    const filter = root.querySelector<HTMLInputElement>('[data-testid="filter"]')!;
    filter.value = 'person777@';
    filter.dispatchEvent(new Event('input'));
    expect(ids(root)).toEqual([accounts[777]!.id]);
    expect(rowEls(root)[0]!.getAttribute('aria-setsize')).toBe('1');
    expect(root.querySelector('[data-testid="summary"]')!.textContent).toBe('1 of 1000 accounts');
    filter.value = 'person9';
    filter.dispatchEvent(new Event('input'));
    // person9, person90…99, person900…999: 111 matches, of which only the first rows exist.
    const shown = ids(root);
    expect(shown[0]).toBe(accounts[9]!.id);
    expect(shown.length).toBeLessThan(60);
    expect(rowEls(root)[0]!.getAttribute('aria-setsize')).toBe('111');
  });

  it('a focused row stays (with its neighbours) while the list scrolls away from it', async () => {
    const accounts = many(1000);
    ipc.listAccounts.mockResolvedValue(accounts);
    const root = await mount();
    await advance(1000);
    scrollTo(100 * PITCH);
    const row = root.querySelector<HTMLElement>(`li[data-account-id="${accounts[100]!.id}"]`)!;
    const refresh = [...row.querySelectorAll('button')].find((b) => b.textContent === 'Refresh')!;
    refresh.focus();
    scrollTo(800 * PITCH);
    expect(document.activeElement).toBe(refresh);
    expect(row.isConnected).toBe(true);
    const shown = ids(root);
    expect(shown).toContain(accounts[101]!.id);
    expect(shown).toContain(accounts[99]!.id);
    expect(shown).toContain(accounts[800]!.id);
    expect(shown).not.toContain(accounts[400]!.id);
    // In list order: the focused row before the rows in view.
    expect(shown.indexOf(accounts[100]!.id)).toBeLessThan(shown.indexOf(accounts[800]!.id));
  });
});

describe('reveal', () => {
  const actions: RowActions = {
    refresh: vi.fn(), copy: vi.fn(), details: vi.fn(), disconnect: vi.fn(), reconnect: vi.fn(),
    setAutoRefresh: vi.fn(async () => undefined),
  };

  it('scrolls to an account far down, renders and highlights it, clearing a filter that hides it', async () => {
    const accounts = many(1000);
    const store = new AccountStore();
    const list = new AccountList(actions, store);
    document.body.append(list.element);
    store.setAll(accounts);
    const filter = list.element.querySelector<HTMLInputElement>('[data-testid="filter"]')!;
    filter.value = 'person3@';
    filter.dispatchEvent(new Event('input'));
    expect(list.row(accounts[900]!.id)).toBeUndefined();

    list.reveal(accounts[900]!.id);
    expect(filter.value).toBe('');
    expect(windowViewport.scrollTo).toHaveBeenCalled();
    expect(scrollTop).toBeGreaterThan(890 * PITCH - VIEWPORT);
    const row = list.row(accounts[900]!.id);
    expect(row).toBeDefined();
    expect(row!.element.isConnected).toBe(true);
    expect(row!.element.classList.contains('is-new')).toBe(true);
    expect(windowViewport.show).toHaveBeenCalledWith(row!.element);
    expect(list.rendered).toBeLessThan(60);
    await settle();
    list.destroy();
  });
});

describe('visibleRange', () => {
  it('covers the viewport plus the overscan, clamped to the list', () => {
    expect(visibleRange(0, 800, 0, 100, 1000, 0)).toEqual({ start: 0, end: 8 });
    expect(visibleRange(5000, 800, 200, 100, 1000, 2)).toEqual({ start: 46, end: 58 });
    expect(visibleRange(0, 800, 0, 100, 3, 6)).toEqual({ start: 0, end: 3 });
    expect(visibleRange(10_000, 800, 0, 100, 3, 6)).toEqual({ start: 3, end: 3 });
  });
});
