import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostPatchSchema, NewHostSchema, type HostConflict, type SshAlias } from '../../shared/ipc/calls/hosts';
import { AppFailure } from '../../shared/ipc/result';
import { HostConfigSchema, type Host, type HostConfig, type HostState, type HostTarget, type Prompt, type PromptAnswer } from '../../shared/model/host';
import type { EventBus } from '../ipc/bus';
import type { Dispose } from '../util/disposable';
import type { Logger } from '../util/log';
import { HostConnection, type Attachment } from './connection';
import { endpointOf } from './endpoint';
import { uniqueId } from './ids';
import { KnownHosts } from './known-hosts';
import type { Opener } from './link';
import { openLocal } from './local';
import { planHops } from './plan';
import { PromptBroker } from './prompts';
import type { SecretStore } from './secrets';
import { SshConfig } from './ssh-config';
import { defaultAgent } from './ssh/auth';
import type { DialDeps } from './ssh/dial';
import { openSsh } from './ssh/session';
import { loadHosts, saveHosts, type StoredHosts } from './store';
import type { HostTransport } from './transport';
import { parseLibvirtUri, type NewHost } from './uri';

export type { Attachment, AttachmentContext } from './connection';

export interface HostRegistryOptions {
  configDir: string;
  /** Default ~/.ssh/config. */
  sshConfigPath?: string;
  /** All are read; accepted keys go to the first writable. Default ~/.ssh/known_hosts. */
  knownHostsPaths?: string[];
  secretStore: SecretStore;
  bus: EventBus;
  log: Logger;
  /** Default /var/run/libvirt/libvirt-sock; when it exists, "This machine" is offered. */
  localSocketPath?: string;
  /** Home for ~ and default keys (tests). */
  home?: string;
  /** ssh-agent socket; default SSH_AUTH_SOCK. null: never use an agent. */
  agent?: string | null;
  promptTimeoutMs?: number;
  ssh?: Pick<DialDeps, 'connectTimeoutMs' | 'handshakeTimeoutMs' | 'keepaliveIntervalMs' | 'keepaliveCountMax' | 'tcpNoDelay'>;
  attachTimeoutMs?: number;
  /** Another registry of SSH machines (P2V sources) keeps its own list file and events and shares the hosts' prompts. */
  kind?: { fileName: string; idPrefix: string; prompts: PromptBroker; offerLocal: false; announce: { list(c: HostConfig[]): void; state(s: HostState): void } };
}

export const LOCAL_HOST_ID = 'local';

