/**
 * The waiting screen (the browser is open; paste the address as a fallback) and the failure
 * screen of a sign-in.
 */
import { button, focus, h, replaceChildren, uid } from '../../dom';
import type { IpcFailure } from '../../errors';
import { icons } from '../../icons';
import { ipc } from '../../ipc';
import type { AccountView, LoginStarted } from '../../ipc';
import { footer } from './fields';

export interface WaitingHandlers {
  /** A pasted address connected this account. */
  connected: (account: AccountView) => void;
  cancel: () => void;
  onFailure: (failure: IpcFailure) => void;
  /** Whether the flow ended meanwhile (then a failed paste is not shown). */
  isOver: () => boolean;
  /** "Sign in with a code" instead, when the provider offers it. */
  device?: () => void;
  /**
   * The browser's answer cannot come back (Rust's `code_first`): the code is offered at the
   * top from the start, not only as the small line below.
   */
  codeFirst?: boolean;
}

/**
 * A sign-in still waiting this long has probably lost the browser's answer: the offer to sign
 * in with a code moves to the top of the screen.
 */
export const OFFER_CODE_AFTER_MS = 45_000;

/** Shows `message` under the paste field, if the waiting screen is still on screen. */
export type ShowPasteError = (message: string) => void;

/** Renders the waiting screen for `started` with `who` (the provider's label). */
export function renderWaiting(body: HTMLElement, started: LoginStarted, who: string, on: WaitingHandlers): ShowPasteError {
  const url = started.ticket.authorization_url;

  const linkBox = (): HTMLElement => {
    const field = h('input', {
      type: 'text',
      class: 'url-field',
      readonly: true,
      value: url,
      'aria-label': 'Sign-in address',
      spellcheck: 'false',
    });
    field.addEventListener('focus', () => { field.select(); });
    field.addEventListener('click', () => { field.select(); });
    return h('div', { class: 'url-box' }, [field, h('p', { class: 'field-hint' }, 'Select the address, copy it (Ctrl+C), and open it in your browser.')]);
  };

  const browserPart = started.browser_error !== null
    ? h('div', { class: 'callout callout-warning', 'data-testid': 'browser-error' }, [
        h('p', { class: 'callout-title' }, [icons.alert(), "Your browser didn't open. Open this address:"]),
        linkBox(),
      ])
    : h('details', { class: 'disclosure' }, [h('summary', {}, 'The browser did not open, or you closed it?'), linkBox()]);

  const pasteId = uid('paste');
  const pasteHintId = uid('paste-hint');
  const errorId = uid('paste-err');
  const input = h('input', {
    id: pasteId,
    type: 'text',
    class: 'input',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'dev.authdeck.app:/oauth/callback?code=…',
    'aria-describedby': `${pasteHintId} ${errorId}`,
  });
  const error = h('p', { id: errorId, class: 'form-error', role: 'alert' });
  error.hidden = true;
  const showPasteError = pasteErrorShower(error);
  const submit = h('button', { type: 'submit', class: 'btn btn-secondary btn-md' }, h('span', { class: 'btn-label' }, 'Use this address'));
  const form = h('form', { class: 'paste-form', novalidate: true }, [
    h('label', { for: pasteId, class: 'field-label' }, 'Paste the address you were sent to'),
    h('p', { id: pasteHintId, class: 'field-hint' }, 'If your browser shows a page it cannot open after you sign in, copy the whole address from its address bar and paste it here.'),
    h('div', { class: 'input-row' }, [input, submit]),
    error,
  ]);
  input.addEventListener('input', () => {
    error.hidden = true;
    input.removeAttribute('aria-invalid');
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (value === '') {
      showPasteError('Paste the address from your browser first.');
      focus(input);
      return;
    }
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    ipc.submitCallback(value).then(
      (account) => { on.connected(account); },
      (err: unknown) => {
        const failure = ipc.toFailure(err);
        on.onFailure(failure);
        submit.disabled = false;
        submit.removeAttribute('aria-busy');
        if (on.isOver()) return;
        showPasteError(failure.message);
        input.select();
        focus(input);
      },
    );
  });

  const cancel = button('Cancel', () => { on.cancel(); });
  const reopen = button('Open the sign-in page again', () => {
    ipc.reopenLogin(started.ticket.handle).catch((err: unknown) => {
      on.onFailure(ipc.toFailure(err));
    });
  });
  const waiting = h('div', { class: 'waiting', 'data-testid': 'login-waiting', 'aria-busy': 'true' }, [
    h('div', { class: 'waiting-head' }, [
      h('span', { class: 'waiting-spinner' }, icons.spinner()),
      h('div', {}, [
        h('p', { class: 'waiting-title' }, 'Waiting for you to finish in your browser…'),
        h('p', { class: 'muted' }, `Sign in with ${who} in the browser window that opened. AuthDeck continues by itself when you are done.`),
      ]),
    ]),
    browserPart,
    h('hr', { class: 'divider' }),
    form,
    on.device !== undefined
      ? h('p', { class: 'field-hint device-offer' }, [
          "The browser can't get back to AuthDeck? ",
          button('Sign in with a code', () => { on.device?.(); }, { variant: 'ghost', size: 'sm' }),
        ])
      : null,
    footer([reopen, h('span', { class: 'spacer' }), cancel]),
  ]);
  replaceChildren(body, waiting);
  focus(started.browser_error !== null ? waiting.querySelector<HTMLElement>('.url-field') : input);
  const device = on.device;
  if (device !== undefined) {
    const promote = () => {
      if (!waiting.isConnected || on.isOver()) return;
      promoteCodeOffer(waiting, device, on.codeFirst === true);
    };
    if (on.codeFirst === true || started.browser_error !== null) promote();
    else setTimeout(promote, OFFER_CODE_AFTER_MS);
  }
  return showPasteError;
}

