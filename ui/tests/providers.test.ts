import { describe, expect, it } from 'vitest';
import {
  defaultRedirect,
  isValidName,
  presetLabel,
  redirectUris,
  sortProviders,
  suggestName,
  toProviderInput,
  validateProviderForm,
  isBareAddress,
  type ProviderForm,
} from '../src/logic/providers';
import { DEMO_PROVIDER, PRESETS } from './fakeIpc';

const form = (overrides: Partial<ProviderForm> = {}): ProviderForm => ({
  preset: 'google',
  issuer: '',
  tenant: '',
  clientId: 'client-1',
  clientSecret: '',
  label: '',
  name: 'google',
  redirect: 'loopback',
  ...overrides,
});

describe('redirects', () => {
  it('takes both URIs from the presets', () => {
    expect(redirectUris(PRESETS)).toEqual({ deep_link: 'dev.authdeck.app:/oauth/callback', loopback: 'http://127.0.0.1/callback' });
    expect(redirectUris([])).toEqual({ deep_link: 'dev.authdeck.app:/oauth/callback', loopback: 'http://127.0.0.1/callback' });
  });
  it('defaults per preset', () => {
    expect(defaultRedirect(PRESETS[0])).toBe('loopback');
    expect(defaultRedirect(PRESETS[4])).toBe('deep_link');
    expect(defaultRedirect(undefined)).toBe('deep_link');
  });
  it('offers the generic preset as "Other"', () => {
    expect(presetLabel(PRESETS[4]!)).toBe('Other (OpenID Connect)');
    expect(presetLabel(PRESETS[0]!)).toBe('Google');
  });
});

describe('names', () => {
  it('validates like Rust', () => {
    expect(isValidName('google')).toBe(true);
    expect(isValidName('my.idp_2-x')).toBe(true);
    expect(isValidName('-bad')).toBe(false);
    expect(isValidName('with space')).toBe(false);
    expect(isValidName('a'.repeat(65))).toBe(false);
    expect(isValidName('a'.repeat(64))).toBe(true);
    expect(isValidName('.hidden')).toBe(false);
    expect(isValidName('a]b')).toBe(false);
  });
  it('suggests unique slugs', () => {
    expect(suggestName('My Company SSO', [])).toBe('my-company-sso');
    expect(suggestName('google', ['google'])).toBe('google-2');
    expect(suggestName('google', ['google', 'Google-2'])).toBe('google-3');
    expect(suggestName('Ünïcödé!', [])).toBe('unicode');
    expect(suggestName('!!!', [])).toBe('provider');
  });
});

describe('validateProviderForm', () => {
  it('accepts a complete preset form', () => {
    expect(validateProviderForm(form(), PRESETS, [])).toEqual({});
  });
  it('requires the client ID and a valid, unused name', () => {
    const errors = validateProviderForm(form({ clientId: ' ', name: 'demo' }), PRESETS, ['demo']);
    expect(errors.clientId).toMatch(/client ID/);
    expect(errors.name).toMatch(/already exists/);
    expect(validateProviderForm(form({ name: '' }), PRESETS, []).name).toMatch(/short name/);
    expect(validateProviderForm(form({ name: 'a b' }), PRESETS, []).name).toMatch(/letters/);
  });
  it('accepts a bare address for the generic preset (Rust finds the issuer behind it)', () => {
    expect(validateProviderForm(form({ preset: 'oidc', issuer: 'login.example.com' }), PRESETS, []).issuer).toBeUndefined();
    expect(isBareAddress(' login.example.com ')).toBe(true);
    expect(isBareAddress('https://login.example.com')).toBe(false);
    expect(isBareAddress('  ')).toBe(false);
  });

  it('requires an https issuer for the generic preset', () => {
    expect(validateProviderForm(form({ preset: 'oidc' }), PRESETS, []).issuer).toMatch(/address of the sign-in service/);
    expect(validateProviderForm(form({ preset: 'oidc', issuer: 'http://idp.example.com' }), PRESETS, []).issuer).toMatch(/https/);
    expect(validateProviderForm(form({ preset: 'oidc', issuer: 'http://127.0.0.1:4000' }), PRESETS, [])).toEqual({});
    expect(validateProviderForm(form({ preset: 'oidc', issuer: 'https://idp.example.com' }), PRESETS, [])).toEqual({});
  });
  it('needs a known preset', () => {
    expect(validateProviderForm(form({ preset: 'nope' }), PRESETS, []).preset).toBeDefined();
  });
});

describe('toProviderInput', () => {
  it('keeps the preset redirect when unchanged', () => {
    const input = toProviderInput(form({ label: ' Work Google ', clientId: ' id ' }), PRESETS);
    expect(input).toEqual({ name: 'google', label: 'Work Google', preset: 'google', issuer: null, client_id: 'id', tenant: null });
  });
  it('asks for loopback or the deep link when changed', () => {
    expect(toProviderInput(form({ preset: 'oidc', issuer: 'https://i', redirect: 'loopback' }), PRESETS).loopback).toBe(true);
    const input = toProviderInput(form({ redirect: 'deep_link' }), PRESETS);
    expect(input.redirect_uri).toBe('dev.authdeck.app:/oauth/callback');
    expect(input.loopback).toBeUndefined();
  });
  it('sends the issuer only for the generic preset and the tenant only for Microsoft', () => {
    expect(toProviderInput(form({ preset: 'oidc', issuer: ' https://i ', redirect: 'deep_link' }), PRESETS).issuer).toBe('https://i');
    expect(toProviderInput(form({ issuer: 'https://i' }), PRESETS).issuer).toBeNull();
    expect(toProviderInput(form({ preset: 'microsoft', tenant: 'contoso' }), PRESETS).tenant).toBe('contoso');
  });
  it('never puts the client secret in the input', () => {
    const input = toProviderInput(form({ clientSecret: 's3cret' }), PRESETS);
    expect(JSON.stringify(input)).not.toContain('s3cret');
  });
});

describe('sortProviders', () => {
  it('alphabetical by label', () => {
    const b = { ...DEMO_PROVIDER, name: 'b', label: 'Beta' };
    const a = { ...DEMO_PROVIDER, name: 'a', label: 'alpha' };
    expect(sortProviders([b, a]).map((p) => p.name)).toEqual(['a', 'b']);
  });
});