/** Owns the host list (hosts.json), one HostConnection per host, and their prompts. */
export class HostRegistry {
  readonly prompts: PromptBroker;
  /** What was wrong with hosts.json at start, if anything (also logged and notified). */
  loadProblems: string[] = [];
  private readonly file: string;
  private readonly home: string;
  private readonly knownHosts: KnownHosts;
  private readonly hosts = new Map<string, { config: HostConfig; conn: HostConnection }>();
  private removedDefaults: string[] = [];
  private readonly attachments: Attachment[] = [];
  private readonly stateListeners = new Set<(s: HostState) => void>();
  private readonly unsubscribe: Dispose;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly opts: HostRegistryOptions) {
    this.file = path.join(opts.configDir, opts.kind?.fileName ?? 'hosts.json');
    this.home = opts.home ?? os.homedir();
    this.knownHosts = new KnownHosts(opts.knownHostsPaths ?? [path.join(this.home, '.ssh', 'known_hosts')]);
    this.prompts = opts.kind?.prompts ?? new PromptBroker(opts.promptTimeoutMs);
    // A shared broker is announced by its owner.
    this.unsubscribe = opts.kind ? () => {} : this.prompts.onEvent((e) => {
      if (e.type === 'requested') opts.bus.emit('host.promptRequested', e.prompt);
      else opts.bus.emit('host.promptResolved', { promptId: e.promptId });
    });
  }

  /** Loads hosts.json, offers this machine, and connects hosts marked autoConnect. */
  async start(): Promise<void> {
    const { data, problems } = await loadHosts(this.file);
    this.loadProblems = problems;
    if (problems.length) {
      this.opts.log.error(`hosts.json: ${problems.join('; ')}`);
      this.opts.bus.emit('app.notified', {
        id: `hosts-load-${Date.now()}`,
        level: 'error',
        title: 'Some saved hosts could not be read',
        message: problems.join('\n'),
        at: Date.now(),
      });
    }
    this.removedDefaults = data.removedDefaults;
    for (const c of data.hosts) this.track(c);
    this.reportDuplicates();
    const socketPath = this.opts.localSocketPath ?? '/var/run/libvirt/libvirt-sock';
    const local = HostConfigSchema.parse({ id: LOCAL_HOST_ID, name: 'This machine', target: { transport: 'local', socketPath } });
    if (!this.opts.kind && !this.hosts.has(LOCAL_HOST_ID) && !this.removedDefaults.includes(LOCAL_HOST_ID) && !this.duplicateOf(local.target) && existsSync(socketPath)) {
      this.track(local);
      await this.persist();
    }
    this.emitList();
    for (const { config, conn } of this.hosts.values()) if (config.autoConnect) void conn.connect();
  }

  list(): Host[] {
    return [...this.hosts.values()].map(({ config, conn }) => ({ config, state: conn.state }));
  }

  get(hostId: string): Host {
    const h = this.entry(hostId);
    return { config: h.config, state: h.conn.state };
  }

  state(hostId: string): HostState {
    return this.entry(hostId).conn.state;
  }

  async add(draft: unknown): Promise<Host> {
    const d = NewHostSchema.parse(draft);
    this.refuseDuplicate(d.target);
    const config = HostConfigSchema.parse({ ...d, id: uniqueId(this.opts.kind ? `${this.opts.kind.idPrefix} ${d.name}` : d.name, new Set(this.hosts.keys())) });
    if (config.id === LOCAL_HOST_ID) this.removedDefaults = this.removedDefaults.filter((x) => x !== LOCAL_HOST_ID);
    const { conn } = this.track(config);
    await this.persist();
    this.emitList();
    if (config.autoConnect) void conn.connect();
    return { config, state: conn.state };
  }

  async update(hostId: string, patch: unknown): Promise<Host> {
    const h = this.entry(hostId);
    const merged = { ...h.config, ...HostPatchSchema.parse(patch), id: hostId };
    // An emptied group means "no group", not a group named "".
    if (!merged.group?.trim()) delete merged.group;
    const config = HostConfigSchema.parse(merged);
    const targetChanged = JSON.stringify(config.target) !== JSON.stringify(h.config.target);
    if (targetChanged) this.refuseDuplicate(config.target, hostId);
    h.config = config;
    await this.persist();
    if (targetChanged) h.conn.reconfigure(this.opener(config));
    this.emitList();
    return { config, state: h.conn.state };
  }

  /** Marks a host in (or out of) maintenance; placement then never picks it. */
  async setMaintenance(hostId: string, on: boolean): Promise<Host> {
    const h = this.entry(hostId);
    h.config = HostConfigSchema.parse({ ...h.config, maintenance: on || undefined });
    await this.persist();
    this.emitList();
    return { config: h.config, state: h.conn.state };
  }

  async remove(hostId: string): Promise<{ removed: boolean }> {
    const h = this.hosts.get(hostId);
    if (!h) return { removed: false };
    h.conn.dispose();
    this.hosts.delete(hostId);
    if (hostId === LOCAL_HOST_ID && !this.removedDefaults.includes(hostId)) this.removedDefaults.push(hostId);
    await this.persist();
    this.emitList();
    return { removed: true };
  }

  connect(hostId: string): Promise<HostState> {
    return this.entry(hostId).conn.connect();
  }

  disconnect(hostId: string): HostState {
    return this.entry(hostId).conn.disconnect();
  }

  /** A URI as a host draft; a host name that is an ssh_config alias stays an alias. */
  parseUri(uri: string): NewHost {
    const draft = parseLibvirtUri(uri);
    if (draft.target.transport !== 'ssh') return draft;
    const r = this.sshConfig().resolve(draft.target.hostname);
    if (!r.specified.hostname) return draft;
    return { ...draft, target: { ...draft.target, sshAlias: draft.target.hostname, hostname: r.hostname } };
  }

  /** The ssh_config Host aliases (no wildcards), resolved as a connect would resolve them now. */
  sshAliases(): { aliases: SshAlias[]; warnings: string[] } {
    const config = this.sshConfig();
    const aliases = config
      .aliases()
      .slice(0, 1000)
      .map((alias) => {
        const r = config.resolve(alias);
        return {
          alias,
          hostname: r.hostname,
          port: r.port,
          ...(r.user !== undefined ? { user: r.user } : {}),
          proxyJump: r.proxyJump.map((j) => `${j.user ? `${j.user}@` : ''}${j.host}${j.port ? `:${j.port}` : ''}`),
          identityFiles: r.identityFiles,
        };
      });
    return { aliases, warnings: [...config.warnings] };
  }

  listPrompts(): Prompt[] {
    return this.prompts.list();
  }

  answerPrompt(answer: PromptAnswer): { accepted: boolean } {
    return { accepted: this.prompts.answer(answer) };
  }

  /** The live transport; throws NOT_CONNECTED (with the reason) otherwise. */
  transport(hostId: string): HostTransport {
    const h = this.entry(hostId);
    const t = h.conn.transport();
    if (t) return t;
    const s = h.conn.state;
    throw new AppFailure('NOT_CONNECTED', `${h.config.name} is not connected${s.reason ? ` (${s.reason})` : ` (${s.status})`}`, { hostId });
  }

  /** Per-hop connect timings of a live SSH host (for logs and benchmarks). */
  timings(hostId: string) {
    return this.entry(hostId).conn.timings;
  }

  /**
   * Runs `hook` every time a host's transport comes up (and now, for hosts
   * already connected); the host reports 'connected' only after every hook
   * resolved. The returned Dispose stops future runs; what a hook already
   * attached is released by its own Dispose on drop or disconnect.
   */
  addAttachment(hook: Attachment): Dispose {
    this.attachments.push(hook);
    for (const { conn } of this.hosts.values()) conn.attachLate(hook);
    return () => {
      const i = this.attachments.indexOf(hook);
      if (i >= 0) this.attachments.splice(i, 1);
    };
  }

  onStateChange(cb: (s: HostState) => void): Dispose {
    this.stateListeners.add(cb);
    return () => void this.stateListeners.delete(cb);
  }

  async dispose(): Promise<void> {
    for (const { conn } of this.hosts.values()) conn.dispose();
    this.hosts.clear();
    if (!this.opts.kind) this.prompts.dispose();
    this.unsubscribe();
    this.stateListeners.clear();
    await this.saving;
  }

  /** The host already listed for this target's endpoint (see endpoint.ts), if any. */
  private duplicateOf(target: HostTarget, exceptId?: string): HostConfig | undefined {
    const config = this.sshConfig();
    const key = endpointOf(target, config).key;
    for (const { config: c } of this.hosts.values()) if (c.id !== exceptId && endpointOf(c.target, config).key === key) return c;
    return undefined;
  }

  private refuseDuplicate(target: HostTarget, exceptId?: string): void {
    const dup = this.duplicateOf(target, exceptId);
    if (!dup) return;
    const endpoint = endpointOf(target, this.sshConfig()).text;
    const detail: HostConflict = { duplicateOf: { hostId: dup.id, name: dup.name }, endpoint };
    throw new AppFailure('CONFLICT', `${endpoint} is already in the list as "${dup.name}"`, { hostId: dup.id, detail });
  }

  /** hosts.json from before duplicates were refused may hold some: say so, delete nothing. */
  private reportDuplicates(): void {
    const config = this.sshConfig();
    const byKey = new Map<string, HostConfig[]>();
    for (const { config: c } of this.hosts.values()) {
      const key = endpointOf(c.target, config).key;
      byKey.set(key, [...(byKey.get(key) ?? []), c]);
    }
    const dups = [...byKey.values()].filter((l) => l.length > 1);
    if (!dups.length) return;
    const lines = dups.map((l) => `${l.map((c) => `"${c.name}"`).join(' and ')} are the same host (${endpointOf(l[0]!.target, config).text})`);
    this.opts.log.warn(`hosts.json: ${lines.join('; ')}`);
    this.opts.bus.emit('app.notified', {
      id: `hosts-duplicates-${Date.now()}`,
      level: 'warning',
      title: 'The same host is listed more than once',
      message: `${lines.join('\n')}\nRemove the extra entries; VirtDeck keeps them until you do.`,
      at: Date.now(),
    });
  }

  private entry(hostId: string) {
    const h = this.hosts.get(hostId);
    if (!h) throw new AppFailure('NOT_FOUND', `no host with id ${hostId}`, { hostId });
    return h;
  }

  private track(config: HostConfig) {
    const conn = new HostConnection({
      hostId: config.id,
      open: this.opener(config),
      attachments: () => this.attachments,
      prompts: this.prompts,
      log: this.opts.log.child(config.id),
      ...(this.opts.attachTimeoutMs ? { attachTimeoutMs: this.opts.attachTimeoutMs } : {}),
    });
    conn.onStateChange((s) => {
      if (this.opts.kind) this.opts.kind.announce.state(s);
      else this.opts.bus.emit('host.stateChanged', s);
      for (const l of [...this.stateListeners]) l(s);
    });
    const entry = { config, conn };
    this.hosts.set(config.id, entry);
    return entry;
  }

  private opener(config: HostConfig): Opener {
    const target = config.target;
    if (target.transport === 'local') return () => openLocal(config.id, target);
    return (ctx) => {
      // ssh_config is re-read at every dial: users edit it while we run.
      const config_ = this.sshConfig();
      for (const w of config_.warnings) this.opts.log.warn(`ssh_config: ${w}`);
      const hops = planHops(target, config_);
      const deps: DialDeps = {
        knownHosts: this.knownHosts,
        secrets: this.opts.secretStore,
        home: this.home,
        agent: this.opts.agent === null ? undefined : (this.opts.agent ?? defaultAgent()),
        log: this.opts.log.child(config.id),
        ...this.opts.ssh,
      };
      return openSsh(config.id, hops, deps, ctx, deps.log);
    };
  }

  private sshConfig(): SshConfig {
    return SshConfig.load(this.opts.sshConfigPath ?? path.join(this.home, '.ssh', 'config'), { home: this.home });
  }

  private persist(): Promise<void> {
    const data: StoredHosts = { hosts: [...this.hosts.values()].map((h) => h.config), removedDefaults: this.removedDefaults };
    const p = saveHosts(this.file, data);
    this.saving = p.catch(() => undefined);
    return p;
  }

  private emitList(): void {
    if (this.opts.kind) return this.opts.kind.announce.list([...this.hosts.values()].map((h) => h.config));
    this.opts.bus.emit(
      'host.listChanged',
      [...this.hosts.values()].map((h) => h.config),
    );
  }
}