/**
 * Moves the offer to sign in with a code to the top of the waiting screen: at once where the
 * browser's answer cannot come back (or the browser did not open), else after a long wait.
 */
function promoteCodeOffer(waiting: HTMLElement, device: () => void, lost: boolean): void {
  if (waiting.querySelector('[data-testid="code-offer"]') !== null) return;
  waiting.querySelector('.device-offer')?.remove();
  const offer = h('div', { class: 'callout callout-warning', 'data-testid': 'code-offer', role: 'status' }, [
    h('p', { class: 'callout-title' }, lost ? 'Your browser cannot hand sign-ins back to AuthDeck here' : 'Still waiting?'),
    h('p', {}, 'If your browser cannot hand the sign-in back to AuthDeck, sign in with a code instead: you approve a short code in any browser.'),
    button('Sign in with a code', () => { device(); }, { variant: 'primary', size: 'sm' }),
  ]);
  waiting.querySelector('.waiting-head')?.after(offer);
}

function pasteErrorShower(error: HTMLElement): ShowPasteError {
  return (message) => {
    if (!error.isConnected) return;
    error.replaceChildren(icons.alert(), document.createTextNode(message));
    error.hidden = false;
    error.previousElementSibling?.querySelector('input')?.setAttribute('aria-invalid', 'true');
  };
}

export interface FailedHandlers {
  retry: () => void;
  close: () => void;
}

/** "The sign-in didn't finish": the message, Close and Try again. */
export function renderFailed(body: HTMLElement, message: string, on: FailedHandlers): void {
  const retry = button('Try again', () => { on.retry(); }, { variant: 'primary' });
  replaceChildren(body, [
    h('div', { class: 'callout callout-error', 'data-testid': 'login-error' }, [
      h('p', { class: 'callout-title' }, [icons.alert(), "The sign-in didn't finish"]),
      h('p', { role: 'alert' }, message),
    ]),
    footer([h('span', { class: 'spacer' }), button('Close', () => { on.close(); }), retry]),
  ]);
  focus(retry);
}
