/**
 * "Connect account": choose a provider (or add one), then wait for the browser, with a
 * paste-the-address fallback. Also used by "Reconnect". The state and its rules are the pure
 * machine in machine.ts; this class performs its effects (IPC, the dialog) and renders each
 * screen with its own function (chooser.ts, addForm.ts, waiting.ts).
 */
import { button, h, replaceChildren } from '../../dom';
import type { IpcFailure } from '../../errors';
import { icons } from '../../icons';
import { ipc } from '../../ipc';
import type { AccountView, CallbackHandled, DeviceStarted, LoginFinished, LoginStarted, PresetView, ProviderOffer, ProviderView } from '../../ipc';
import { whoIs } from '../../logic/accounts';
import { sortProviders } from '../../logic/providers';
import { focusFirst, openDialog, type Dialog } from '../dialog';
import { renderAddForm } from './addForm';
import { renderChooser, showStarting, type ChooserView } from './chooser';
import { renderDeviceCode } from './deviceCode';
import { footer } from './fields';
import { initial, isOver, next, type ConnectEvent, type ConnectState, type ProviderRef } from './machine';
import { renderOffer } from './offer';
import { renderFailed, renderWaiting, type ShowPasteError } from './waiting';

export interface ConnectDeps {
  /** A sign-in finished with this account (the dialog has closed). */
  onConnected: (account: AccountView) => void;
  /** Any failure, so the app can notice e.g. a missing keychain. */
  onFailure?: (failure: IpcFailure) => void;
  /** How many accounts use a provider (for the remove warning). */
  accountsUsing: (provider: string) => number;
  fallbackFocus: () => HTMLElement | null;
}

export class ConnectFlow {
  readonly dialog: Dialog;
  private state: ConnectState;
  private providers: ProviderView[] = [];
  private presets: PresetView[] = [];
  private showPasteError: ShowPasteError | null = null;
  /** The last sign-in asked for was with a code (Try again asks for a new code). */
  private device = false;
  private whenClosed: (() => void) | null = null;

  private constructor(private readonly deps: ConnectDeps, title: string, state: ConnectState) {
    this.state = state;
    this.dialog = openDialog({
      title,
      size: 'md',
      testId: 'connect-dialog',
      fallbackFocus: deps.fallbackFocus,
      onClose: () => {
        this.dispatch({ type: 'closed' });
        this.whenClosed?.();
      },
    });
  }

  /** The "Connect account" button. */
  static choose(deps: ConnectDeps): ConnectFlow {
    const flow = new ConnectFlow(deps, 'Connect an account', initial());
    void flow.loadAndChoose();
    return flow;
  }

  /** "Reconnect" on an account whose sign-in ended. */
  static reconnect(deps: ConnectDeps, account: AccountView): ConnectFlow {
    const title = `Reconnect ${whoIs(account)}`;
    const provider = { name: account.provider, label: account.provider_label };
    const flow = new ConnectFlow(deps, title, initial({ id: account.id, title, provider }));
    // The providers first, so that the waiting screen can offer a code where there is one.
    void ipc.listProviders().then(
      (providers) => { flow.providers = providers; },
      () => undefined,
    ).then(() => flow.start(provider, () => ipc.reconnectAccount(account.id)));
    return flow;
  }

  /**
   * A provider that arrived by link or file: confirm first. "Add and connect" adds it and
   * starts its sign-in; "Cancel" (or closing) adds nothing.
   */
  static offer(deps: ConnectDeps, offer: ProviderOffer): ConnectFlow {
    const flow = new ConnectFlow(deps, `Add ${offer.label}?`, initial());
    let decided = false;
    const decline = () => {
      if (decided) return;
      decided = true;
      void ipc.declineProviderOffer(offer.id).catch(() => undefined);
    };
    flow.whenClosed = decline;
    flow.dispatch({ type: 'choose' });
    renderOffer(flow.dialog.body, offer, {
      accept: (trigger) => {
        if (decided) return;
        decided = true;
        showStarting(flow.dialog.body, trigger);
        void flow.start({ name: offer.name, label: offer.label }, () => ipc.acceptProviderOffer(offer.id));
      },
      cancel: () => {
        decline();
        flow.dialog.close();
      },
    });
    return flow;
  }

  get closed(): boolean {
    return this.dialog.closed;
  }

