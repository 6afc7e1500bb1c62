/**
 * The one error shape the UI handles: what Rust sends as `IpcError {kind, message}`, or a
 * plain-words stand-in for anything else that went wrong on the way (a broken bridge, a
 * programming error). Kept free of the IPC bridge so tests can use it as is; the kinds come
 * from Rust (`ErrorKind`) through the generated bindings.
 */
import { ERROR_KINDS, type ErrorKind } from './rules';

export type FailureKind = ErrorKind;

const KINDS: readonly FailureKind[] = ERROR_KINDS;

export class IpcFailure extends Error {
  readonly kind: FailureKind;
  /** What support staff need beside the sentence ("HTTP 502 Bad Gateway"), shown under Details. */
  readonly details: string | null;

  constructor(kind: FailureKind, message: string, details: string | null = null) {
    super(message);
    this.name = 'IpcFailure';
    this.kind = kind;
    this.details = details;
  }
}

export const FALLBACK_MESSAGE = 'Something went wrong inside AuthDeck. Try again in a moment.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Turns anything thrown or rejected into an {@link IpcFailure} with a plain message. */
export function toFailure(error: unknown): IpcFailure {
  if (error instanceof IpcFailure) return error;
  if (isRecord(error) && typeof error.message === 'string' && error.message.trim() !== '') {
    const kind =
      typeof error.kind === 'string' && (KINDS as readonly string[]).includes(error.kind)
        ? (error.kind as FailureKind)
        : 'other';
    // An `Error` thrown by the bridge itself is technical; IpcError messages are plain.
    if (error instanceof Error) return new IpcFailure('other', FALLBACK_MESSAGE);
    const details = typeof error.details === 'string' && error.details.trim() !== '' ? error.details.trim() : null;
    return new IpcFailure(kind, error.message, details);
  }
  // The bridge rejects with a bare string for its own refusals (e.g. a missing permission):
  // keep it for support staff, after a plain sentence.
  if (typeof error === 'string' && error.trim() !== '') {
    return new IpcFailure('other', `${FALLBACK_MESSAGE} (${error.trim()})`);
  }
  return new IpcFailure('other', FALLBACK_MESSAGE);
}
