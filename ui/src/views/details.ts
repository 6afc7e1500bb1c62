/**
 * Details of one account: expiry, scopes, decoded tokens (never their values), endpoints,
 * auto-refresh, the activity log, and the one place where a token value can be shown: the
 * explicit "Reveal" box.
 */
import { button, focus, h, replaceChildren, setAttr, setText } from '../dom';
import { icons, providerIcon } from '../icons';
import type { IpcFailure } from '../errors';
import { ipc } from '../ipc';
import type { AccountDetails, AccountView, Inspection, RemoteCheck, TokenShape, Value } from '../ipc';
import { activityWords, remoteMethodWords, statusAt, statusWords, TIME_CLAIMS, tokenShapeWords, whoIs } from '../logic/accounts';
import { absoluteTime, changesIn, MAX_CHANGE_WAIT_MS, parseTime, relativeTime, whenText } from '../logic/time';
import { AutoRefreshSwitch } from './autoRefreshSwitch';
import { openDialog, type Dialog } from './dialog';

export interface DetailsDeps {
  setAutoRefresh: (id: string, on: boolean) => Promise<void>;
  /** Show a failure (toast with a next step). */
  onFailure: (failure: IpcFailure, account: AccountView) => void;
  now: () => number;
  fallbackFocus: () => HTMLElement | null;
  /** The dialog closed. */
  onClosed?: () => void;
  /** New times are on screen (the window then looks again when to wake next). */
  onShown?: () => void;
}

export class DetailsView {
  readonly dialog: Dialog;
  private account: AccountView;
  private details: AccountDetails | null = null;
  private readonly content = h('div', { class: 'details', 'aria-live': 'off' });
  private readonly revealBlock: HTMLElement;
  private readonly checkBlock: HTMLElement;
  private checkButton!: HTMLButtonElement;
  private readonly checkAnswer = h('div', { class: 'remote-check', 'data-testid': 'remote-check', 'aria-live': 'polite' });
  private checkPending = false;
  private revealButton!: HTMLButtonElement;
  private revealed: HTMLElement | null = null;
  private revealPending = false;
  private autoSwitch: AutoRefreshSwitch | null = null;
  private live: { badge: HTMLElement; expires: HTMLElement } | null = null;
  private loading = false;
  private again = false;

  private constructor(account: AccountView, private readonly deps: DetailsDeps) {
    this.account = account;
    this.dialog = openDialog({
      title: whoIs(account),
      subtitle: account.provider_label,
      size: 'lg',
      testId: 'details-dialog',
      fallbackFocus: deps.fallbackFocus,
      onClose: () => {
        this.hide();
        deps.onClosed?.();
      },
    });
    this.dialog.header.prepend(h('span', { class: 'dialog-icon' }, providerIcon(account.preset, account.provider_label, 40)));
    this.revealBlock = this.buildReveal();
    this.checkBlock = this.buildCheck();
    replaceChildren(this.dialog.body, [this.content]);
    this.content.appendChild(h('p', { class: 'muted loading' }, [icons.spinner(), ' Loading details…']));
  }

  static open(account: AccountView, deps: DetailsDeps): DetailsView {
    const view = new DetailsView(account, deps);
    // Focus the dialog itself: screen readers read its title, Tab reaches the controls.
    view.dialog.element.focus({ preventScroll: true });
    void view.reload();
    return view;
  }

  get accountId(): string {
    return this.account.id;
  }

  get closed(): boolean {
    return this.dialog.closed;
  }

  /** Fetches the details again (after accountsChanged); the reveal box is kept. */
  async reload(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    try {
      do {
        this.again = false;
        try {
          const details = await ipc.accountDetails(this.account.id);
          if (this.dialog.closed) return;
          this.details = details;
          this.account = details.inspection.account;
          this.render();
        } catch (error) {
          if (this.dialog.closed) return;
          const failure = ipc.toFailure(error);
          if (this.details === null || failure.kind === 'not_found') {
            this.renderGone(failure.message);
          } else {
            this.deps.onFailure(failure, this.account);
          }
        }
      } while (this.wantsReload());
    } finally {
      this.loading = false;
    }
  }

  private wantsReload(): boolean {
    return this.again;
  }

  tick(now: number): void {
    if (this.live === null || this.details === null) return;
    const status = statusAt(this.account, now);
    setText(this.live.badge, statusWords(this.account, now));
    setAttr(this.live.badge, 'data-status', status);
    setText(this.live.expires, whenText(this.details.inspection.expires_at, now, 'Unknown — the provider did not say'));
    this.autoSwitch?.tick(now);
  }

