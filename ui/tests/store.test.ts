import { describe, expect, it } from 'vitest';
import { AccountStore, type StoreChange } from '../src/store';
import { account } from './fakeIpc';

function watched() {
  const store = new AccountStore();
  const changes: StoreChange[] = [];
  store.subscribe((c) => changes.push(c));
  return { store, changes };
}

describe('AccountStore', () => {
  it('keeps the order it is given and replaces accounts in place', () => {
    const { store, changes } = watched();
    const [a, b] = [account(), account()];
    store.setAll([b, a]);
    expect(store.accounts.map((x) => x.id)).toEqual([b.id, a.id]);
    store.replace({ ...a, email: 'new@example.com' });
    expect(store.accounts.map((x) => x.id)).toEqual([b.id, a.id]);
    expect(store.get(a.id)!.email).toBe('new@example.com');
    store.replace(account());
    expect(changes).toEqual([{ type: 'accounts' }, { type: 'account', id: a.id }]);
  });

  it('counts accounts per provider and removes one', () => {
    const { store } = watched();
    const [a, b] = [account({ provider: 'p' }), account({ provider: 'p' })];
    store.setAll([a, b, account({ provider: 'q' })]);
    expect(store.usingProvider('p')).toBe(2);
    store.remove(a.id);
    expect(store.usingProvider('p')).toBe(1);
  });

  it('an event ending a refresh leaves a click on; a click ending it ends it for everyone', () => {
    const { store, changes } = watched();
    store.setRefreshing('a', true, 'click');
    store.setRefreshing('a', true, 'event');
    store.setRefreshing('a', false, 'event');
    expect(store.isRefreshing('a')).toBe(true);
    expect(store.isRefreshingByClick('a')).toBe(true);
    store.setRefreshing('a', true, 'event');
    store.setRefreshing('a', false, 'click');
    expect(store.isRefreshing('a')).toBe(false);
    // One change when it started, one when it ended.
    expect(changes).toEqual([{ type: 'refreshing', id: 'a' }, { type: 'refreshing', id: 'a' }]);
  });
});
