/**
 * The only module that talks to the Rust side. `ipc` holds every command of the generated
 * bindings, derived from them (a command added in Rust appears here by itself): each
 * resolves to its data or throws an {@link IpcFailure} `{kind, message}`. Every event has an
 * `on…` helper that returns a function to stop listening. Views import this module, never
 * `bindings.ts`.
 */
import { commands, events, FONT_NAME_MAX_LEN, FONT_NAME_PUNCTUATION, START_GLOBAL } from './bindings';
import type { CallbackHandled, ClipboardCleared, IpcError, LinksChecked, LoginFinished, PageStart, ProviderOffered, RefreshState, ShowAccount } from './bindings';
import { IpcFailure, toFailure } from './errors';

export type {
  AccountDetails,
  AccountView,
  ActivityEntry,
  ActivityKind,
  AppStatus,
  BackgroundSettings,
  CallbackHandled,
  ClipboardCleared,
  CopyReceipt,
  DeviceCodeView,
  DeviceStarted,
  DisconnectReport,
  EndpointsView,
  Inspection,
  IpcError,
  LinksChecked,
  LoginFinished,
  LoginStarted,
  LoginTicket,
  PresetView,
  ProviderInput,
  ProviderOffer,
  ProviderOffered,
  ProviderView,
  RefreshState,
  RemoteCheck,
  RemoteMethod,
  RevealGrant,
  ScopeWords,
  ShowAccount,
  Status,
  TokenShape,
  Value,
} from './bindings';
export { IpcFailure, toFailure } from './errors';
export type { FailureKind } from './errors';

type Ok<T> = { status: 'ok'; data: T };
type Err = { status: 'error'; error: IpcError };
/** What a command resolves to once its `Result` (if it has one) is unwrapped. */
type Data<R> = R extends Ok<infer D> ? D : R extends Err ? never : R;
type Unwrapped<F> = F extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<Data<R>> : never;

/** Every IPC command, as the views call it. */
export type Commands = { [K in keyof typeof commands]: Unwrapped<(typeof commands)[K]> };

function isResult(value: unknown): value is Ok<unknown> | Err {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (v.status === 'ok' && 'data' in v) || (v.status === 'error' && 'error' in v);
}

function unwrapped(call: (...args: never[]) => Promise<unknown>) {
  return async (...args: never[]): Promise<unknown> => {
    let result: unknown;
    try {
      result = await call(...args);
    } catch (error) {
      throw toFailure(error);
    }
    if (!isResult(result)) return result;
    if (result.status === 'ok') return result.data;
    throw new IpcFailure(result.error.kind, result.error.message, result.error.details ?? null);
  };
}

function derive(source: Record<string, (...args: never[]) => Promise<unknown>>): Commands {
  return Object.fromEntries(Object.entries(source).map(([name, call]) => [name, unwrapped(call)])) as unknown as Commands;
}

/** Stops listening. Safe to call more than once. */
export type Unlisten = () => void;

type Listenable<T> = {
  listen: (cb: (event: { payload: T }) => void) => Promise<() => void>;
};

function subscribe<T>(event: Listenable<T>, callback: (payload: T) => void): Unlisten {
  let stopped = false;
  let stop: (() => void) | null = null;
  event
    .listen((e) => {
      if (!stopped) callback(e.payload);
    })
    .then(
      (unlisten) => {
        if (stopped) unlisten();
        else stop = unlisten;
      },
      () => {
        // Listening is not possible outside the app window (e.g. a plain browser); the UI
        // still works from explicit fetches.
      },
    );
  return () => {
    if (stopped) return;
    stopped = true;
    stop?.();
  };
}

const eventHelpers = {
  onAccountsChanged: (cb: () => void): Unlisten =>
    subscribe(events.accountsChanged, () => {
      cb();
    }),
  onCallbackHandled: (cb: (payload: CallbackHandled) => void): Unlisten => subscribe(events.callbackHandled, cb),
  onClipboardCleared: (cb: (payload: ClipboardCleared) => void): Unlisten => subscribe(events.clipboardCleared, cb),
  onLinksChecked: (cb: (payload: LinksChecked) => void): Unlisten => subscribe(events.linksChecked, cb),
  onLoginFinished: (cb: (payload: LoginFinished) => void): Unlisten => subscribe(events.loginFinished, cb),
  onProviderOffered: (cb: (payload: ProviderOffered) => void): Unlisten => subscribe(events.providerOffered, cb),
  onRefreshState: (cb: (payload: RefreshState) => void): Unlisten => subscribe(events.refreshState, cb),
  onShowAccount: (cb: (payload: ShowAccount) => void): Unlisten => subscribe(events.showAccount, cb),
};

/** What Rust handed the page, as the page uses it. */
export interface Handed {
  /** The desktop's UI font family (plain: letters, digits, spaces, `-`, `_`), or null. */
  uiFont: string | null;
}

/** A font family name that can go into a CSS font list quoted: Rust's rule, checked again. */
const PLAIN_FONT = new RegExp(`^[A-Za-z0-9${FONT_NAME_PUNCTUATION.replace(/[\\\]^-]/g, '\\$&')}]{1,${FONT_NAME_MAX_LEN}}$`);

/**
 * What Rust handed the page with it (`src-tauri/page_start.rs`), taken once: the desktop's
 * font by name. WebKitGTK resolving only the stylesheet's generic families cost its first
 * frame 20 to 40 ms; a named family ahead of them avoids that.
 */
export function takeHanded(scope: object): Handed {
  const handed: unknown = Reflect.get(scope, START_GLOBAL);
  Reflect.deleteProperty(scope, START_GLOBAL);
  const start = typeof handed === 'object' && handed !== null ? (handed as Partial<Record<keyof PageStart, unknown>>) : {};
  return { uiFont: typeof start.ui_font === 'string' && PLAIN_FONT.test(start.ui_font) ? start.ui_font : null };
}

/** The Rust side: every command (derived from the bindings), the event helpers, the error type. */
export type Ipc = Commands & typeof eventHelpers & { IpcFailure: typeof IpcFailure; toFailure: typeof toFailure };

export const ipc: Ipc = {
  ...derive(commands),
  ...eventHelpers,
  IpcFailure,
  toFailure,
};