  /** Milliseconds until a time this dialog shows can read differently. */
  nextChange(now: number): number {
    if (this.live === null || this.details === null) return MAX_CHANGE_WAIT_MS;
    return Math.min(
      changesIn(this.account.expires_at, now),
      changesIn(this.account.auto_refresh_at, now),
      changesIn(this.details.inspection.expires_at, now),
    );
  }

  private renderGone(message: string): void {
    this.hide();
    this.live = null;
    replaceChildren(this.content, [
      h('div', { class: 'callout callout-warning' }, [h('p', { class: 'callout-title' }, [icons.alert(), 'This account is no longer available']), h('p', {}, message)]),
      h('div', { class: 'dialog-footer' }, [h('span', { class: 'spacer' }), button('Close', () => { this.dialog.close(); })]),
    ]);
  }

  private render(): void {
    const details = this.details;
    if (details === null) return;
    const now = this.deps.now();
    const ins = details.inspection;
    const account = ins.account;
    this.dialog.setTitle(whoIs(account), account.provider_label);

    const badge = h('span', { class: 'badge', 'data-testid': 'details-status' });
    const expires = h('span', { 'data-testid': 'details-expires' });
    this.live = { badge, expires };

    if (this.autoSwitch === null) {
      this.autoSwitch = new AutoRefreshSwitch(account, (id, on) => this.deps.setAutoRefresh(id, on));
    } else {
      this.autoSwitch.update(account, now);
    }

    const facts = dl([
      ['Status', badge],
      ['Expires', expires],
      ['Issued', whenText(ins.issued_at, now)],
      ['Connected', whenText(ins.connected_at, now)],
      ['Token type', ins.token_type],
      [
        'Refresh token',
        ins.has_refresh_token
          ? 'Yes — AuthDeck can renew this sign-in by itself'
          : 'No — when the token expires you will need to reconnect',
      ],
      ['Last refresh', whenText(ins.last_refreshed_at, now, 'Never')],
      [
        'Last error',
        ins.last_error === null
          ? 'None'
          : h('span', { class: 'text-error' }, [
              ins.last_error,
              ins.last_error_at !== null ? h('span', { class: 'muted' }, ` (${whenText(ins.last_error_at, now)})`) : null,
            ]),
      ],
    ]);

    // Each raw scope name beside what it means (the words come from Rust).
    const words = new Map(ins.scope_words.map((w) => [w.scope, w]));
    const scopes = h(
      'ul',
      { class: 'scope-lines', 'aria-label': 'Granted scopes' },
      ins.scopes.length === 0
        ? [h('li', { class: 'scope scope-none' }, 'None reported')]
        : ins.scopes.map((s) => {
            const w = words.get(s);
            return h('li', { class: 'scope-line' }, [
              w !== undefined && w.known ? h('span', { class: 'scope-words' }, w.words) : null,
              h('code', { class: 'scope' }, s),
            ]);
          }),
    );

    const access = section('Access token', [
      h('p', { class: 'muted' }, tokenShapeWords(ins.access_token)),
      this.revealBlock,
      shapeBlocks(ins.access_token, 'access token', now),
    ]);

    const idToken =
      ins.id_token !== null
        ? section('ID token', [h('p', { class: 'muted' }, tokenShapeWords(ins.id_token)), shapeBlocks(ins.id_token, 'ID token', now)])
        : null;

    const ep = ins.endpoints;
    const provider = section('Provider', [
      dl(
        [
          ['Provider', `${account.provider_label} (${account.provider})`],
          ['Client ID', mono(ep.client_id)],
          ['Issuer', ep.issuer !== null ? mono(ep.issuer) : 'None (plain OAuth 2.0)'],
          ['Authorization', mono(ep.authorization_endpoint)],
          ['Token', mono(ep.token_endpoint)],
          ['Revocation', ep.revocation_endpoint !== null ? mono(ep.revocation_endpoint) : 'Not offered'],
          ['User info', ep.userinfo_endpoint !== null ? mono(ep.userinfo_endpoint) : 'Not offered'],
          ['Signing keys', ep.jwks_uri !== null ? mono(ep.jwks_uri) : 'Not offered'],
          ['Account subject', mono(account.subject)],
          ['Account ID', mono(account.id)],
        ],
        'dl-wide',
      ),
    ]);

    const activity = section(
      'Activity',
      details.activity.length === 0
        ? [h('p', { class: 'muted' }, 'Nothing yet.')]
        : [
            h(
              'ol',
              { class: 'activity', 'data-testid': 'activity' },
              details.activity.map((entry) => {
                const at = parseTime(entry.at);
                const failed = entry.kind === 'refresh_failed' || entry.kind === 'revoke_failed' || entry.kind === 'needs_reconnect';
                return h('li', { class: `activity-item${failed ? ' is-error' : ''}` }, [
                  h('span', { class: 'activity-what' }, activityWords(entry)),
                  at !== null
                    ? h('time', { class: 'activity-when', datetime: entry.at, title: absoluteTime(at) }, relativeTime(at, now))
                    : null,
                ]);
              }),
            ),
          ],
    );

    // Keep focus where it was if it sits in a part that is rebuilt.
    const active = document.activeElement;
    const keepFocus =
      active instanceof HTMLElement &&
      this.content.contains(active) &&
      !this.revealBlock.contains(active) &&
      !this.checkBlock.contains(active) &&
      !this.autoSwitch.element.contains(active);

    replaceChildren(this.content, [
      section('Sign-in', [facts]),
      section('Granted scopes', [scopes]),
      section('Automatic refresh', [
        this.autoSwitch.element,
        h('p', { class: 'field-hint' }, 'AuthDeck renews the sign-in shortly before it expires, while the app is running.'),
      ]),
      section('Is the token still good?', [this.checkBlock]),
      access,
      idToken,
      provider,
      activity,
    ]);
    if (keepFocus) focus(this.dialog.element.querySelector<HTMLElement>('.dialog-close'));
    this.tick(now);
    this.deps.onShown?.();
  }

