/** The chooser screen: configured providers as buttons, remove with a confirmation, "Add a provider". */
import { button, focus, h, replaceChildren, uid } from '../../dom';
import { IpcFailure } from '../../errors';
import { icons, providerIcon } from '../../icons';
import { ipc } from '../../ipc';
import type { ProviderView } from '../../ipc';
import { focusFirst } from '../dialog';
import { footer } from './fields';

export interface ChooserView {
  providers: readonly ProviderView[];
  /** The provider to focus and highlight (just added). */
  focusProvider?: string;
  /** A note above the list ("Added …"). */
  note?: string;
  /** A failure to show under the list (a sign-in that could not start). */
  error?: string;
}

export interface ChooserHandlers {
  choose: (provider: ProviderView, trigger: HTMLButtonElement) => void;
  /** "Sign in with a code", for a provider that offers it. */
  chooseDevice: (provider: ProviderView, trigger: HTMLButtonElement) => void;
  add: () => void;
  cancel: () => void;
  /** How many accounts use a provider (for the remove warning). */
  accountsUsing: (provider: string) => number;
  /** After a provider was removed. */
  removed: (provider: ProviderView) => void;
  /** "Keep": show the chooser again, focused on the provider. */
  keep: (provider: ProviderView) => void;
  onFailure: (failure: IpcFailure) => void;
}

export function renderChooser(body: HTMLElement, view: ChooserView, on: ChooserHandlers): void {
  const error = h('p', { class: 'form-error', role: 'alert' });
  error.hidden = view.error === undefined;
  if (view.error !== undefined) error.textContent = view.error;
  const list = h('ul', { class: 'choices', 'aria-label': 'Providers' });
  let focusTarget: HTMLElement | null = null;
  for (const provider of view.providers) {
    const descId = uid('prov-desc');
    // The button's text is exactly the label; where it signs in sits beside it.
    const choice = h(
      'button',
      { type: 'button', class: 'choice', 'aria-describedby': descId, 'data-provider': provider.name },
      [providerIcon(provider.preset, provider.label, 32), h('span', { class: 'choice-label' }, provider.label)],
    );
    const desc = h('span', { id: descId, class: 'choice-desc' }, describeProvider(provider));
    choice.addEventListener('click', () => { on.choose(provider, choice); });
    const remove = h(
      'button',
      {
        type: 'button',
        class: 'icon-btn choice-remove',
        'aria-label': `Remove ${provider.label}`,
        title: `Remove ${provider.label}`,
      },
      icons.trash(),
    );
    remove.addEventListener('click', () => { confirmRemove(provider, item, on); });
    // Beside the browser sign-in: for machines whose browser's answer cannot come back.
    // Where the browser's answer cannot come back (Rust's `code_first`), the code comes first.
    const device = provider.device_sign_in
      ? h('button', { type: 'button', class: `btn ${provider.code_first ? 'btn-primary' : 'btn-ghost'} btn-sm choice-device`, 'aria-describedby': descId, 'data-device': provider.name, 'data-first': provider.code_first ? 'true' : undefined },
        h('span', { class: 'btn-label' }, 'Sign in with a code'))
      : null;
    device?.addEventListener('click', () => { on.chooseDevice(provider, device); });
    const item = h('li', { class: 'choice-item' }, [h('div', { class: 'choice-wrap' }, [choice, desc]), device, remove]);
    list.appendChild(item);
    if (provider.name === view.focusProvider) {
      focusTarget = choice;
      item.classList.add('is-new');
    }
  }
  const add = button('Add a provider', () => { on.add(); }, { variant: 'ghost', icon: icons.plus() });
  const codeFirst = view.providers.some((p) => p.code_first);
  replaceChildren(body, [
    view.note !== undefined ? h('p', { class: 'form-note', role: 'status' }, [icons.check(), view.note]) : null,
    codeFirst
      ? h('div', { class: 'callout callout-warning', 'data-testid': 'code-first' }, [
          h('p', { class: 'callout-title' }, [icons.alert(), 'Your browser cannot hand sign-ins back to AuthDeck on this computer']),
          h('p', {}, 'Choose Sign in with a code: you approve a short code in any browser, and nothing needs to come back.'),
        ])
      : null,
    list,
    error,
    footer([add, h('span', { class: 'spacer' }), button('Cancel', () => { on.cancel(); })]),
  ]);
  const codeFirstButton = list.querySelector<HTMLElement>('[data-first]');
  if (focusTarget !== null) focus(focusTarget);
  else if (codeFirstButton !== null) focus(codeFirstButton);
  else focusFirst(body);
}

/** Marks the chooser busy while a sign-in starts from `trigger`. */
export function showStarting(body: HTMLElement, trigger: HTMLButtonElement): void {
  trigger.setAttribute('aria-busy', 'true');
  for (const b of body.querySelectorAll<HTMLButtonElement>('button')) b.disabled = true;
  trigger.appendChild(h('span', { class: 'choice-spinner' }, icons.spinner()));
}

function confirmRemove(provider: ProviderView, item: HTMLElement, on: ChooserHandlers): void {
  const using = on.accountsUsing(provider.name);
  const warning =
    using > 0
      ? ` ${using === 1 ? 'One connected account uses' : `${using} connected accounts use`} it and will stop working until you add it again.`
      : '';
  const msgId = uid('rm');
  const keep = button('Keep', () => { on.keep(provider); });
  const confirm = button(
    'Remove',
    () => {
      confirm.disabled = true;
      keep.disabled = true;
      ipc.removeProvider(provider.name).then(
        () => { on.removed(provider); },
        (error: unknown) => {
          const failure = ipc.toFailure(error);
          on.onFailure(failure);
          text.textContent = failure.message;
          confirm.disabled = false;
          keep.disabled = false;
        },
      );
    },
    { variant: 'danger', size: 'sm' },
  );
  keep.classList.replace('btn-md', 'btn-sm');
  const text = h('p', { id: msgId }, `Remove ${provider.label} from AuthDeck?${warning}`);
  replaceChildren(item, h('div', { class: 'choice-confirm', role: 'group', 'aria-labelledby': msgId }, [text, h('div', { class: 'row-buttons' }, [keep, confirm])]));
  focus(keep);
}

function describeProvider(p: ProviderView): string {
  const url = p.issuer ?? p.authorization_endpoint;
  if (url === null) return p.name;
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
