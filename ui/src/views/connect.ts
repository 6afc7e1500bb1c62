/**
 * "Connect account": choose a provider (or add one), then wait for the browser, with a
 * paste-the-address fallback. Also used by "Reconnect".
 */
import { append, button, focus, h, replaceChildren, uid } from '../dom';
import { icons, providerIcon } from '../icons';
import * as ipc from '../ipc';
import type { AccountView, CallbackHandled, LoginFinished, LoginStarted, PresetView, ProviderView } from '../ipc';
import { whoIs } from '../logic/accounts';
import {
  defaultRedirect,
  presetLabel,
  redirectUris,
  sortProviders,
  suggestName,
  toProviderInput,
  validateProviderForm,
  type FormErrors,
  type ProviderForm,
  type RedirectChoice,
} from '../logic/providers';
import { focusFirst, openDialog, type Dialog } from './dialog';

export interface ConnectDeps {
  /** A sign-in finished with this account (the dialog has closed). */
  onConnected: (account: AccountView) => void;
  /** Any failure, so the app can notice e.g. a missing keychain. */
  onFailure?: (failure: ipc.IpcFailure) => void;
  /** How many accounts use a provider (for the remove warning). */
  accountsUsing: (provider: string) => number;
  fallbackFocus: () => HTMLElement | null;
}

type Stage = 'choose' | 'add' | 'starting' | 'waiting' | 'failed';

export class ConnectFlow {
  readonly dialog: Dialog;
  private stage: Stage = 'choose';
  private handle: string | null = null;
  private provider: { name: string; label: string } | null = null;
  private finished = false;
  private reconnectId: string | null = null;
  private reconnectTitle: string | null = null;
  private providers: ProviderView[] = [];
  private presets: PresetView[] = [];
  private pasteError: HTMLElement | null = null;
  /** loginFinished events that arrived before startLogin answered (by handle). */
  private readonly early = new Map<string, LoginFinished>();

  private constructor(private readonly deps: ConnectDeps, title: string) {
    this.dialog = openDialog({
      title,
      size: 'md',
      testId: 'connect-dialog',
      fallbackFocus: deps.fallbackFocus,
      onClose: () => { this.onClosed(); },
    });
  }

  /** The "Connect account" button. */
  static choose(deps: ConnectDeps): ConnectFlow {
    const flow = new ConnectFlow(deps, 'Connect an account');
    void flow.loadAndChoose();
    return flow;
  }

  /** "Reconnect" on an account whose sign-in ended. */
  static reconnect(deps: ConnectDeps, account: AccountView): ConnectFlow {
    const flow = new ConnectFlow(deps, `Reconnect ${whoIs(account)}`);
    flow.reconnectId = account.id;
    flow.reconnectTitle = `Reconnect ${whoIs(account)}`;
    flow.provider = { name: account.provider, label: account.provider_label };
    void flow.start(() => ipc.reconnectAccount(account.id));
    return flow;
  }

  get closed(): boolean {
    return this.dialog.closed;
  }

  get waitingHandle(): string | null {
    return this.stage === 'waiting' ? this.handle : null;
  }

  // ----- events from the app -----

  /** Returns true when the event was for this sign-in. */
  handleLoginFinished(event: LoginFinished): boolean {
    if (this.finished) return false;
    if (this.handle === null || this.stage === 'starting') {
      this.early.set(event.handle, event);
      return false;
    }
    if (event.handle !== this.handle) return false;
    if (event.account !== null) this.succeed(event.account);
    else this.fail(event.error?.message ?? 'The sign-in did not finish.');
    return true;
  }

  /**
   * A sign-in answer arrived by deep link while this dialog is open. Errors are shown here
   * (and waiting goes on); returns true when shown, so the app skips its toast.
   */
  handleCallbackHandled(event: CallbackHandled): boolean {
    if (this.finished || this.stage !== 'waiting') return false;
    if (event.error !== null) {
      this.showPasteError(event.error.message);
      return true;
    }
    return false;
  }

  // ----- choose -----

  private async loadAndChoose(focusProvider?: string, note?: string): Promise<void> {
    this.stage = 'choose';
    this.dialog.setTitle('Connect an account');
    replaceChildren(this.dialog.body, h('p', { class: 'muted loading' }, [icons.spinner(), ' Loading providers…']));
    try {
      const [providers, presets] = await Promise.all([ipc.listProviders(), this.loadPresets()]);
      this.providers = sortProviders(providers);
      this.presets = presets;
    } catch (error) {
      const failure = ipc.toFailure(error);
      this.deps.onFailure?.(failure);
      replaceChildren(this.dialog.body, [
        h('p', { class: 'form-error', role: 'alert' }, failure.message),
        this.footer([button('Close', () => { this.dialog.close(); })]),
      ]);
      focusFirst(this.dialog.body);
      return;
    }
    if (this.dialog.closed) return;
    if (this.providers.length === 0) {
      this.showAddForm(true);
      return;
    }
    this.renderChooser(focusProvider, note);
  }

