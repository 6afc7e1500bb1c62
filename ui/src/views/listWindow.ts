/**
 * The arithmetic of a windowed list, and the one place it reads the page's geometry.
 *
 * The account list keeps DOM rows only for the accounts in or near the viewport (a thousand
 * kept rows held most of the web process's memory and made the first frame lay out and
 * observe them all). Which rows that is follows from the scroll position, the viewport's
 * height, where the list starts and one row's pitch, measured once from a real row. jsdom has
 * no layout, so the measurements go through `windowViewport`, which unit tests replace.
 */

/** A row's height before one could be measured (jsdom, or a hidden list): the CSS row. */
export const ROW_HEIGHT_FALLBACK = 124;
/** The gap between rows (`.account-list { gap }`). */
export const ROW_GAP = 10;
/** Rows kept beyond each edge of the viewport once the window has painted. */
export const OVERSCAN = 6;
/** Rows kept beyond each edge for the first frame (it should build no more than it shows). */
export const FIRST_OVERSCAN = 1;
/** Rows kept on each side of the focused row, so Tab and Shift+Tab find their neighbour. */
export const FOCUS_NEIGHBOURS = 2;

/** The page geometry the list reads; the window's by default. */
export interface Viewport {
  /** How far the page is scrolled (px). */
  scrollTop: () => number;
  /** The viewport's height (px). */
  height: () => number;
  /** Where `element` starts, in page coordinates (px). */
  offsetOf: (element: HTMLElement) => number;
  /** A laid-out row's height, or null when there is no layout to measure. */
  measure: (element: HTMLElement) => number | null;
  scrollTo: (top: number) => void;
  /** Scrolls as little as needed to show `element`. */
  show: (element: HTMLElement) => void;
  /** Calls `listener` on scroll and resize; returns a function that stops it. */
  listen: (listener: () => void) => () => void;
}

export const windowViewport: Viewport = {
  scrollTop: () => window.scrollY,
  height: () => window.innerHeight,
  offsetOf: (element) => element.getBoundingClientRect().top + window.scrollY,
  measure: (element) => {
    const height = element.getBoundingClientRect().height;
    return height > 0 ? height : null;
  },
  scrollTo: (top) => {
    window.scrollTo({ top, behavior: 'instant' });
  },
  show: (element) => {
    element.scrollIntoView({ block: 'nearest', behavior: 'instant' });
  },
  listen: (listener) => {
    window.addEventListener('scroll', listener, { passive: true });
    window.addEventListener('resize', listener);
    return () => {
      window.removeEventListener('scroll', listener);
      window.removeEventListener('resize', listener);
    };
  },
};

/** Rows [start, end) of `count` rows `pitch` apart that meet the viewport widened by `overscan`. */
export function visibleRange(
  scrollTop: number,
  height: number,
  listTop: number,
  pitch: number,
  count: number,
  overscan: number,
): { start: number; end: number } {
  const top = scrollTop - listTop;
  const first = Math.floor(top / pitch) - overscan;
  const last = Math.ceil((top + Math.max(height, 0)) / pitch) + overscan;
  const start = Math.min(Math.max(first, 0), count);
  return { start, end: Math.min(Math.max(last, start), count) };
}

/** The sorted indices to render: the range, plus `pinned` ones (focused row and neighbours). */
export function renderedIndices(range: { start: number; end: number }, pinned: readonly number[], count: number): number[] {
  const set = new Set<number>();
  for (let i = range.start; i < range.end; i++) set.add(i);
  for (const i of pinned) if (i >= 0 && i < count) set.add(i);
  return [...set].sort((a, b) => a - b);
}