  get waitingHandle(): string | null {
    return this.state.screen === 'waiting' ? this.state.handle : null;
  }

  // ----- events from the app -----

  /** Returns true when the event was for this sign-in. */
  handleLoginFinished(event: LoginFinished): boolean {
    return this.dispatch({ type: 'loginFinished', event });
  }

  /**
   * A sign-in answer arrived by deep link while this dialog is open. Errors are shown here
   * (and waiting goes on); returns true when shown, so the app skips its toast.
   */
  handleCallbackHandled(event: CallbackHandled): boolean {
    if (this.state.screen !== 'waiting' || event.error === null) return false;
    this.showPasteError?.(event.error.message);
    return true;
  }

  // ----- the machine -----

  /** Applies `event` and performs its effect; returns whether it was for this flow. */
  private dispatch(event: ConnectEvent): boolean {
    const step = next(this.state, event);
    this.state = step.state;
    const effect = step.effect;
    if (effect.type === 'cancel') {
      void ipc.cancelLogin(effect.handle).catch(() => undefined);
    } else if (effect.type === 'connected') {
      this.dispatch({ type: 'succeeded' });
      this.dialog.close();
      this.deps.onConnected(effect.account);
    } else if (effect.type === 'fail') {
      this.fail(effect.message);
    }
    return step.handled;
  }

  private readonly onFailure = (failure: IpcFailure): void => {
    this.deps.onFailure?.(failure);
  };

  // ----- screens -----

  private async loadAndChoose(focusProvider?: string, note?: string): Promise<void> {
    this.dispatch({ type: 'load' });
    this.dialog.setTitle('Connect an account');
    replaceChildren(this.dialog.body, h('p', { class: 'muted loading' }, [icons.spinner(), ' Loading providers…']));
    try {
      const [providers, presets] = await Promise.all([ipc.listProviders(), this.loadPresets()]);
      this.providers = sortProviders(providers);
      this.presets = presets;
    } catch (error) {
      const failure = ipc.toFailure(error);
      this.onFailure(failure);
      replaceChildren(this.dialog.body, [
        h('p', { class: 'form-error', role: 'alert' }, failure.message),
        footer([button('Close', () => { this.dialog.close(); })]),
      ]);
      focusFirst(this.dialog.body);
      return;
    }
    if (this.dialog.closed) return;
    if (this.providers.length === 0) {
      this.showAddForm(true);
      return;
    }
    this.showChooser({ providers: this.providers, focusProvider, note });
  }

  private async loadPresets(): Promise<PresetView[]> {
    if (this.presets.length > 0) return this.presets;
    return ipc.listPresets();
  }

  private showChooser(view: ChooserView): void {
    this.dispatch({ type: 'choose' });
    this.dialog.setTitle('Connect an account', 'Choose where your account is. AuthDeck opens your browser so you can sign in there.');
    renderChooser(this.dialog.body, view, {
      choose: (provider, trigger) => {
        if (this.state.screen !== 'choose') return;
        const ref = { name: provider.name, label: provider.label };
        void this.start(ref, () => ipc.startLogin(provider.name), trigger);
      },
      chooseDevice: (provider, trigger) => {
        if (this.state.screen !== 'choose') return;
        void this.startDevice({ name: provider.name, label: provider.label }, trigger);
      },
      add: () => { this.showAddForm(false); },
      cancel: () => { this.dialog.close(); },
      accountsUsing: this.deps.accountsUsing,
      removed: (provider) => void this.loadAndChoose(undefined, `Removed ${provider.label}.`),
      keep: (provider) => { this.showChooser({ providers: this.providers, focusProvider: provider.name }); },
      onFailure: this.onFailure,
    });
  }

  private showAddForm(first: boolean): void {
    this.dispatch({ type: 'add' });
    this.dialog.setTitle(
      'Add a provider',
      first
        ? 'First, tell AuthDeck about the service you sign in to. You get these details when you register AuthDeck as an app with it.'
        : 'You get these details when you register AuthDeck as an app with the provider.',
    );
    renderAddForm(this.dialog.body, { presets: this.presets, providers: this.providers }, {
      back: () => { this.showChooser({ providers: this.providers }); },
      cancel: () => { this.dialog.close(); },
      added: (added) => void this.loadAndChoose(added.name, `Added ${added.label}. Choose it to connect an account.`),
      onFailure: this.onFailure,
      isClosed: () => this.dialog.closed,
    });
  }