  private async loadPresets(): Promise<PresetView[]> {
    if (this.presets.length > 0) return this.presets;
    return ipc.listPresets();
  }

  private renderChooser(focusProvider?: string, note?: string): void {
    this.stage = 'choose';
    this.dialog.setTitle('Connect an account', 'Choose where your account is. AuthDeck opens your browser so you can sign in there.');
    const error = h('p', { class: 'form-error', role: 'alert' });
    error.hidden = true;
    const list = h('ul', { class: 'choices', 'aria-label': 'Providers' });
    let focusTarget: HTMLElement | null = null;
    for (const provider of this.providers) {
      const descId = uid('prov-desc');
      // The button's text is exactly the label; where it signs in sits beside it.
      const choice = h(
        'button',
        { type: 'button', class: 'choice', 'aria-describedby': descId, 'data-provider': provider.name },
        [providerIcon(provider.preset, provider.label, 32), h('span', { class: 'choice-label' }, provider.label)],
      );
      const desc = h('span', { id: descId, class: 'choice-desc' }, describeProvider(provider));
      choice.addEventListener('click', () => {
        if (this.stage !== 'choose') return;
        this.provider = { name: provider.name, label: provider.label };
        void this.start(() => ipc.startLogin(provider.name), choice, error);
      });
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
      remove.addEventListener('click', () => { this.confirmRemove(provider, item); });
      const item = h('li', { class: 'choice-item' }, [h('div', { class: 'choice-wrap' }, [choice, desc]), remove]);
      list.appendChild(item);
      if (provider.name === focusProvider) {
        focusTarget = choice;
        item.classList.add('is-new');
      }
    }
    const add = button('Add a provider', () => { this.showAddForm(false); }, { variant: 'ghost', icon: icons.plus() });
    replaceChildren(this.dialog.body, [
      note !== undefined ? h('p', { class: 'form-note', role: 'status' }, [icons.check(), note]) : null,
      list,
      error,
      this.footer([add, h('span', { class: 'spacer' }), button('Cancel', () => { this.dialog.close(); })]),
    ]);
    if (focusTarget !== null) focus(focusTarget);
    else focusFirst(this.dialog.body);
  }

