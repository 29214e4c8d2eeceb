import type { TypedApi, Dispose } from '../../shared/ipc/api';
import type { CallInput, CallName, CallOutput, EventName, EventPayload } from '../../shared/ipc/contract';
import type { AppError, Result } from '../../shared/ipc/result';
import { createBridge, type LinkState } from './transport';

/** An error from the core, kept whole (code, hostId, detail) for the UI. */
export class ApiError extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = 'ApiError';
  }
  get code() {
    return this.error.code;
  }
}

const { bridge, onLink, linkState, accessRefused, authorization, useToken, signOut } = createBridge();

export const api: TypedApi & {
  onLink(l: (s: LinkState) => void): Dispose;
  linkState(): LinkState | 'ipc';
  /** Serve mode: connect with this access token (from the access screen). */
  useToken(token: string): void;
  /** Serve mode: the core refused the token this tab had. */
  accessRefused(): boolean;
  /** Serve mode: forget this tab's credential (signed out); the sign-in form shows. */
  signOut(): void;
  /**
   * Serve mode: the Authorization header value for fetch() to the core's
   * credential-gated HTTP routes (streamed uploads, downloads); null under
   * Electron or without a token. docs/serve-security.md.
   */
  authorization(): string | null;
} = {
  call<K extends CallName>(name: K, input: CallInput<K>) {
    return bridge.invoke(name, input) as Promise<Result<CallOutput<K>>>;
  },
  on<K extends EventName>(name: K, cb: (payload: EventPayload<K>) => void): Dispose {
    return bridge.on((event, payload) => {
      if (event === name) cb(payload as EventPayload<K>);
    });
  },
  onLink(l) {
    return onLink ? onLink(l) : () => {};
  },
  linkState: () => (linkState ? linkState() : 'ipc'),
  useToken: (t) => useToken?.(t),
  accessRefused: () => accessRefused?.() ?? false,
  signOut: () => signOut?.(),
  authorization: () => authorization?.() ?? null,
};

/** For react-query: resolve with the value or throw the typed error. */
export async function request<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> {
  const r = await api.call(name, input);
  if (!r.ok) throw new ApiError(r.error);
  return r.value;
}
