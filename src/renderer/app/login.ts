import { ACCESS_PATH, LOGIN_PATH } from '../../shared/ipc/access';
import { AccessModeSchema, LoginAnswerSchema } from '../../shared/model/account';

// serve's two public routes for team accounts (docs/access.md). The session
// credential that sign-in answers goes where the access token goes
// (sessionStorage, the WebSocket subprotocol), never into a cookie.

export type SignInResult = { ok: true; token: string } | { ok: false; message: string; retryAfterMs?: number };

export async function signIn(name: string, password: string, fetchFn: typeof fetch = fetch): Promise<SignInResult> {
  let r: Response;
  try {
    r = await fetchFn(LOGIN_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }), cache: 'no-store' });
  } catch {
    return { ok: false, message: 'VirtDeck is not reachable. Check that serve is running, then try again.' };
  }
  const body = (await r.json().catch(() => ({}))) as { message?: string; retryAfterMs?: number };
  if (r.ok) {
    const answer = LoginAnswerSchema.safeParse(body);
    return answer.success ? { ok: true, token: answer.data.token } : { ok: false, message: 'VirtDeck answered something unexpected.' };
  }
  const retryAfterMs = body.retryAfterMs ?? (r.headers.get('retry-after') ? Number(r.headers.get('retry-after')) * 1000 : undefined);
  return { ok: false, message: body.message ?? `Sign-in failed (HTTP ${r.status}).`, ...(retryAfterMs ? { retryAfterMs } : {}) };
}

/** How this serve lets people in; 'unknown' when it can't be asked (the page then offers the token form). */
export async function accessMode(fetchFn: typeof fetch = fetch): Promise<'token' | 'accounts' | 'unknown'> {
  try {
    const r = await fetchFn(ACCESS_PATH, { cache: 'no-store' });
    const parsed = AccessModeSchema.safeParse(await r.json());
    return parsed.success ? parsed.data.mode : 'unknown';
  } catch {
    return 'unknown';
  }
}
