/** CSP and secrecy rules that the whole UI must keep. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { getByRole, within } from '@testing-library/dom';
import { account, details, ipc, iso } from './fakeIpc';
import { mount, settle, useAppHarness } from './helpers';

vi.mock('../src/ipc', async () => (await import('./fakeIpc')).ipcModule);

const SRC = join(import.meta.dirname, '..', 'src');

function sources(dir = SRC): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|css)$/.test(name) ? [{ path, text: readFileSync(path, 'utf8') }] : [];
  });
}

describe('source hygiene', () => {
  const files = sources().filter((f) => !f.path.endsWith('bindings.ts'));

  it('uses no markup strings, eval or inline styles (the CSP forbids them)', () => {
    for (const { path, text } of files) {
      expect(text, path).not.toMatch(/\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write/);
      expect(text, path).not.toMatch(/\beval\(|new Function\(/);
      expect(text, path).not.toMatch(/setAttribute\(\s*['"]style['"]/);
      expect(text, path).not.toMatch(/@import\s+url\(|https?:\/\/fonts\./);
    }
  });

  it('never logs or stores anything', () => {
    for (const { path, text } of files) {
      expect(text, path).not.toMatch(/console\.|localStorage|sessionStorage|indexedDB/);
    }
  });

  it('only ipc.ts talks to the bindings and Tauri (rules.ts re-exports their constants)', () => {
    for (const { path, text } of files) {
      if (path.endsWith('ipc.ts')) continue;
      if (path.endsWith('rules.ts')) {
        expect(text, path).not.toMatch(/@tauri-apps|commands|events/);
        continue;
      }
      expect(text, path).not.toMatch(/from ['"][./]*bindings['"]|@tauri-apps/);
    }
  });

  it('revealToken is called from the Details view only', () => {
    const callers = files.filter((f) => f.text.includes('revealToken(') && !f.path.endsWith('ipc.ts'));
    expect(callers.map((f) => f.path.replace(SRC, ''))).toEqual([join('/views', 'details.ts')]);
  });

  it('names fonts by generic family only (each unknown name is a fontconfig search on Linux)', () => {
    const css = files.find((f) => f.path === join(SRC, 'styles.css'))?.text ?? '';
    const generic = new Set(['system-ui', 'sans-serif', 'ui-monospace', 'monospace', 'inherit']);
    const lists = [...css.matchAll(/(?:font-family|--font|--mono)\s*:\s*([^;]+);/g)].map((m) => m[1] ?? '');
    const shorthands = [...css.matchAll(/(?<![-\w])font\s*:\s*([^;]+);/g)].map((m) => m[1] ?? '');
    expect(lists.length).toBeGreaterThan(2);
    for (const list of lists) {
      // `var(--desktop-font, system-ui)`: the fallback is named here, the font by Rust.
      const names = list.replace(/var\(--[\w-]+,\s*([^)]*)\)/g, '$1');
      for (const name of names.split(',').map((n) => n.trim())) {
        if (!name.startsWith('var(')) expect(generic, `font family ${name}`).toContain(name);
      }
    }
    for (const font of shorthands) expect(font, 'font shorthand').toMatch(/(var\(--\w+\)|inherit)$/);
  });

  it('index.html has no inline script or style', () => {
    const html = readFileSync(join(SRC, '..', 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
  });
});

describe('rendered page', () => {
  useAppHarness();

  it('has no style attributes and no token value, in every view', async () => {
    const TOKEN = 'secret-token-value-123';
    const accounts = [
      account({ status: 'needs_reconnect' }),
      account({ expires_at: iso(-60) }),
      account({ expires_at: iso(200) }),
      account({ expires_at: null }),
      account(),
      account(),
    ];
    ipc.listAccounts.mockResolvedValue(accounts);
    ipc.accountDetails.mockImplementation((id) => Promise.resolve(details(accounts.find((a) => a.id === id)!)));
    ipc.appStatus.mockResolvedValue({ version: '0.1.0', data_dir: '/d', keychain_available: false, keychain_message: 'No keychain.' });
    ipc.copyToken.mockResolvedValue({ clears_in_seconds: 30 });
    const root = await mount();
    const first = root.querySelector<HTMLElement>('li[data-account-id]')!;
    within(first).getByRole('button', { name: 'Copy token' }).click();
    within(first).getByRole('button', { name: 'Details' }).click();
    await settle();
    expect(document.querySelectorAll('[style]')).toHaveLength(0);
    expect(document.body.innerHTML).not.toContain(TOKEN);
    document.querySelector<HTMLDialogElement>('[data-testid="details-dialog"]')!.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }),
    );
    getByRole(root, 'button', { name: 'Connect account' }).click();
    await settle();
    getByRole(document.querySelector<HTMLElement>('[data-testid="connect-dialog"]')!, 'button', { name: 'Add a provider' }).click();
    expect(document.querySelectorAll('[style]')).toHaveLength(0);
  });

  it('every button has a name and every input a label', async () => {
    ipc.listAccounts.mockResolvedValue(Array.from({ length: 7 }, () => account()));
    const root = await mount();
    for (const el of root.querySelectorAll<HTMLElement>('button, input')) {
      if (el.closest('[hidden]')) continue;
      const role = el.tagName === 'BUTTON' ? 'button' : (el.getAttribute('role') ?? (el.getAttribute('type') === 'search' ? 'searchbox' : 'textbox'));
      expect(within(el.parentElement!).getAllByRole(role).length, el.outerHTML).toBeGreaterThan(0);
      const named = within(el.parentElement!).getAllByRole(role, { name: /\S/ });
      expect(named, el.outerHTML).toContain(el);
    }
  });
});
