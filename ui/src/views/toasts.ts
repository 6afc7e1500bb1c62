/** Toasts: short messages in a polite live region, with an optional next-step action. */
import { button, h, setText } from '../dom';
import { icons } from '../icons';

export type Tone = 'info' | 'success' | 'warning' | 'error';

export interface ToastAction {
  label: string;
  run: () => void;
}

export interface ToastOptions {
  tone?: Tone;
  action?: ToastAction;
  /** Milliseconds before it goes away on its own; null keeps it until dismissed. */
  timeout?: number | null;
  /** A toast with the same key replaces the previous one. */
  key?: string;
  /** A bold first line (e.g. the account). */
  title?: string;
  /** Protocol detail for support staff ("HTTP 502 Bad Gateway"), folded under "Details". */
  details?: string | null;
  /**
   * What screen readers hear instead of the visible text, for toasts whose visible text
   * ticks (a countdown would otherwise be read out every second).
   */
  srMessage?: string;
}

export interface Toast {
  readonly element: HTMLElement;
  update(message: string, options?: { tone?: Tone; timeout?: number | null; srMessage?: string | null }): void;
  dismiss(): void;
  readonly dismissed: boolean;
}

const DEFAULT_TIMEOUT: Record<Tone, number | null> = {
  info: 6000,
  success: 6000,
  warning: 12000,
  error: null,
};

const MAX_TOASTS = 4;

export class Toaster {
  readonly element: HTMLElement;
  private readonly live: Toast[] = [];
  private readonly keyed = new Map<string, Toast>();

  constructor() {
    this.element = h('div', {
      class: 'toasts',
      role: 'status',
      'aria-live': 'polite',
      'aria-relevant': 'additions text',
      'data-testid': 'toasts',
    });
  }

  show(message: string, options: ToastOptions = {}): Toast {
    const { action, key } = options;
    let tone: Tone = options.tone ?? 'info';
    if (key !== undefined) this.keyed.get(key)?.dismiss();

    const text = h('span', { 'aria-hidden': options.srMessage !== undefined ? 'true' : undefined }, message);
    const sr = h('span', { class: 'sr-only' }, options.srMessage ?? '');
    const body = h('div', { class: 'toast-body' }, [
      options.title !== undefined ? h('p', { class: 'toast-title' }, options.title) : null,
      h('p', { class: 'toast-text' }, [text, options.srMessage !== undefined ? sr : null]),
      options.details !== undefined && options.details !== null
        ? h('details', { class: 'disclosure toast-details', 'data-testid': 'toast-details' }, [
            h('summary', {}, 'Details'),
            h('p', { class: 'toast-details-text' }, options.details),
          ])
        : null,
    ]);
    const icon = h('span', { class: 'toast-icon', 'aria-hidden': 'true' }, iconFor(tone));
    const el = h('div', { class: `toast toast-${tone}`, 'data-tone': tone }, [icon, body]);
    const actions = h('div', { class: 'toast-actions' });
    let timer: ReturnType<typeof setTimeout> | null = null;
    let timeout = options.timeout === undefined ? DEFAULT_TIMEOUT[tone] : options.timeout;
    let hovered = false;
    let dismissed = false;

    const arm = () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (timeout !== null && !hovered) timer = setTimeout(() => { toast.dismiss(); }, timeout);
    };

    const toast: Toast = {
      element: el,
      get dismissed() {
        return dismissed;
      },
      update: (next, opts = {}) => {
        setText(text, next);
        if (opts.srMessage === null) {
          // Visible text is for everyone again.
          text.removeAttribute('aria-hidden');
          sr.remove();
        } else if (opts.srMessage !== undefined) {
          text.setAttribute('aria-hidden', 'true');
          setText(sr, opts.srMessage);
          if (!sr.isConnected) text.after(sr);
        }
        if (opts.tone !== undefined && opts.tone !== tone) {
          el.classList.replace(`toast-${tone}`, `toast-${opts.tone}`);
          tone = opts.tone;
          el.dataset.tone = tone;
          icon.replaceChildren(iconFor(tone));
        }
        if (opts.timeout !== undefined) {
          timeout = opts.timeout;
          arm();
        }
      },
      dismiss: () => {
        if (dismissed) return;
        dismissed = true;
        if (timer !== null) clearTimeout(timer);
        const i = this.live.indexOf(toast);
        if (i >= 0) this.live.splice(i, 1);
        if (key !== undefined && this.keyed.get(key) === toast) this.keyed.delete(key);
        // Keep focus inside the app when the focused action goes away.
        const hadFocus = el.contains(document.activeElement);
        const dialog = el.closest('dialog');
        el.remove();
        if (hadFocus) (dialog ?? document.getElementById('main'))?.focus({ preventScroll: true });
      },
    };

    if (action !== undefined) {
      body.appendChild(
        button(
          action.label,
          () => {
            toast.dismiss();
            action.run();
          },
          { variant: 'primary', size: 'sm', attrs: { class: 'btn btn-primary btn-sm toast-action' } },
        ),
      );
    }
    actions.appendChild(
      h(
        'button',
        {
          type: 'button',
          class: 'toast-close',
          'aria-label': 'Dismiss',
          title: 'Dismiss',
          onClick: () => { toast.dismiss(); },
        },
        icons.close(),
      ),
    );
    el.appendChild(actions);
    el.addEventListener('mouseenter', () => { hovered = true; arm(); });
    el.addEventListener('mouseleave', () => { hovered = false; arm(); });
    el.addEventListener('focusin', () => { hovered = true; arm(); });
    el.addEventListener('focusout', () => { hovered = false; arm(); });

    this.element.appendChild(el);
    this.live.push(toast);
    if (key !== undefined) this.keyed.set(key, toast);
    while (this.live.length > MAX_TOASTS) this.live[0]?.dismiss();
    arm();
    return toast;
  }

  clear(): void {
    for (const t of [...this.live]) t.dismiss();
  }
}

function iconFor(tone: Tone): SVGSVGElement {
  switch (tone) {
    case 'success':
      return icons.check();
    case 'warning':
    case 'error':
      return icons.alert();
    case 'info':
      return icons.info();
  }
}

/** A visually hidden live region for progress that needs no toast ("Refreshing…"). */
export class Announcer {
  readonly element = h('div', { class: 'sr-only', 'aria-live': 'polite', 'data-testid': 'announcer' });

  say(message: string): void {
    // Replacing the text node makes repeated identical messages announced again.
    this.element.replaceChildren(document.createTextNode(message));
  }
}
