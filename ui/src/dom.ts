/**
 * A tiny element builder. Everything goes through createElement / textContent, never
 * innerHTML, so nothing from the backend can become markup, and no inline style attribute is
 * ever written (the CSP forbids them; use classes).
 */

export type Child = Node | string | number | null | undefined | false;
type Listener = (event: Event) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Listener>;

let idCounter = 0;
/** A document-unique id for aria-labelledby / aria-describedby. */
export function uid(prefix = 'ad'): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

function applyAttrs(el: Element, attrs: Attrs): void {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') {
      if (!/^on[A-Z]/.test(key)) throw new Error(`h(): ${key} is not an event`);
      el.addEventListener(key.slice(2).toLowerCase(), value);
      continue;
    }
    if (key === 'style') throw new Error('h(): inline styles are not allowed by the CSP');
    el.setAttribute(key === 'className' ? 'class' : key, value === true ? '' : String(value));
  }
}

export function append(parent: Node, children: Child | readonly Child[]): void {
  const list = Array.isArray(children) ? (children as readonly Child[]) : [children as Child];
  for (const child of list) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** `h('button', { class: 'btn', type: 'button', onClick }, 'Refresh')` */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: Child | readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  children: readonly SVGElement[] = [],
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  for (const child of children) el.appendChild(child);
  return el;
}

/** Replaces all children. */
export function replaceChildren(parent: Element, children: Child | readonly Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/** Sets text only when it changed (keeps screen readers and layout calm on every tick). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export function setAttr(el: Element, name: string, value: string | null): void {
  if (value === null) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== value) {
    el.setAttribute(name, value);
  }
}

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger' | 'danger-ghost';

/** A <button type="button"> whose accessible name is exactly `label`. */
export function button(
  label: string,
  onClick: (event: MouseEvent) => void,
  options: { variant?: ButtonVariant; icon?: SVGElement; size?: 'sm' | 'md'; attrs?: Attrs } = {},
): HTMLButtonElement {
  const { variant = 'secondary', icon, size = 'md', attrs = {} } = options;
  const el = h('button', { type: 'button', class: `btn btn-${variant} btn-${size}`, ...attrs }, [
    icon ?? null,
    h('span', { class: 'btn-label' }, label),
  ]);
  el.addEventListener('click', (event) => {
    if (el.disabled) return;
    onClick(event);
  });
  return el;
}

/** Focus without scrolling the page when the engine supports it. */
export function focus(el: HTMLElement | null | undefined): void {
  el?.focus({ preventScroll: true });
}
