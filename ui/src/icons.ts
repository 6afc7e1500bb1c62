/** Inline SVG: provider monograms and a few UI glyphs. No external assets (CSP). */
import { svg } from './dom';

function glyph(paths: readonly string[], extra: Record<string, string | number> = {}): SVGSVGElement {
  return svg(
    'svg',
    {
      viewBox: '0 0 24 24',
      width: 16,
      height: 16,
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 2,
      'stroke-linecap': 'round',
      'stroke-linejoin': 'round',
      'aria-hidden': 'true',
      focusable: 'false',
      class: 'icon',
      ...extra,
    },
    paths.map((d) => svg('path', { d })),
  );
}

export const icons = {
  refresh: () => glyph(['M21 12a9 9 0 1 1-2.64-6.36', 'M21 3v6h-6']),
  copy: () => glyph(['M8 8h11a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H9a1 1 0 0 1-1-1z', 'M16 8V5a1 1 0 0 0-1-1H5a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h3']),
  details: () => glyph(['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', 'M12 16v-5', 'M12 8h.01']),
  disconnect: () => glyph(['M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4', 'M16 17l5-5-5-5', 'M21 12H9']),
  reconnect: () => glyph(['M15 3h4a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2h-4', 'M10 17l5-5-5-5', 'M15 12H3']),
  plus: () => glyph(['M12 5v14', 'M5 12h14']),
  download: () => glyph(['M12 3v12', 'M7 10l5 5 5-5', 'M5 21h14']),
  close: () => glyph(['M6 6l12 12', 'M18 6L6 18']),
  check: () => glyph(['M5 12l5 5L20 7']),
  alert: () => glyph(['M12 3l10 18H2z', 'M12 10v4', 'M12 17.5h.01']),
  info: () => glyph(['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', 'M12 16v-5', 'M12 8h.01']),
  lock: () => glyph(['M6 11h12v10H6z', 'M8 11V7a4 4 0 0 1 8 0v4']),
  search: () => glyph(['M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16z', 'M21 21l-4.3-4.3']),
  clock: () => glyph(['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', 'M12 7v5l3 2']),
  eye: () => glyph(['M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z', 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z']),
  eyeOff: () => glyph(['M3 3l18 18', 'M10.6 5.1A10 10 0 0 1 12 5c6.5 0 10 7 10 7a17 17 0 0 1-3.2 4.2', 'M6.6 6.6C3.9 8.4 2 12 2 12s3.5 7 10 7a9.7 9.7 0 0 0 5.4-1.6', 'M9.9 9.9a3 3 0 0 0 4.2 4.2']),
  back: () => glyph(['M15 18l-6-6 6-6']),
  external: () => glyph(['M14 4h6v6', 'M20 4l-9 9', 'M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5']),
  trash: () => glyph(['M4 7h16', 'M10 11v6', 'M14 11v6', 'M6 7l1 13h10l1-13', 'M9 7V4h6v3']),
  spinner: () =>
    svg('svg', { viewBox: '0 0 24 24', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false', class: 'icon spinner' }, [
      svg('circle', { cx: 12, cy: 12, r: 9, fill: 'none', stroke: 'currentColor', 'stroke-width': 3, opacity: 0.25 }),
      svg('path', { d: 'M21 12a9 9 0 0 0-9-9', fill: 'none', stroke: 'currentColor', 'stroke-width': 3, 'stroke-linecap': 'round' }),
    ]),
  logo: () =>
    svg('svg', { viewBox: '0 0 32 32', width: 28, height: 28, 'aria-hidden': 'true', focusable: 'false', class: 'logo' }, [
      svg('rect', { x: 2, y: 2, width: 28, height: 28, rx: 8, class: 'logo-bg' }),
      svg('path', { d: 'M11 15v-3a5 5 0 0 1 10 0v3', fill: 'none', class: 'logo-fg', 'stroke-width': 2.4, 'stroke-linecap': 'round' }),
      svg('rect', { x: 8.5, y: 15, width: 15, height: 10, rx: 2.5, class: 'logo-fg-fill' }),
      svg('circle', { cx: 16, cy: 20, r: 1.8, class: 'logo-bg-fill' }),
    ]),
};

interface Monogram {
  text: string;
  tone: string;
}

const MONOGRAMS: Record<string, Monogram> = {
  google: { text: 'G', tone: 'google' },
  microsoft: { text: 'M', tone: 'microsoft' },
  github: { text: 'GH', tone: 'github' },
  gitlab: { text: 'GL', tone: 'gitlab' },
  x: { text: 'X', tone: 'x' },
  oidc: { text: 'ID', tone: 'oidc' },
};

/** The monogram for a preset, or the first letters of the label for anything else. */
export function monogramFor(preset: string | null, label: string): Monogram {
  const known = preset !== null ? MONOGRAMS[preset] : undefined;
  if (known !== undefined) return known;
  const letters = label
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '')
    .slice(0, 2)
    .map((w) => w.charAt(0).toUpperCase())
    .join('');
  return { text: letters === '' ? '?' : letters, tone: 'other' };
}

/**
 * A person's avatar: their initials (worked out in Rust, `AccountView.initials`) on the tone
 * of their provider, so two people at one provider are told apart and providers still show.
 */
export function personAvatar(initials: string, preset: string | null, label: string, size = 36): HTMLElement {
  const { tone } = monogramFor(preset, label);
  const text = initials.trim() === '' ? '?' : initials.trim();
  const el = document.createElement('span');
  el.className = `provider-icon person-avatar tone-${tone} size-${String(size)}${text.length > 1 ? ' is-long' : ''}`;
  el.setAttribute('aria-hidden', 'true');
  el.dataset.mono = text;
  el.dataset.testid = 'avatar';
  return el;
}

/**
 * A rounded-square monogram for a provider (decorative: the label is always shown as text).
 * The letters come from CSS (`content: attr(data-mono)`), so they add nothing to the text of
 * the button or label they sit in.
 */
export function providerIcon(preset: string | null, label: string, size = 36): HTMLElement {
  const { text, tone } = monogramFor(preset, label);
  const el = document.createElement('span');
  el.className = `provider-icon tone-${tone} size-${String(size)}${text.length > 1 ? ' is-long' : ''}`;
  el.setAttribute('aria-hidden', 'true');
  if (preset === 'microsoft') {
    const squares: [number, number, string][] = [
      [0, 0, 'ms-a'],
      [10, 0, 'ms-b'],
      [0, 10, 'ms-c'],
      [10, 10, 'ms-d'],
    ];
    el.appendChild(
      svg(
        'svg',
        { viewBox: '0 0 18 18', class: 'ms-logo', focusable: 'false' },
        squares.map(([x, y, cls]) => svg('rect', { x, y, width: 8, height: 8, class: cls })),
      ),
    );
  } else {
    el.dataset.mono = text;
  }
  return el;
}
