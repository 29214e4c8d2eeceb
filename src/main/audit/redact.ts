// What the audit log keeps of a call's arguments: enough to say what was done
// to what, never a secret. Secrets are recognised by field name (the contract
// names them password, passphrase, answers, token…); long text such as XML is
// kept as its size, since a definition belongs in a backup, not a log line.

const SECRET_KEY = /pass(word|phrase)?|secret|token|answers|private|credential|cookie|^key$|keyData|authorization/i;
const MAX_STRING = 160;
const MAX_ITEMS = 20;
const MAX_DEPTH = 5;

export function redactArgs(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (value.length <= MAX_STRING) return value;
    const kind = value.trimStart().startsWith('<') ? 'XML' : 'text';
    return `[${kind}, ${value.length} characters]`;
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return `[${typeof value}]`;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) {
    const out = value.slice(0, MAX_ITEMS).map((v) => redactArgs(v, depth + 1));
    if (value.length > MAX_ITEMS) out.push(`[… ${value.length - MAX_ITEMS} more]`);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) ? (v === undefined || v === null || v === '' ? v : '[redacted]') : redactArgs(v, depth + 1);
  }
  return out;
}

/** The thing a call acted on, for the log's "target" column: VM, pool, volume, network, task, host. */
export function targetOf(args: unknown): string | undefined {
  if (!args || typeof args !== 'object') return undefined;
  const a = args as Record<string, unknown>;
  const pick = (k: string) => (typeof a[k] === 'string' && a[k] ? String(a[k]) : undefined);
  const uuids = Array.isArray(a.uuids) ? (a.uuids as unknown[]).filter((u): u is string => typeof u === 'string') : [];
  return (
    pick('uuid') ??
    (uuids.length ? (uuids.length === 1 ? uuids[0] : `${uuids.length} VMs`) : undefined) ??
    pick('volume') ??
    pick('pool') ??
    pick('network') ??
    pick('name') ??
    pick('taskId') ??
    pick('username')
  );
}
