import { describe, expect, it } from 'vitest';
import { monogramFor, providerIcon } from '../src/icons';

describe('provider icons', () => {
  it('uses the preset monograms', () => {
    expect(monogramFor('google', 'Work Google')).toEqual({ text: 'G', tone: 'google' });
    expect(monogramFor('github', 'GitHub')).toEqual({ text: 'GH', tone: 'github' });
    expect(monogramFor('gitlab', 'GitLab')).toEqual({ text: 'GL', tone: 'gitlab' });
    expect(monogramFor('x', 'X')).toEqual({ text: 'X', tone: 'x' });
    expect(monogramFor('oidc', 'Company SSO')).toEqual({ text: 'ID', tone: 'oidc' });
  });
  it('falls back to the initials of the label', () => {
    expect(monogramFor(null, 'Local demo provider')).toEqual({ text: 'LD', tone: 'other' });
    expect(monogramFor(null, 'keycloak')).toEqual({ text: 'K', tone: 'other' });
    expect(monogramFor(null, '…')).toEqual({ text: '?', tone: 'other' });
  });
  it('adds no text to what it sits in and is hidden from screen readers', () => {
    for (const preset of ['google', 'microsoft', null]) {
      const el = providerIcon(preset, 'Label');
      expect(el.textContent).toBe('');
      expect(el.getAttribute('aria-hidden')).toBe('true');
      expect(el.hasAttribute('style')).toBe(false);
    }
    expect(providerIcon('google', 'Google').dataset.mono).toBe('G');
  });
});
