// Kept apart from electron.ts so the security settings are unit-tested without
// the Electron binary.
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false,
  } as const;
}

/** The app is loaded from file://…/dist/renderer; only those frames may call the core. */
export function trustedUrlCheck(rendererIndexUrl: string): (url: string) => boolean {
  const base = rendererIndexUrl.slice(0, rendererIndexUrl.lastIndexOf('/') + 1);
  return (url) => {
    if (!url.startsWith(base)) return false;
    try {
      // Normalise so file:///app/renderer/../../etc can't pass the prefix test.
      return new URL(url).href.startsWith(base);
    } catch {
      return false;
    }
  };
}

/** Links in the UI open in the system browser, never inside the app window. */
export function isExternalHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Console pages (`#/console/…`, `#/shell/…`) may open in their own app window. */
export function isAppConsoleUrl(url: string, indexUrl: string): boolean {
  if (!url.startsWith(indexUrl + '#/')) return false;
  const route = url.slice(indexUrl.length + 1);
  return /^\/(console|shell)\/[^#?]*$/.test(route) && !route.includes('..');
}