  // ----- check with provider -----

  private buildCheck(): HTMLElement {
    this.checkButton = button('Check with provider', () => { void this.check(); }, { icon: icons.refresh(), size: 'sm' });
    return h('div', { class: 'check' }, [
      h('div', { class: 'reveal-bar' }, [
        this.checkButton,
        h('span', { class: 'field-hint' }, 'Asks the provider, not the clock, whether it still accepts this token.'),
      ]),
      this.checkAnswer,
    ]);
  }

  private async check(): Promise<void> {
    if (this.checkPending) return;
    this.checkPending = true;
    this.checkButton.disabled = true;
    this.checkButton.setAttribute('aria-busy', 'true');
    replaceChildren(this.checkAnswer, [h('p', { class: 'muted' }, [icons.spinner(), ' Asking the provider…'])]);
    try {
      const answer = await ipc.checkWithProvider(this.account.id);
      if (this.dialog.closed) return;
      replaceChildren(this.checkAnswer, [remoteCheckBlock(answer, this.deps.now())]);
    } catch (error) {
      if (this.dialog.closed) return;
      const failure = ipc.toFailure(error);
      replaceChildren(this.checkAnswer, [h('p', { class: 'text-error', 'data-testid': 'remote-check-failed' }, failure.message)]);
    } finally {
      this.checkPending = false;
      this.checkButton.disabled = false;
      this.checkButton.removeAttribute('aria-busy');
    }
  }

  // ----- reveal -----

  private buildReveal(): HTMLElement {
    const block = h('div', { class: 'reveal' });
    this.revealButton = button('Reveal', () => { void this.reveal(); }, { icon: icons.eye(), size: 'sm' });
    block.appendChild(h('div', { class: 'reveal-bar' }, [this.revealButton, h('span', { class: 'field-hint' }, 'Shows the access token on screen. Anyone who sees it can use your account.')]));
    return block;
  }

  private async reveal(): Promise<void> {
    if (this.revealPending || this.revealed !== null) return;
    this.revealPending = true;
    this.revealButton.disabled = true;
    this.revealButton.setAttribute('aria-busy', 'true');
    try {
      // Rust reveals only with the one-time grant of this click (a script cannot reveal alone).
      const grant = await ipc.beginReveal(this.account.id);
      const token = await ipc.revealToken(this.account.id, grant.nonce);
      if (this.dialog.closed) return;
      const code = h('code', { class: 'secret', 'data-testid': 'revealed-token', tabindex: '0', 'aria-label': 'Access token' });
      code.textContent = token;
      const hide = button('Hide', () => { this.hide(true); }, { icon: icons.eyeOff(), size: 'sm' });
      this.revealed = h('div', { class: 'secret-box' }, [
        code,
        h('div', { class: 'secret-bar' }, [
          h('span', { class: 'field-hint text-warning' }, 'Keep this private. Hide it when you are done.'),
          hide,
        ]),
      ]);
      this.revealButton.hidden = true;
      this.revealBlock.appendChild(this.revealed);
      focus(hide);
    } catch (error) {
      if (!this.dialog.closed) this.deps.onFailure(ipc.toFailure(error), this.account);
    } finally {
      this.revealPending = false;
      this.revealButton.disabled = false;
      this.revealButton.removeAttribute('aria-busy');
    }
  }

