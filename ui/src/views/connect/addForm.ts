/**
 * The "Add a provider" screen: preset, issuer or tenant, client ID and secret, names, and the
 * redirect URI to register. Validation is in logic/providers.ts; Rust checks again.
 */
import { focus, h, replaceChildren, uid, button } from '../../dom';
import type { IpcFailure } from '../../errors';
import { icons, providerIcon } from '../../icons';
import { ipc } from '../../ipc';
import type { PresetView, ProviderView } from '../../ipc';
import {
  defaultRedirect,
  presetLabel,
  redirectUris,
  isBareAddress,
  registersItself,
  suggestName,
  toProviderInput,
  validateProviderForm,
  type FormErrors,
  type ProviderForm,
  type RedirectChoice,
} from '../../logic/providers';
import { footer, textField, type Field } from './fields';

const CLIENT_ID_HINT = 'From the app you registered with the provider.';
const CLIENT_ID_OPTIONAL_HINT =
  'Leave it empty if you have none: AuthDeck then registers itself with the provider, where the provider allows that.';

export interface AddFormView {
  presets: readonly PresetView[];
  /** The providers already configured (their names are taken). */
  providers: readonly ProviderView[];
}

export interface AddFormHandlers {
  /** "Back" to the chooser (offered when providers exist). */
  back: () => void;
  /** "Cancel" (the first provider). */
  cancel: () => void;
  added: (provider: ProviderView) => void;
  onFailure: (failure: IpcFailure) => void;
  isClosed: () => boolean;
}

export function renderAddForm(body: HTMLElement, view: AddFormView, on: AddFormHandlers): void {
  const presets = view.presets;
  const uris = redirectUris(presets);
  const taken = view.providers.map((p) => p.name);
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

  const issuer = textField('Issuer address', 'url', {
    required: true,
    placeholder: 'login.example.com',
    hint: 'The address of your sign-in service. AuthDeck finds its settings there and shows you what it found.',
  });
  // What find_issuer found behind a typed address, shown before adding.
  const found = h('div', { class: 'callout found-issuer', 'data-testid': 'found-issuer', role: 'status' });
  found.hidden = true;
  const tenant = textField('Directory (tenant)', 'text', { placeholder: 'common', hint: 'Leave empty to allow work, school and personal Microsoft accounts.' });
  const clientId = textField('Client ID', 'text', { required: true, hint: CLIENT_ID_HINT, autocomplete: 'off' });
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
      if (key === 'issuer') found.hidden = true;
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
  const back = view.providers.length > 0 ? button('Back', () => { on.back(); }, { icon: icons.back() }) : button('Cancel', () => { on.cancel(); });

  const el = h('form', { class: 'provider-form', novalidate: true, 'aria-label': 'Add a provider' }, [
    presetFieldset,
    field('issuer', issuer),
    found,
    field('tenant', tenant),
    field('clientId', clientId),
    field('clientSecret', clientSecret),
    h('div', { class: 'field-row' }, [field('label', label), field('name', name)]),
    redirectFieldset,
    formError,
    footer([back, h('span', { class: 'spacer' }), submit]),
  ]);

  const sync = () => {
    const preset = presets.find((p) => p.id === form.preset);
    issuer.wrapper.hidden = preset?.needs_issuer !== true;
    if (issuer.wrapper.hidden) found.hidden = true;
    tenant.wrapper.hidden = form.preset !== 'microsoft';
    const selfRegistering = registersItself(preset);
    clientId.setRequired(!selfRegistering);
    clientId.setHint(selfRegistering ? CLIENT_ID_OPTIONAL_HINT : CLIENT_ID_HINT);
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
    const done = () => {
      submit.disabled = false;
      submit.removeAttribute('aria-busy');
    };
    if (presets.find((p) => p.id === form.preset)?.needs_issuer === true && isBareAddress(form.issuer)) {
      // First find the issuer behind the address and show it; adding is the next click.
      ipc.findIssuer(form.issuer.trim()).then(
        (issuerFound) => {
          if (on.isClosed()) return;
          done();
          issuer.input.value = form.issuer = issuerFound.issuer;
          replaceChildren(found, [
            h('p', { class: 'callout-title' }, 'Found this sign-in service:'),
            h('p', { class: 'found-host', 'data-testid': 'found-host' }, issuerFound.host),
            issuerFound.name !== null ? h('p', {}, issuerFound.name) : null,
            h('p', { class: 'field-hint' }, ['Issuer: ', h('code', {}, issuerFound.issuer), '. Check that this is the service you expect, then add it.']),
          ]);
          found.hidden = false;
          if (!nameEdited) name.input.value = form.name = suggestName(nameSource(form), taken);
          focus(submit);
        },
        (error: unknown) => {
          done();
          const failure = ipc.toFailure(error);
          on.onFailure(failure);
          issuer.setError(failure.message);
          focus(issuer.input);
        },
      );
      return;
    }
    const secret = form.clientSecret.trim() === '' ? null : form.clientSecret;
    ipc.addProvider(toProviderInput(form, presets), secret).then(
      (added) => {
        if (on.isClosed()) return;
        // Forget the secret as soon as it is stored.
        clientSecret.input.value = '';
        form.clientSecret = '';
        on.added(added);
      },
      (error: unknown) => {
        const failure = ipc.toFailure(error);
        on.onFailure(failure);
        done();
        formError.textContent = failure.message;
        formError.hidden = false;
      },
    );
  });

  replaceChildren(body, el);
  focus(presetGroup.querySelector<HTMLInputElement>('input:checked') ?? el.querySelector<HTMLInputElement>('input'));
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

