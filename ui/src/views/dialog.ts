/**
 * Modal dialogs on the native <dialog> element (top layer, inert background, focus kept
 * inside), with Escape to close and focus handed back to whatever opened it.
 */
import { h, uid } from '../dom';
import { icons } from '../icons';

export interface DialogOptions {
  title: string;
  /** A short line under the title. */
  subtitle?: string;
  size?: 'sm' | 'md' | 'lg';
  testId?: string;
  /** Called once when the dialog closes, however it closes. */
  onClose?: () => void;
  /** Return false to keep the dialog open (e.g. while something is being saved). */
  canClose?: () => boolean;
  /** Where focus goes back to if the opener has disappeared meanwhile. */
  fallbackFocus?: () => HTMLElement | null;
}

export interface Dialog {
  readonly element: HTMLDialogElement;
  readonly body: HTMLElement;
  readonly header: HTMLElement;
  setTitle(title: string, subtitle?: string): void;
  close(): void;
  readonly closed: boolean;
}

const open: Dialog[] = [];

/**
 * An element that must stay usable above modal dialogs (the toasts): a modal dialog makes
 * everything outside it inert, so the element moves into the topmost dialog while one is
 * open, and back home afterwards.
 */
let guest: { element: HTMLElement; home: HTMLElement } | null = null;

export function keepAboveDialogs(element: HTMLElement, home: HTMLElement): void {
  guest = { element, home };
}

function placeGuest(): void {
  if (guest === null) return;
  const target = open.at(-1)?.element ?? guest.home;
  if (guest.element.parentElement !== target) target.appendChild(guest.element);
}

/** The dialogs open right now, innermost last. */
export function openDialogs(): readonly Dialog[] {
  return open;
}

export function openDialog(options: DialogOptions): Dialog {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = uid('dlg-title');
  const title = h('h2', { id: titleId, class: 'dialog-title' }, options.title);
  const subtitle = h('p', { class: 'dialog-subtitle' }, options.subtitle ?? '');
  subtitle.hidden = options.subtitle === undefined;
  const closeButton = h(
    'button',
    { type: 'button', class: 'icon-btn dialog-close', 'aria-label': 'Close', title: 'Close (Esc)' },
    icons.close(),
  );
  const header = h('header', { class: 'dialog-header' }, [h('div', { class: 'dialog-heading' }, [title, subtitle]), closeButton]);
  const body = h('div', { class: 'dialog-body' });
  const element = h(
    'dialog',
    {
      class: `dialog dialog-${options.size ?? 'md'}`,
      'aria-labelledby': titleId,
      'aria-modal': 'true',
      tabindex: '-1',
      'data-testid': options.testId,
    },
    [header, body],
  );

  let closed = false;
  const dialog: Dialog = {
    element,
    body,
    header,
    get closed() {
      return closed;
    },
    setTitle(text, sub) {
      title.textContent = text;
      subtitle.textContent = sub ?? '';
      subtitle.hidden = sub === undefined;
    },
    close() {
      if (closed) return;
      if (options.canClose && !options.canClose()) return;
      closed = true;
      const i = open.indexOf(dialog);
      if (i >= 0) open.splice(i, 1);
      placeGuest();
      if (element.open) element.close();
      element.remove();
      options.onClose?.();
      const target = opener?.isConnected === true ? opener : options.fallbackFocus?.();
      target?.focus({ preventScroll: true });
    },
  };

  closeButton.addEventListener('click', () => { dialog.close(); });
  // The platform's own Escape handling (WebKit) ends in "cancel"; route it through close().
  element.addEventListener('cancel', (event) => {
    event.preventDefault();
    dialog.close();
  });
  element.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      event.stopPropagation();
      dialog.close();
    }
  });

  document.body.appendChild(element);
  open.push(dialog);
  try {
    element.showModal();
  } catch {
    element.setAttribute('open', '');
  }
  placeGuest();
  return dialog;
}

/** Moves focus to the first [autofocus] element, else the first control in the body. */
export function focusFirst(container: HTMLElement): void {
  const target =
    container.querySelector<HTMLElement>('[autofocus]') ??
    container.querySelector<HTMLElement>(
      'input:not([disabled]):not([type="hidden"]), button:not([disabled]), textarea, select, [tabindex="0"]',
    );
  target?.focus({ preventScroll: true });
}