  /** Removes the token from the page. */
  private hide(refocus = false): void {
    if (this.revealed === null) return;
    const code = this.revealed.querySelector('[data-testid="revealed-token"]');
    if (code !== null) code.textContent = '';
    this.revealed.remove();
    this.revealed = null;
    this.revealButton.hidden = false;
    if (refocus) focus(this.revealButton);
  }
}

/** What the provider said, in plain words first (as `authdeck inspect --remote`). */
export function remoteCheckBlock(check: RemoteCheck, now: number): HTMLElement {
  const rows: [string, string | Node][] = [
    ['Accepted', check.active ? 'Yes' : 'No'],
    ['Asked by', remoteMethodWords(check.method)],
  ];
  if (check.subject !== null) rows.push(['Subject', mono(check.subject)]);
  if (check.scopes !== null) rows.push(['Scopes', check.scopes.join(' ') || 'None']);
  if (check.expires_at !== null) rows.push(['Expires', whenText(check.expires_at, now)]);
  if (check.client_id !== null) rows.push(['Client ID', mono(check.client_id)]);
  rows.push(['Checked', whenText(check.checked_at, now)]);
  return h('div', { class: `callout ${check.active ? 'callout-success' : 'callout-warning'}`, 'data-active': String(check.active) }, [
    h('p', { class: 'callout-title', 'data-testid': 'remote-check-summary' }, [check.active ? null : icons.alert(), check.summary]),
    dl(rows),
  ]);
}

function section(title: string, children: (Node | null)[]): HTMLElement {
  return h('section', { class: 'details-section' }, [h('h3', { class: 'details-heading' }, title), ...children]);
}

function dl(rows: [string, string | Node][], extraClass = ''): HTMLElement {
  const list = h('dl', { class: `facts ${extraClass}`.trim() });
  for (const [term, value] of rows) {
    list.appendChild(h('div', { class: 'fact' }, [h('dt', {}, term), h('dd', {}, value)]));
  }
  return list;
}

function mono(text: string): HTMLElement {
  return h('span', { class: 'mono break' }, text);
}

function pretty(value: Value): string {
  return JSON.stringify(value, null, 2);
}

/** Decoded header and claims of a JWT, with readable dates for time claims. */
function shapeBlocks(shape: TokenShape, what: string, now: number): HTMLElement {
  const wrap = h('div', { class: 'shape' });
  if (shape.format !== 'jwt') return wrap;
  if (shape.header !== null) {
    wrap.appendChild(h('h4', { class: 'json-title' }, 'Header'));
    wrap.appendChild(h('pre', { class: 'json', tabindex: '0', 'aria-label': `Decoded ${what} header` }, h('code', {}, pretty(shape.header))));
  }
  if (shape.claims !== null) {
    wrap.appendChild(h('h4', { class: 'json-title' }, 'Claims'));
    wrap.appendChild(h('pre', { class: 'json', tabindex: '0', 'aria-label': `Decoded ${what} claims` }, h('code', {}, pretty(shape.claims))));
    const claims = shape.claims;
    if (typeof claims === 'object' && !Array.isArray(claims)) {
      const times: [string, Node][] = [];
      for (const key of TIME_CLAIMS) {
        const v = claims[key];
        if (typeof v === 'number' && Number.isFinite(v)) {
          const at = v * 1000;
          times.push([key, h('span', {}, `${absoluteTime(at)} (${relativeTime(at, now)})`)]);
        }
      }
      if (times.length > 0) wrap.appendChild(dl(times, 'dl-compact'));
    }
    wrap.appendChild(h('p', { class: 'field-hint' }, 'Decoded for reading only: AuthDeck did not check the signature.'));
  }
  return wrap;
}

export type { Inspection };
