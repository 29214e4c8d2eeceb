import { HostConflictSchema, type HostConflict, type SshAlias } from '../../../shared/ipc/calls/hosts';
import type { AppError } from '../../../shared/ipc/result';
import type { HostConfig, JumpHost } from '../../../shared/model/host';
import type { HostPatch, NewHost } from './mutations';
import { i18n } from '../../i18n/instance';

// The host form (add and edit) as plain strings (what inputs hold), with the
// checks we can make before asking the core. The core validates again with
// the contract schema; its VALIDATION issues are mapped back onto fields.

export interface HostDraft {
  transport: 'ssh' | 'local';
  name: string;
  hostname: string;
  port: string;
  user: string;
  /** One path per line. */
  identity: string;
  /** ProxyJump as ssh -J takes it: `user@host:port`, comma separated. */
  jumps: string;
  /** ssh_config Host alias this host follows ('' = none). */
  sshAlias: string;
  libvirtPath: 'system' | 'session';
  socketPath: string;
  group: string;
  tags: string;
  autoConnect: boolean;
}
/** The fields a person types into (errors attach to these). */
export type DraftField = 'name' | 'hostname' | 'port' | 'user' | 'identity' | 'jumps' | 'socketPath' | 'group' | 'tags';
export type FieldErrors = Partial<Record<DraftField | 'form', string>>;

export const DEFAULT_SOCKET = '/var/run/libvirt/libvirt-sock';

export const EMPTY_DRAFT: HostDraft = {
  transport: 'ssh',
  name: '',
  hostname: '',
  port: '22',
  user: 'root',
  identity: '',
  jumps: '',
  sshAlias: '',
  libvirtPath: 'system',
  socketPath: DEFAULT_SOCKET,
  group: '',
  tags: '',
  autoConnect: true,
};

/** Where focus goes on a failed submit: the first field in reading order. */
export const FIELD_ORDER: DraftField[] = ['hostname', 'port', 'user', 'socketPath', 'name', 'jumps', 'identity', 'group', 'tags'];

// Same rules as the contract (shared/model/host.ts); kept here as messages a person reads.
const HOSTNAME = /^[A-Za-z0-9._:\-[\]%]+$/;
const USER = /^[A-Za-z0-9._][A-Za-z0-9._-]*$/;

const lines = (s: string) =>
  s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
const tagList = (s: string) => [...new Set(s.split(',').map((t) => t.trim()).filter(Boolean))];

/**
 * `user@host:port` hops as `ssh -J` writes them; IPv6 in brackets
 * (`root@[fe80::1]:22`). A hop without a user logs in as `defaultUser`.
 */
export function parseJumps(text: string, defaultUser: string): { hops: JumpHost[]; error?: string } {
  const hops: JumpHost[] = [];
  for (const raw of text.split(/[,\n]/).map((x) => x.trim()).filter(Boolean)) {
    const m = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s]+)(?::(\d+))?$/.exec(raw);
    const user = m?.[1] ?? defaultUser;
    const hostname = m?.[2]?.replace(/^\[(.*)\]$/, '$1') ?? '';
    const port = m?.[3] === undefined ? 22 : Number(m[3]);
    if (!m || !HOSTNAME.test(hostname)) return { hops, error: i18n.t('hosts:valid.jumpFormat', { raw }) };
    if (!USER.test(user) || user.length > 64) return { hops, error: i18n.t('hosts:valid.jumpUser', { raw }) };
    if (port < 1 || port > 65535) return { hops, error: i18n.t('hosts:valid.jumpPort', { raw }) };
    hops.push({ hostname, port, user });
  }
  if (hops.length > 8) return { hops, error: i18n.t('hosts:valid.jumpMax') };
  return { hops };
}

export const jumpsText = (hops: readonly JumpHost[]) =>
  hops.map((j) => `${j.user}@${j.hostname.includes(':') ? `[${j.hostname}]` : j.hostname}${j.port === 22 ? '' : `:${j.port}`}`).join(', ');

export function validateDraft(d: HostDraft): FieldErrors {
  const e: FieldErrors = {};
  if (d.transport === 'ssh') {
    const host = d.hostname.trim();
    if (!host) e.hostname = i18n.t('hosts:valid.hostEmpty');
    else if (host.length > 253 || !HOSTNAME.test(host)) e.hostname = i18n.t('hosts:valid.hostChars');
    const port = Number(d.port.trim());
    if (!/^\d+$/.test(d.port.trim()) || port < 1 || port > 65535) e.port = i18n.t('hosts:valid.port');
    const user = d.user.trim();
    if (!user) e.user = i18n.t('hosts:valid.userEmpty');
    else if (user.length > 64 || !USER.test(user)) e.user = i18n.t('hosts:valid.userChars');
    const jumps = parseJumps(d.jumps, user || 'root');
    if (jumps.error) e.jumps = jumps.error;
    if (lines(d.identity).length > 16) e.identity = i18n.t('hosts:valid.identityMax');
  } else {
    const sock = d.socketPath.trim();
    if (d.libvirtPath === 'system' && !sock.startsWith('/')) e.socketPath = i18n.t('hosts:valid.socketAbs');
    else if (sock.length > 4096) e.socketPath = i18n.t('hosts:valid.maxChars', { n: 4096 });
  }
  const shownName = d.name.trim() || (d.transport === 'ssh' ? d.hostname.trim() : 'This machine');
  if (shownName.length > 120) e.name = i18n.t('hosts:valid.maxChars', { n: 120 });
  if (d.group.trim().length > 120) e.group = i18n.t('hosts:valid.maxChars', { n: 120 });
  const tags = tagList(d.tags);
  if (tags.length > 50) e.tags = i18n.t('hosts:valid.tagsMax');
  else if (tags.some((t) => t.length > 60)) e.tags = i18n.t('hosts:valid.tagLength');
  return e;
}

