/**
 * The only module that talks to the Rust side. Every command resolves to its data or throws
 * an {@link IpcFailure} `{kind, message}`; every event has a `on…` helper that returns a
 * function to stop listening. Views import this module, never `bindings.ts`.
 */
import { commands, events } from './bindings';
import type {
  AccountDetails,
  AccountView,
  AppStatus,
  CallbackHandled,
  ClipboardCleared,
  CopyReceipt,
  DisconnectReport,
  IpcError,
  LoginFinished,
  LoginStarted,
  PresetView,
  ProviderInput,
  ProviderView,
  RefreshState,
} from './bindings';
import { IpcFailure, toFailure } from './errors';

export type {
  AccountDetails,
  AccountView,
  ActivityEntry,
  ActivityKind,
  AppStatus,
  CallbackHandled,
  ClipboardCleared,
  CopyReceipt,
  DisconnectReport,
  EndpointsView,
  Inspection,
  IpcError,
  LoginFinished,
  LoginStarted,
  LoginTicket,
  PresetView,
  ProviderInput,
  ProviderView,
  RefreshState,
  Status,
  TokenShape,
  Value,
} from './bindings';
export { IpcFailure, toFailure } from './errors';
export type { FailureKind } from './errors';

type Result<T> = { status: 'ok'; data: T } | { status: 'error'; error: IpcError };

async function unwrap<T>(call: () => Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call();
  } catch (error) {
    throw toFailure(error);
  }
  if (result.status === 'ok') return result.data;
  throw new IpcFailure(result.error.kind, result.error.message);
}

async function direct<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toFailure(error);
  }
}

export const listAccounts = (): Promise<AccountView[]> => unwrap(() => commands.listAccounts());
export const accountDetails = (id: string): Promise<AccountDetails> =>
  unwrap(() => commands.accountDetails(id));
export const refreshAccount = (id: string): Promise<AccountView | null> =>
  unwrap(() => commands.refreshAccount(id));
export const setAutoRefresh = (id: string, on: boolean): Promise<AccountView> =>
  unwrap(() => commands.setAutoRefresh(id, on));
export const disconnectAccount = (id: string): Promise<DisconnectReport> =>
  unwrap(() => commands.disconnectAccount(id));
export const appStatus = (): Promise<AppStatus> => unwrap(() => commands.appStatus());
export const exportDiagnostics = (): Promise<string> => unwrap(() => commands.exportDiagnostics());
export const uiReady = (): Promise<void> => direct(() => commands.uiReady());
export const listProviders = (): Promise<ProviderView[]> => unwrap(() => commands.listProviders());
export const listPresets = (): Promise<PresetView[]> => direct(() => commands.listPresets());
export const addProvider = (input: ProviderInput, clientSecret: string | null): Promise<ProviderView> =>
  unwrap(() => commands.addProvider(input, clientSecret));
export const removeProvider = (name: string): Promise<null> =>
  unwrap(() => commands.removeProvider(name));
export const startLogin = (provider: string): Promise<LoginStarted> =>
  unwrap(() => commands.startLogin(provider));
export const reconnectAccount = (id: string): Promise<LoginStarted> =>
  unwrap(() => commands.reconnectAccount(id));
export const cancelLogin = (handle: string): Promise<null> =>
  unwrap(() => commands.cancelLogin(handle));
export const reopenLogin = (handle: string): Promise<null> =>
  unwrap(() => commands.reopenLogin(handle));
export const submitCallback = (url: string): Promise<AccountView> =>
  unwrap(() => commands.submitCallback(url));
export const copyToken = (id: string): Promise<CopyReceipt> => unwrap(() => commands.copyToken(id));
/** The only call that returns a token value. Use it behind an explicit "Reveal" only. */
export const revealToken = (id: string): Promise<string> => unwrap(() => commands.revealToken(id));

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

export const onAccountsChanged = (cb: () => void): Unlisten =>
  subscribe(events.accountsChanged, () => {
    cb();
  });
export const onCallbackHandled = (cb: (payload: CallbackHandled) => void): Unlisten =>
  subscribe(events.callbackHandled, cb);
export const onClipboardCleared = (cb: (payload: ClipboardCleared) => void): Unlisten =>
  subscribe(events.clipboardCleared, cb);
export const onLoginFinished = (cb: (payload: LoginFinished) => void): Unlisten =>
  subscribe(events.loginFinished, cb);
export const onRefreshState = (cb: (payload: RefreshState) => void): Unlisten =>
  subscribe(events.refreshState, cb);
