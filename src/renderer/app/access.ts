import type { Dispose } from '../../shared/ipc/api';
import { TOKEN_STORAGE_KEY, isWellFormedToken, tokenFromLink } from '../../shared/ipc/access';

// Where a serve-mode tab keeps its access token (docs/serve-security.md):
// - `serve` prints a link with the token in the fragment (#token=…), which
//   the browser never sends to any server; we move it to sessionStorage and
//   clean it from the address bar (and so from history and bookmarks).
// - sessionStorage is per tab and per origin: it survives a reload, dies with
//   the tab, and no other port (another local web server) can read it.
// - A tab without a token (a console popped out, a new tab) asks the tabs of
//   the same origin over a BroadcastChannel; one that has it answers. Only
//   pages of this origin, i.e. our own, can listen on that channel.

const CHANNEL = 'virtdeck-access';
const ASK_MS = 400;

type Msg = { t: 'want' } | { t: 'token'; token: string };

export interface AccessKeeper {
  token(): string | null;
  keep(token: string): void;
  forget(): void;
  /** Resolves with a token another tab of ours holds, or null after a short wait. */
  askOtherTabs(): Promise<string | null>;
  /** A token arrived in the address bar after load (a second visit to the printed link). */
  onToken(cb: (token: string) => void): Dispose;
}

function safeStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled by policy: the tab then works until it is reloaded
  }
}

/** Takes `#token=…` out of the address bar; returns it when it was a well-formed token. */
export function takeTokenFromAddressBar(): string | null {
  if (!/(^#|&)token=/.test(location.hash)) return null;
  const token = tokenFromLink(location.hash);
  // The token goes from the address bar whatever it was: nothing sensitive stays in history.
  history.replaceState(history.state, '', location.pathname + location.search);
  return token;
}

export function accessKeeper(): AccessKeeper {
  const store = safeStorage();
  let current: string | null = null;
  const fromBar = takeTokenFromAddressBar();
  if (fromBar) {
    current = fromBar;
    store?.setItem(TOKEN_STORAGE_KEY, fromBar);
  } else {
    const stored = store?.getItem(TOKEN_STORAGE_KEY) ?? null;
    current = isWellFormedToken(stored) ? stored : null;
  }
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  channel?.addEventListener('message', (ev: MessageEvent<Msg>) => {
    if (ev.data?.t === 'want' && current) channel.postMessage({ t: 'token', token: current } satisfies Msg);
  });
  return {
    token: () => current,
    keep(token) {
      current = token;
      store?.setItem(TOKEN_STORAGE_KEY, token);
    },
    forget() {
      current = null;
      store?.removeItem(TOKEN_STORAGE_KEY);
    },
    askOtherTabs() {
      if (!channel) return Promise.resolve(null);
      return new Promise((resolve) => {
        const done = (t: string | null) => {
          clearTimeout(timer);
          channel.removeEventListener('message', onMsg);
          resolve(t);
        };
        const onMsg = (ev: MessageEvent<Msg>) => {
          if (ev.data?.t === 'token' && isWellFormedToken(ev.data.token)) done(ev.data.token);
        };
        const timer = setTimeout(() => done(null), ASK_MS);
        channel.addEventListener('message', onMsg);
        channel.postMessage({ t: 'want' } satisfies Msg);
      });
    },
    onToken(cb) {
      const onHash = () => {
        const t = takeTokenFromAddressBar();
        if (t) cb(t);
      };
      window.addEventListener('hashchange', onHash);
      return () => window.removeEventListener('hashchange', onHash);
    },
  };
}
