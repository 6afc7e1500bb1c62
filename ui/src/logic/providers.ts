/** Adding a provider: presets, redirect choices, validation. Pure functions. */
import type { PresetView, ProviderInput, ProviderView } from '../ipc';
import { PROVIDER_NAME_MAX_LEN, PROVIDER_NAME_PUNCTUATION } from '../rules';

/** The deep link AuthDeck registers with the OS (used when a preset does not say). */
export const DEFAULT_DEEP_LINK = 'dev.authdeck.app:/oauth/callback';
/** The loopback redirect to register (the port is chosen per sign-in). */
export const DEFAULT_LOOPBACK = 'http://127.0.0.1/callback';

export type RedirectChoice = 'deep_link' | 'loopback';

export function isLoopback(uri: string): boolean {
  return /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(:\d+)?\//i.test(uri);
}

/** What the preset uses unless told otherwise. */
export function defaultRedirect(preset: PresetView | undefined): RedirectChoice {
  return preset !== undefined && isLoopback(preset.redirect_uri) ? 'loopback' : 'deep_link';
}

/** The URIs of both choices, as the presets report them. */
export function redirectUris(presets: readonly PresetView[]): Record<RedirectChoice, string> {
  return {
    deep_link: presets.find((p) => !isLoopback(p.redirect_uri))?.redirect_uri ?? DEFAULT_DEEP_LINK,
    loopback: presets.find((p) => isLoopback(p.redirect_uri))?.redirect_uri ?? DEFAULT_LOOPBACK,
  };
}

/** How a preset is offered in the form ("Other (OpenID Connect)" for the generic one). */
export function presetLabel(preset: PresetView): string {
  return preset.id === 'oidc' ? 'Other (OpenID Connect)' : preset.label;
}

/** The core's provider-name rule, built from the constants it exports. */
const NAME_RE = new RegExp(
  `^[A-Za-z0-9][A-Za-z0-9${PROVIDER_NAME_PUNCTUATION.replace(/[\\\]^-]/g, '\\$&')}]{0,${PROVIDER_NAME_MAX_LEN - 1}}$`,
);
const NAME_PUNCTUATION_WORDS = Array.from(PROVIDER_NAME_PUNCTUATION, (c) => `'${c}'`).join(', ');

export function isValidName(name: string): boolean {
  return NAME_RE.test(name);
}

/** A short provider name from a label ("My Company SSO" → "my-company-sso"), unique. */
export function suggestName(label: string, taken: readonly string[]): string {
  let base = label
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, 56)
    .replace(/[-._]+$/g, '');
  if (base === '') base = 'provider';
  const used = new Set(taken.map((t) => t.toLowerCase()));
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}-${i}`;
    if (!used.has(candidate)) return candidate;
  }
}

export interface ProviderForm {
  preset: string;
  issuer: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  label: string;
  name: string;
  redirect: RedirectChoice;
}

export type FormErrors = Partial<Record<keyof ProviderForm, string>>;

function validUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLocalHost(url.hostname));
  } catch {
    return false;
  }
}

/**
 * An address typed without a scheme (`login.example.com`): Rust finds the issuer behind it
 * (`find_issuer`) and the form shows what it found before adding.
 */
export function isBareAddress(raw: string): boolean {
  const typed = raw.trim();
  return typed !== '' && !typed.includes('://');
}

function isLocalHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/**
 * Whether the form may leave the client ID empty: for "Other (OpenID Connect)" AuthDeck then
 * registers itself with the provider (RFC 7591), or Rust says in one sentence that this
 * provider needs a client ID from its administrator. The named presets always need one.
 */
export function registersItself(preset: PresetView | undefined): boolean {
  return preset?.needs_issuer === true;
}

/** Checks the form; returns an empty object when it can be sent. */
export function validateProviderForm(
  form: ProviderForm,
  presets: readonly PresetView[],
  taken: readonly string[],
): FormErrors {
  const errors: FormErrors = {};
  const preset = presets.find((p) => p.id === form.preset);
  if (preset === undefined) errors.preset = 'Choose your provider.';
  if (preset?.needs_issuer === true) {
    const issuer = form.issuer.trim();
    if (issuer === '') errors.issuer = 'Enter the address of the sign-in service, for example login.example.com.';
    else if (!isBareAddress(issuer) && !validUrl(issuer))
      errors.issuer = 'Enter a full address starting with https:// (http:// only for this computer).';
  }
  if (form.clientId.trim() === '' && !registersItself(preset))
    errors.clientId = 'Enter the client ID you got from the provider.';
  const name = form.name.trim();
  if (name === '') errors.name = 'Enter a short name.';
  else if (!isValidName(name))
    errors.name = `Use letters, digits, ${NAME_PUNCTUATION_WORDS}, starting with a letter or digit (up to ${PROVIDER_NAME_MAX_LEN}).`;
  else if (taken.some((t) => t.toLowerCase() === name.toLowerCase()))
    errors.name = 'A provider with this name already exists. Choose another.';
  return errors;
}

/** The command input for a valid form (the secret travels separately). */
export function toProviderInput(form: ProviderForm, presets: readonly PresetView[]): ProviderInput {
  const preset = presets.find((p) => p.id === form.preset);
  const blank = (v: string): string | null => (v.trim() === '' ? null : v.trim());
  const input: ProviderInput = {
    name: form.name.trim(),
    label: blank(form.label),
    preset: form.preset,
    issuer: preset?.needs_issuer === true ? blank(form.issuer) : null,
    client_id: form.clientId.trim(),
    tenant: form.preset === 'microsoft' ? blank(form.tenant) : null,
  };
  if (form.redirect !== defaultRedirect(preset)) {
    if (form.redirect === 'loopback') input.loopback = true;
    else input.redirect_uri = redirectUris(presets).deep_link;
  }
  return input;
}

/** Providers in the chooser: alphabetical by label. */
export function sortProviders(providers: readonly ProviderView[]): ProviderView[] {
  return [...providers].sort((a, b) => a.label.localeCompare(b.label) || a.name.localeCompare(b.name));
}
