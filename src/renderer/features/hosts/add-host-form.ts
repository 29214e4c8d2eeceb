import type { AppError } from '../../../shared/ipc/result';
import type { NewHost } from './mutations';

// The add-host form as plain strings (what inputs hold), with the checks we
// can make before asking the core. The core validates again with the contract
// schema; its VALIDATION issues are mapped back onto these fields.

export interface HostDraft {
  name: string;
  hostname: string;
  port: string;
  user: string;
  /** One path per line. */
  identity: string;
  group: string;
  tags: string;
}
export type DraftField = keyof HostDraft;
export type FieldErrors = Partial<Record<DraftField | 'form', string>>;

export const EMPTY_DRAFT: HostDraft = { name: '', hostname: '', port: '22', user: 'root', identity: '', group: '', tags: '' };

// Same rules as the contract (shared/model/host.ts); kept here as messages a person reads.
const HOSTNAME = /^[A-Za-z0-9._:\-[\]%]+$/;
const USER = /^[A-Za-z0-9._][A-Za-z0-9._-]*$/;

const lines = (s: string) =>
  s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
const tagList = (s: string) => [...new Set(s.split(',').map((t) => t.trim()).filter(Boolean))];

export function validateDraft(d: HostDraft): FieldErrors {
  const e: FieldErrors = {};
  const host = d.hostname.trim();
  if (!host) e.hostname = 'Enter a host name or IP address.';
  else if (host.length > 253 || !HOSTNAME.test(host)) e.hostname = 'Only letters, digits, dots, dashes and colons (IPv6) are allowed.';
  const port = Number(d.port.trim());
  if (!/^\d+$/.test(d.port.trim()) || port < 1 || port > 65535) e.port = 'Port must be a number from 1 to 65535.';
  const user = d.user.trim();
  if (!user) e.user = 'Enter the SSH user (often root).';
  else if (user.length > 64 || !USER.test(user)) e.user = 'Letters, digits, dot, dash and underscore only; may not start with a dash.';
  if ((d.name.trim() || host).length > 120) e.name = 'At most 120 characters.';
  if (d.group.trim().length > 120) e.group = 'At most 120 characters.';
  const ids = lines(d.identity);
  if (ids.length > 16) e.identity = 'At most 16 key files.';
  const tags = tagList(d.tags);
  if (tags.length > 50) e.tags = 'At most 50 tags.';
  else if (tags.some((t) => t.length > 60)) e.tags = 'Each tag may have at most 60 characters.';
  return e;
}

export function draftToNewHost(d: HostDraft): NewHost {
  const hostname = d.hostname.trim();
  const group = d.group.trim();
  return {
    // The name defaults to what was dialled, so a quick add needs one field.
    name: d.name.trim() || hostname,
    target: { transport: 'ssh', hostname, port: Number(d.port.trim()), user: d.user.trim(), identityFiles: lines(d.identity) },
    ...(group ? { group } : {}),
    tags: tagList(d.tags),
    autoConnect: true,
  };
}

/** Fills the form from a parsed URI, keeping what the user typed where the URI says nothing. */
export function newHostToDraft(h: NewHost, prev: HostDraft): HostDraft {
  const t = h.target;
  if (t.transport !== 'ssh') return { ...prev, name: h.name };
  return {
    name: h.name || prev.name,
    hostname: t.hostname,
    port: String(t.port ?? 22),
    user: t.user ?? prev.user,
    identity: t.identityFiles?.length ? t.identityFiles.join('\n') : prev.identity,
    group: h.group ?? prev.group,
    tags: h.tags?.length ? h.tags.join(', ') : prev.tags,
  };
}

const PATH_TO_FIELD: Record<string, DraftField> = {
  name: 'name',
  'target.hostname': 'hostname',
  'target.port': 'port',
  'target.user': 'user',
  'target.identityFiles': 'identity',
  group: 'group',
  tags: 'tags',
};

/** Maps a core error onto form fields: zod issues in `detail` when present, else the message's "path: text" parts. */
export function fieldErrorsFromApi(error: AppError): FieldErrors {
  if (error.code !== 'VALIDATION') return { form: error.message };
  const out: FieldErrors = {};
  const put = (path: string, msg: string) => {
    const field = PATH_TO_FIELD[path] ?? PATH_TO_FIELD[path.split('.').slice(0, 2).join('.')] ?? PATH_TO_FIELD[path.split('.')[0] ?? ''];
    if (field) out[field] ??= msg;
    else out.form = out.form ? `${out.form}; ${path}: ${msg}` : `${path}: ${msg}`;
  };
  const issues = Array.isArray(error.detail) ? (error.detail as Array<{ path?: unknown; message?: unknown }>) : null;
  if (issues?.length) {
    for (const i of issues) put(Array.isArray(i.path) ? i.path.join('.') : '', String(i.message ?? 'invalid'));
    return out;
  }
  // "hosts.add: target.port: Too big; name: Required"
  const body = error.message.replace(/^[a-z]+\.[A-Za-z]+:\s*/, '');
  for (const part of body.split('; ')) {
    const m = /^([\w.]+): (.*)$/.exec(part);
    if (m) put(m[1]!, m[2]!);
    else out.form = out.form ? `${out.form}; ${part}` : part;
  }
  return out;
}