function draftTarget(d: HostDraft): NewHost['target'] {
  if (d.transport === 'local') {
    return { transport: 'local', socketPath: d.socketPath.trim() || DEFAULT_SOCKET, libvirtPath: d.libvirtPath };
  }
  const user = d.user.trim();
  return {
    transport: 'ssh',
    hostname: d.hostname.trim(),
    port: Number(d.port.trim()),
    user,
    identityFiles: lines(d.identity),
    jumpHosts: parseJumps(d.jumps, user).hops,
    libvirtPath: d.libvirtPath,
    ...(d.sshAlias ? { sshAlias: d.sshAlias } : {}),
  };
}

const defaultName = (d: HostDraft) => d.name.trim() || (d.transport === 'ssh' ? d.sshAlias || d.hostname.trim() : 'This machine');

export function draftToNewHost(d: HostDraft): NewHost {
  const group = d.group.trim();
  return {
    // The name defaults to what was dialled, so a quick add needs one field.
    name: defaultName(d),
    target: draftTarget(d),
    ...(group ? { group } : {}),
    tags: tagList(d.tags),
    autoConnect: d.autoConnect,
  };
}

/** Every setting, for hosts.update; an empty group clears it. */
export function draftToPatch(d: HostDraft): HostPatch {
  return { name: defaultName(d), target: draftTarget(d), group: d.group.trim(), tags: tagList(d.tags), autoConnect: d.autoConnect };
}

/** The edit form's starting point: what the host has now. */
export function configToDraft(c: HostConfig): HostDraft {
  const base = { ...EMPTY_DRAFT, name: c.name, group: c.group ?? '', tags: c.tags.join(', '), autoConnect: c.autoConnect, libvirtPath: c.target.libvirtPath };
  const t = c.target;
  if (t.transport === 'local') return { ...base, transport: 'local', socketPath: t.socketPath };
  return {
    ...base,
    hostname: t.hostname,
    port: String(t.port),
    user: t.user,
    identity: t.identityFiles.join('\n'),
    jumps: jumpsText(t.jumpHosts),
    sshAlias: t.sshAlias ?? '',
  };
}

/** Fills the form from a parsed URI, keeping what the user typed where the URI says nothing. */
export function newHostToDraft(h: NewHost, prev: HostDraft): HostDraft {
  const t = h.target;
  if (t.transport !== 'ssh') return { ...prev, transport: 'local', name: h.name, libvirtPath: t.libvirtPath ?? 'system', socketPath: t.socketPath ?? prev.socketPath };
  return {
    ...prev,
    transport: 'ssh',
    name: h.name || prev.name,
    hostname: t.hostname,
    port: String(t.port ?? 22),
    user: t.user ?? prev.user,
    identity: t.identityFiles?.length ? t.identityFiles.join('\n') : prev.identity,
    sshAlias: t.sshAlias ?? '',
    libvirtPath: t.libvirtPath ?? prev.libvirtPath,
    group: h.group ?? prev.group,
    tags: h.tags?.length ? h.tags.join(', ') : prev.tags,
  };
}

/**
 * Follows an ssh_config alias: address, port and user shown as the config
 * resolves them now (the core re-reads the config at every connect; these are
 * the fallbacks). Its ProxyJump comes from the config, so typed jumps go.
 */
export function aliasToDraft(a: SshAlias, prev: HostDraft): HostDraft {
  return {
    ...prev,
    transport: 'ssh',
    sshAlias: a.alias,
    hostname: a.hostname,
    port: String(a.port),
    user: a.user ?? prev.user,
    jumps: '',
    name: prev.name.trim() && prev.name !== prev.sshAlias ? prev.name : a.alias,
  };
}

const PATH_TO_FIELD: Record<string, DraftField> = {
  name: 'name',
  'target.hostname': 'hostname',
  'target.port': 'port',
  'target.user': 'user',
  'target.identityFiles': 'identity',
  'target.jumpHosts': 'jumps',
  'target.socketPath': 'socketPath',
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
    // hosts.update nests the draft under `patch`.
    for (const i of issues) put((Array.isArray(i.path) ? i.path.join('.') : '').replace(/^patch\./, ''), String(i.message ?? 'invalid'));
    return out;
  }
  // "hosts.add: target.port: Too big; name: Required"
  const body = error.message.replace(/^[a-z]+\.[A-Za-z]+:\s*/, '');
  for (const part of body.split('; ')) {
    const m = /^([\w.]+): (.*)$/.exec(part);
    if (m) put(m[1]!.replace(/^patch\./, ''), m[2]!);
    else out.form = out.form ? `${out.form}; ${part}` : part;
  }
  return out;
}

/** The existing entry a CONFLICT names, when the core refused a second entry for one host. */
export function conflictOf(error: AppError): HostConflict | undefined {
  return error.code === 'CONFLICT' ? HostConflictSchema.safeParse(error.detail).data : undefined;
}