  private confirmRemove(provider: ProviderView, item: HTMLElement): void {
    const using = this.deps.accountsUsing(provider.name);
    const warning =
      using > 0
        ? ` ${using === 1 ? 'One connected account uses' : `${using} connected accounts use`} it and will stop working until you add it again.`
        : '';
    const msgId = uid('rm');
    const keep = button('Keep', () => { this.renderChooser(provider.name); });
    const confirm = button(
      'Remove',
      () => {
        confirm.disabled = true;
        keep.disabled = true;
        ipc.removeProvider(provider.name).then(
          () => void this.loadAndChoose(undefined, `Removed ${provider.label}.`),
          (error: unknown) => {
            const failure = ipc.toFailure(error);
            this.deps.onFailure?.(failure);
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

  // ----- add a provider -----

  private showAddForm(first: boolean): void {
    this.stage = 'add';
    this.dialog.setTitle(
      'Add a provider',
      first
        ? 'First, tell AuthDeck about the service you sign in to. You get these details when you register AuthDeck as an app with it.'
        : 'You get these details when you register AuthDeck as an app with the provider.',
    );
    const presets = this.presets;
    const uris = redirectUris(presets);
    const taken = this.providers.map((p) => p.name);
    const firstPreset = presets[0];
    const form: ProviderForm = {
      preset: firstPreset?.id ?? 'oidc',
      issuer: '',
      tenant: '',
      clientId: '',
      clientSecret: '',
      label: '',
      name: suggestName(firstPreset?.id ?? 'provider', taken),
      redirect: defaultRedirect(firstPreset),
    };
    let nameEdited = false;

    const fields = new Map<keyof ProviderForm, Field>();
    const field = (key: keyof ProviderForm, f: Field) => {
      fields.set(key, f);
      return f.wrapper;
    };

    // Preset radios
    const presetName = uid('preset');
    const presetGroup = h('div', { class: 'preset-grid' });
    for (const preset of presets) {
      const radio = h('input', { type: 'radio', name: presetName, value: preset.id, class: 'preset-radio' });
      radio.checked = preset.id === form.preset;
      radio.addEventListener('change', () => {
        if (!radio.checked) return;
        form.preset = preset.id;
        form.redirect = defaultRedirect(preset);
        sync();
      });
      presetGroup.appendChild(
        h('label', { class: 'preset-option' }, [radio, providerIcon(preset.id, preset.label, 28), h('span', {}, presetLabel(preset))]),
      );
    }
    const presetFieldset = h('fieldset', { class: 'fieldset' }, [h('legend', {}, 'Provider'), presetGroup]);

    const issuer = textField('Issuer address', 'url', { required: true, placeholder: 'https://login.example.com', hint: 'AuthDeck reads the sign-in settings from this address.' });
    const tenant = textField('Directory (tenant)', 'text', { placeholder: 'common', hint: 'Leave empty to allow work, school and personal Microsoft accounts.' });
    const clientId = textField('Client ID', 'text', { required: true, hint: 'From the app you registered with the provider.', autocomplete: 'off' });
    const clientSecret = textField('Client secret', 'password', { hint: 'Only if the provider gave you one. It is kept in the system keychain, never in a file.', autocomplete: 'off' });
    const label = textField('Display name', 'text', { hint: 'What this list calls the provider.' });
    const name = textField('Short name', 'text', { required: true, hint: 'Used by the command line, for example “authdeck login google”.', autocomplete: 'off' });

    for (const [key, f] of [
      ['issuer', issuer],
      ['tenant', tenant],
      ['clientId', clientId],
      ['clientSecret', clientSecret],
      ['label', label],
      ['name', name],
    ] as const) {
      f.input.addEventListener('input', () => {
        form[key] = f.input.value;
        if (key === 'name') nameEdited = true;
        if ((key === 'label' || key === 'issuer') && !nameEdited) name.input.value = form.name = suggestName(nameSource(form), taken);
        f.setError(undefined);
      });
    }
    name.input.value = form.name;

    // Redirect choice
    const redirectName = uid('redirect');
    const redirectRadios = new Map<RedirectChoice, HTMLInputElement>();
    const redirectOption = (choice: RedirectChoice, text: string, sub: string) => {
      const radio = h('input', { type: 'radio', name: redirectName, value: choice });
      radio.addEventListener('change', () => {
        if (radio.checked) {
          form.redirect = choice;
          sync();
        }
      });
      redirectRadios.set(choice, radio);
      return h('label', { class: 'radio-option' }, [radio, h('span', { class: 'radio-text' }, [h('span', {}, text), h('span', { class: 'radio-sub' }, sub)])]);
    };
    const redirectNote = h('p', { class: 'field-hint' });
    const redirectUri = h('code', { class: 'register-uri', 'data-testid': 'redirect-uri' });
    const loopbackNote = h('span', { class: 'field-hint' }, ' AuthDeck picks a free port each time; providers that follow RFC 8252 accept any port.');
    const redirectFieldset = h('fieldset', { class: 'fieldset' }, [
      h('legend', {}, 'How the provider sends you back'),
      redirectOption('deep_link', 'Default: open AuthDeck by link', uris.deep_link),
      redirectOption('loopback', 'Use a local address (loopback)', uris.loopback),
      redirectNote,
      h('div', { class: 'register-box' }, [
        h('p', { class: 'register-title' }, 'Register this redirect URI with the provider:'),
        redirectUri,
        loopbackNote,
      ]),
    ]);

    const formError = h('p', { class: 'form-error', role: 'alert' });
    formError.hidden = true;
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-md' }, h('span', { class: 'btn-label' }, 'Add provider'));
    const back = this.providers.length > 0 ? button('Back', () => { this.renderChooser(); }, { icon: icons.back() }) : button('Cancel', () => { this.dialog.close(); });

    const el = h('form', { class: 'provider-form', novalidate: true, 'aria-label': 'Add a provider' }, [
      presetFieldset,
      field('issuer', issuer),
      field('tenant', tenant),
      field('clientId', clientId),
      field('clientSecret', clientSecret),
      h('div', { class: 'field-row' }, [field('label', label), field('name', name)]),
      redirectFieldset,
      formError,
      this.footer([back, h('span', { class: 'spacer' }), submit]),
    ]);

    const sync = () => {
      const preset = presets.find((p) => p.id === form.preset);
      issuer.wrapper.hidden = preset?.needs_issuer !== true;
      tenant.wrapper.hidden = form.preset !== 'microsoft';
      label.input.placeholder = preset !== undefined ? (preset.needs_issuer ? 'My company sign-in' : preset.label) : '';
      if (!nameEdited) name.input.value = form.name = suggestName(nameSource(form), taken);
      for (const [choice, radio] of redirectRadios) radio.checked = choice === form.redirect;
      redirectUri.textContent = uris[form.redirect];
      loopbackNote.hidden = form.redirect !== 'loopback';
      const def = defaultRedirect(preset);
      redirectNote.textContent =
        preset === undefined ? '' : `${presetLabel(preset)} normally uses ${def === 'loopback' ? 'a local address' : 'the AuthDeck link'}.`;
    };
    sync();

    el.addEventListener('submit', (event) => {
      event.preventDefault();
      formError.hidden = true;
      const errors: FormErrors = validateProviderForm(form, presets, taken);
      let firstInvalid: HTMLElement | null = null;
      for (const [key, f] of fields) {
        f.setError(errors[key]);
        if (errors[key] !== undefined && firstInvalid === null && !f.wrapper.hidden) firstInvalid = f.input;
      }
      if (firstInvalid !== null) {
        focus(firstInvalid);
        return;
      }
      submit.disabled = true;
      submit.setAttribute('aria-busy', 'true');
      const secret = form.clientSecret.trim() === '' ? null : form.clientSecret;
      ipc.addProvider(toProviderInput(form, presets), secret).then(
        (added) => {
          if (this.dialog.closed) return;
          // Forget the secret as soon as it is stored.
          clientSecret.input.value = '';
          form.clientSecret = '';
          void this.loadAndChoose(added.name, `Added ${added.label}. Choose it to connect an account.`);
        },
        (error: unknown) => {
          const failure = ipc.toFailure(error);
          this.deps.onFailure?.(failure);
          submit.disabled = false;
          submit.removeAttribute('aria-busy');
          formError.textContent = failure.message;
          formError.hidden = false;
        },
      );
    });

    replaceChildren(this.dialog.body, el);
    focus(presetGroup.querySelector<HTMLInputElement>('input:checked') ?? el.querySelector<HTMLInputElement>('input'));
  }

  // ----- sign-in -----

  private async start(
    call: () => Promise<LoginStarted>,
    trigger?: HTMLButtonElement,
    errorBox?: HTMLElement,
  ): Promise<void> {
    this.stage = 'starting';
    if (trigger !== undefined) {
      trigger.setAttribute('aria-busy', 'true');
      for (const b of this.dialog.body.querySelectorAll<HTMLButtonElement>('button')) b.disabled = true;
      trigger.appendChild(h('span', { class: 'choice-spinner' }, icons.spinner()));
    } else {
      replaceChildren(this.dialog.body, h('p', { class: 'muted loading' }, [icons.spinner(), ' Opening your browser…']));
    }
    let started: LoginStarted;
    try {
      started = await call();
    } catch (error) {
      const failure = ipc.toFailure(error);
      this.deps.onFailure?.(failure);
      if (this.dialog.closed) return;
      if (errorBox !== undefined) {
        this.renderChooser(this.provider?.name);
        const box = this.dialog.body.querySelector<HTMLElement>('.form-error');
        if (box !== null) {
          box.textContent = failure.message;
          box.hidden = false;
        }
      } else {
        this.fail(failure.message);
      }
      return;
    }
    this.handle = started.ticket.handle;
    if (this.dialog.closed) {
      // Closed while starting: stop the sign-in we just began.
      void ipc.cancelLogin(started.ticket.handle).catch(() => undefined);
      return;
    }
    this.renderWaiting(started);
    const early = this.early.get(started.ticket.handle);
    this.early.clear();
    if (early !== undefined) this.handleLoginFinished(early);
  }

  private renderWaiting(started: LoginStarted): void {
    this.stage = 'waiting';
    const who = this.provider?.label ?? 'your provider';
    this.dialog.setTitle(this.reconnectTitle ?? `Sign in with ${who}`);
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
    this.pasteError = error;
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
        this.showPasteError('Paste the address from your browser first.');
        focus(input);
        return;
      }
      submit.disabled = true;
      submit.setAttribute('aria-busy', 'true');
      ipc.submitCallback(value).then(
        (account) => { this.succeed(account); },
        (err: unknown) => {
          const failure = ipc.toFailure(err);
          this.deps.onFailure?.(failure);
          submit.disabled = false;
          submit.removeAttribute('aria-busy');
          if (this.finished || this.dialog.closed) return;
          this.showPasteError(failure.message);
          input.select();
          focus(input);
        },
      );
    });

    const cancel = button('Cancel', () => { this.dialog.close(); });
    const reopen = button('Open the sign-in page again', () => {
      ipc.reopenLogin(started.ticket.handle).catch((err: unknown) => {
        this.deps.onFailure?.(ipc.toFailure(err));
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
      this.footer([reopen, h('span', { class: 'spacer' }), cancel]),
    ]);
    replaceChildren(this.dialog.body, waiting);
    focus(started.browser_error !== null ? waiting.querySelector<HTMLElement>('.url-field') : input);
  }

  private showPasteError(message: string): void {
    const error = this.pasteError;
    if (error === null || !error.isConnected) return;
    error.replaceChildren(icons.alert(), document.createTextNode(message));
    error.hidden = false;
    error.previousElementSibling?.querySelector('input')?.setAttribute('aria-invalid', 'true');
  }

  private succeed(account: AccountView): void {
    if (this.finished) return;
    this.finished = true;
    this.dialog.close();
    this.deps.onConnected(account);
  }

  private fail(message: string): void {
    if (this.finished || this.dialog.closed) return;
    this.stage = 'failed';
    this.handle = null;
    const retry = button('Try again', () => {
      if (this.reconnectId !== null) {
        const id = this.reconnectId;
        void this.start(() => ipc.reconnectAccount(id));
      } else if (this.provider !== null) {
        const name = this.provider.name;
        void this.start(() => ipc.startLogin(name));
      }
    }, { variant: 'primary' });
    replaceChildren(this.dialog.body, [
      h('div', { class: 'callout callout-error', 'data-testid': 'login-error' }, [
        h('p', { class: 'callout-title' }, [icons.alert(), "The sign-in didn't finish"]),
        h('p', { role: 'alert' }, message),
      ]),
      this.footer([h('span', { class: 'spacer' }), button('Close', () => { this.dialog.close(); }), retry]),
    ]);
    focus(retry);
  }

  private onClosed(): void {
    if (!this.finished && this.handle !== null && this.stage === 'waiting') {
      const handle = this.handle;
      void ipc.cancelLogin(handle).catch(() => undefined);
    }
    this.finished = true;
  }

  private footer(children: (HTMLElement | null)[]): HTMLElement {
    const f = h('div', { class: 'dialog-footer' });
    append(f, children);
    return f;
  }
}

/** What the suggested short name is made from: the display name, else the issuer's host. */
function nameSource(form: ProviderForm): string {
  if (form.label.trim() !== '') return form.label;
  if (form.preset === 'oidc') {
    try {
      return new URL(form.issuer.trim()).hostname.replace(/^(www|login|auth|id|sso|accounts)\./, '').split('.')[0] ?? 'oidc';
    } catch {
      return 'oidc';
    }
  }
  return form.preset;
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

interface Field {
  wrapper: HTMLElement;
  input: HTMLInputElement;
  setError: (message: string | undefined) => void;
}

function textField(
  label: string,
  type: string,
  options: { required?: boolean; placeholder?: string; hint?: string; autocomplete?: string } = {},
): Field {
  const id = uid('field');
  const hintId = uid('hint');
  const errId = uid('err');
  const input = h('input', {
    id,
    type,
    class: 'input',
    required: options.required === true,
    'aria-required': options.required === true ? 'true' : undefined,
    placeholder: options.placeholder,
    autocomplete: options.autocomplete,
    spellcheck: 'false',
    'aria-describedby': options.hint !== undefined ? `${hintId} ${errId}` : errId,
  });
  const error = h('p', { id: errId, class: 'field-error' });
  error.hidden = true;
  const wrapper = h('div', { class: 'field' }, [
    // The required mark sits outside the <label> so the field's name stays exactly `label`.
    h('div', { class: 'field-head' }, [
      h('label', { for: id, class: 'field-label' }, label),
      options.required === true ? h('span', { class: 'required', 'aria-hidden': 'true', title: 'Required' }, '*') : null,
      options.required !== true ? h('span', { class: 'optional' }, 'optional') : null,
    ]),
    input,
    options.hint !== undefined ? h('p', { id: hintId, class: 'field-hint' }, options.hint) : null,
    error,
  ]);
  return {
    wrapper,
    input,
    setError(message) {
      error.textContent = message ?? '';
      error.hidden = message === undefined;
      if (message === undefined) input.removeAttribute('aria-invalid');
      else input.setAttribute('aria-invalid', 'true');
    },
  };
}
