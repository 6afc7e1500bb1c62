/**
 * The confirmation for a provider that arrived by link or file: its label, the issuer's host in
 * large type (what a person can check), the access asked for, and exactly two choices, "Add and
 * connect" and "Cancel". Nothing is added before "Add and connect".
 */
import { button, h, replaceChildren } from '../../dom';
import type { ProviderOffer } from '../../ipc';
import { focusFirst } from '../dialog';
import { footer } from './fields';

export interface OfferHandlers {
  accept: (trigger: HTMLButtonElement) => void;
  cancel: () => void;
}

export function renderOffer(body: HTMLElement, offer: ProviderOffer, on: OfferHandlers): void {
  const accept = button('Add and connect', () => { on.accept(accept); }, { variant: 'primary' });
  const access = offer.access.length > 0 ? offer.access : ['Know who you are'];
  replaceChildren(body, [
    h('p', { class: 'offer-intro' }, `Someone sent you the sign-in settings for ${offer.label}. Check where it signs you in:`),
    h('p', { class: 'offer-host', 'data-testid': 'offer-host' }, offer.host),
    h('p', { class: 'offer-label' }, ['Access asked for:']),
    h('ul', { class: 'offer-scopes', 'aria-label': 'Access asked for' }, access.map((s) => h('li', {}, s))),
    h('details', { class: 'offer-details' }, [h('summary', {}, 'Details'), h('p', { class: 'muted' }, `Scopes: ${offer.scopes.join(' ')}`)]),
    offer.registers ? h('p', { class: 'muted' }, 'AuthDeck registers itself with this provider, so there is nothing to set up.') : null,
    footer([button('Cancel', () => { on.cancel(); }), accept]),
  ]);
  focusFirst(body);
}