  private start(provider: ProviderRef, call: () => Promise<LoginStarted>, trigger?: HTMLButtonElement): Promise<void> {
    this.device = false;
    return this.begin(provider, call, (s) => { this.showWaiting(s); }, (s) => s.ticket.handle, ' Opening your browser…', trigger);
  }

  /** "Sign in with a code": the same wait, with the code screen instead of the browser's. */
  private startDevice(provider: ProviderRef, trigger?: HTMLButtonElement): Promise<void> {
    this.device = true;
    return this.begin(provider, () => ipc.startDeviceLogin(provider.name), (s) => { this.showDeviceCode(s); }, (s) => s.code.handle, ' Asking for a code…', trigger);
  }

  private async begin<T>(
    provider: ProviderRef,
    call: () => Promise<T>,
    show: (started: T) => void,
    handleOf: (started: T) => string,
    busy: string,
    trigger?: HTMLButtonElement,
  ): Promise<void> {
    this.dispatch({ type: 'start', provider });
    if (trigger !== undefined) {
      showStarting(this.dialog.body, trigger);
    } else {
      replaceChildren(this.dialog.body, h('p', { class: 'muted loading' }, [icons.spinner(), busy]));
    }
    let started: T;
    try {
      started = await call();
    } catch (error) {
      const failure = ipc.toFailure(error);
      this.onFailure(failure);
      if (this.dialog.closed) return;
      if (trigger !== undefined) this.showChooser({ providers: this.providers, focusProvider: provider.name, error: failure.message });
      else this.fail(failure.message);
      return;
    }
    if (!isOver(this.state)) show(started);
    // Closed while starting: the machine cancels the sign-in just begun.
    this.dispatch({ type: 'started', handle: handleOf(started) });
  }

  private showDeviceCode(started: DeviceStarted): void {
    const who = this.state.provider?.label ?? 'your provider';
    this.dialog.setTitle(this.state.reconnect?.title ?? 'Sign in with a code');
    renderDeviceCode(this.dialog.body, started, who, {
      cancel: () => { this.dialog.close(); },
      onFailure: this.onFailure,
    });
  }

  private showWaiting(started: LoginStarted): void {
    const who = this.state.provider?.label ?? 'your provider';
    this.dialog.setTitle(this.state.reconnect?.title ?? `Sign in with ${who}`);
    this.showPasteError = renderWaiting(this.dialog.body, started, who, {
      connected: (account) => { this.dispatch({ type: 'loginFinished', event: { handle: started.ticket.handle, account, error: null } }); },
      cancel: () => { this.dialog.close(); },
      onFailure: this.onFailure,
      isOver: () => isOver(this.state) || this.dialog.closed,
      device: this.offersDevice() ? () => { this.switchToDevice(started.ticket.handle); } : undefined,
      codeFirst: this.codeFirst(),
    });
  }

  /** Whether the provider being signed in with offers sign-in with a code. */
  private offersDevice(): boolean {
    const name = this.state.provider?.name;
    return this.providers.some((p) => p.name === name && p.device_sign_in);
  }

  /** Whether Rust found that the browser's answer cannot come back for this provider. */
  private codeFirst(): boolean {
    const name = this.state.provider?.name;
    return this.providers.some((p) => p.name === name && p.code_first);
  }

  /** The browser's answer cannot come back: drop that sign-in and ask for a code instead. */
  private switchToDevice(handle: string): void {
    const provider = this.state.provider;
    if (provider === null || this.state.handle !== handle) return;
    void ipc.cancelLogin(handle).catch(() => undefined);
    void this.startDevice(provider);
  }

  private fail(message: string): void {
    if (isOver(this.state) || this.dialog.closed) return;
    this.dispatch({ type: 'failed' });
    renderFailed(this.dialog.body, message, {
      retry: () => {
        const { reconnect, provider } = this.state;
        if (reconnect !== null) void this.start(provider ?? { name: '', label: '' }, () => ipc.reconnectAccount(reconnect.id));
        else if (provider !== null && this.device) void this.startDevice(provider);
        else if (provider !== null) void this.start(provider, () => ipc.startLogin(provider.name));
      },
      close: () => { this.dialog.close(); },
    });
  }
}
