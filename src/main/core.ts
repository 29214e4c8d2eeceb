import os from 'node:os';
import { calls, type CallName } from '../shared/ipc/contract';
import { AppFailure } from '../shared/ipc/result';
import { createConsoles, type Consoles } from './consoles/index';
import { EventBus } from './ipc/bus';
import { appHandlers } from './ipc/handlers/app';
import { auditHandlers } from './ipc/handlers/audit';
import { createHandlers } from './ipc/handlers/create';
import { CreateService } from './create/service';
import { backupHandlers } from './ipc/handlers/backup';
import { BackupScheduler } from './backup/schedule';
import { BackupService } from './backup/service';
import { AuditService } from './audit/service';
import { coreFacts } from './auth/facts';
import { AccessGate } from './auth/gate';
import { adminSubject } from './auth/policy';
import { AccountService, type AccountServiceOptions } from './auth/service';
import { accountHandlers } from './ipc/handlers/accounts';
import { metricsHandlers } from './ipc/handlers/metrics';
import { domainHandlers } from './ipc/handlers/domains';
import { hostHandlers } from './ipc/handlers/hosts';
import { networkHandlers } from './ipc/handlers/networks';
import { taskHandlers } from './ipc/handlers/tasks';
import { storageHandlers } from './ipc/handlers/storage';
import { p2vHandlers, sourceHandlers } from './ipc/handlers/p2v';
import { SourceRegistry } from './sources/registry';
import { P2vService } from './wizards/p2v';
import { migrationHandlers } from './ipc/handlers/migration';
import { createMigration } from './migration/index';
import { vmSettingsHandlers } from './ipc/handlers/vm-settings';
import { VmSettingsService } from './domains/service';
import { HandlerRegistry, type Handlers, type PartialHandlers } from './ipc/registry';
import { HostRegistry } from './hosts/registry';
import { MemorySecretStore, type SecretStore } from './hosts/secrets';
import { DomainActions } from './libvirt/domain-actions';
import { domainEventsHook } from './libvirt/domain-events';
import { DomainInventory } from './libvirt/domain-inventory';
import { LibvirtSessions } from './libvirt/sessions';
import { P } from './libvirt/rpc/procedures/index';
import { MetricsService } from './metrics/service';
import { networkEventsHook } from './networks/events';
import { VmNicIndex } from './networks/nic-index';
import { NetworkService } from './networks/service';
import { TaskManager } from './tasks/manager';
import { createStorage, type FileDialogs, type StorageService } from './storage/index';
import type { Logger } from './util/log';
import { VERSION } from './version';

export interface SshSettings {
  /** OpenSSH client config to honour (Host aliases, ProxyJump…); default ~/.ssh/config. */
  configPath?: string;
  /** known_hosts files: all are read, new keys go to the first; default ~/.ssh/known_hosts. */
  knownHostsPaths?: string[];
}

export interface CoreOptions {
  mode: 'electron' | 'serve';
  configDir: string;
  log: Logger;
  ssh?: SshSettings;
  /** Electron passes a safeStorage-backed store; serve mode keeps secrets in memory only. */
  secretStore?: SecretStore;
  /** The local libvirt socket offered as "This machine" (default /var/run/libvirt/libvirt-sock). */
  localSocketPath?: string;
  /** Electron's native open/save dialogs (desktop uploads and downloads). */
  fileDialogs?: FileDialogs;
  /** Desktop app: a save dialog for copies of backups (serve downloads them over HTTP). */
  pickSavePath?: (defaultName: string) => Promise<string | null>;
  /** serve's team accounts: session and sign-in limits (tests shorten them). */
  accounts?: Omit<AccountServiceOptions, 'configDir' | 'log' | 'onLogin'>;
}

export interface Core {
  bus: EventBus;
  registry: HandlerRegistry;
  hosts: HostRegistry;
  sessions: LibvirtSessions;
  metrics: MetricsService;
  consoles: Consoles;
  tasks: TaskManager;
  storage: StorageService;
  audit: AuditService;
  backups: BackupService;
  /** Access control of every call, console token and event (src/main/auth). */
  gate: AccessGate;
  /** serve only: team accounts and their sessions. */
  accounts: AccountService | null;
  dispose(): Promise<void>;
}

/** Fills calls whose service isn't wired in this build with a clear refusal. */
function complete(partial: PartialHandlers): Handlers {
  const out: Record<string, unknown> = { ...partial };
  for (const name of Object.keys(calls) as CallName[]) {
    out[name] ??= () => {
      throw new AppFailure('UNSUPPORTED', `${name} is not available in this build`);
    };
  }
  return out as Handlers;
}

/** Builds the core's services once; both the Electron entry and `serve` call this. */
export async function createCore(opts: CoreOptions): Promise<Core> {
  const bus = new EventBus(opts.log.child('events'));
  const disposers: Array<() => void | Promise<void>> = [];
  // Disposed last (disposers run reversed): the store closes after every sampler stopped.
  const metrics = new MetricsService({ configDir: opts.configDir, bus, log: opts.log.child('metrics') });
  disposers.push(() => metrics.dispose());
  const log = opts.log;
  const tasks = new TaskManager({ configDir: opts.configDir, bus, log: log.child('tasks') });
  await tasks.load();
  // The audit log names VMs by looking them up on their host's session (set once sessions exist).
  let resolveName: (hostId: string, uuid: string) => Promise<string | undefined> = async () => undefined;
  const audit = new AuditService(opts.configDir, log.child('audit'), (h, u) => resolveName(h, u));
  disposers.push(() => audit.dispose());
  const secretStore = opts.secretStore ?? new MemorySecretStore();
  const hosts = new HostRegistry({
    configDir: opts.configDir,
    sshConfigPath: opts.ssh?.configPath,
    knownHostsPaths: opts.ssh?.knownHostsPaths,
    secretStore,
    localSocketPath: opts.localSocketPath,
    bus,
    log: log.child('hosts'),
  });
  // libvirt rides on each host's one transport; the host is "connected" only
  // once libvirt answered. Features that live per session hook in here.
  const sessions = new LibvirtSessions(log.child('libvirt'));
  const inventory = new DomainInventory(sessions, log.child('domains'));
  resolveName = async (hostId, uuid) =>
    sessions.has(hostId) ? (await sessions.client(hostId).call(P.DOMAIN_LOOKUP_BY_UUID, { uuid }, { timeoutMs: 1000 })).name : undefined;
  const actions = new DomainActions(sessions, inventory, log.child('domains'));
  sessions.addHook(domainEventsHook(inventory, bus, log.child('events')));
  sessions.addHook(metrics.sessionHook);
  const storage = createStorage({ sessions, bus, tasks, log: log.child('storage'), fileDialogs: opts.fileDialogs });
  const networks = new NetworkService(sessions, new VmNicIndex(sessions, log.child('networks')), log.child('networks'));
  sessions.addHook(networkEventsHook({ nics: networks.nics, inventory, bus, log: log.child('networks') }));
  hosts.addAttachment((hostId, transport, signal, ctx) => sessions.attach(hostId, transport, signal, (reason) => ctx.drop(reason)));
  disposers.push(() => hosts.dispose());
  // P2V source machines: SSH only, same dial rules and prompts as hosts, no libvirt.
  const sources = new SourceRegistry({ configDir: opts.configDir, sshConfigPath: opts.ssh?.configPath, knownHostsPaths: opts.ssh?.knownHostsPaths, secretStore, bus, log: log.child('sources'), hosts });
  disposers.push(() => sources.dispose());
  const p2v = new P2vService({ tasks, sources, hosts, sessions });
  // Disposed before the hosts (disposers run reversed): running tasks get a moment to undo their work.
  disposers.push(() => tasks.dispose());
  // Without accounts, whoever holds the desktop session or serve's token acts as the OS user running the core.
  const osUser = safeUsername();
  const gate = new AccessGate(coreFacts({ inventory, sessions, hosts, tasks }), adminSubject(osUser), log.child('access'));
  const accounts = opts.mode === 'serve' ? await AccountService.open({ ...opts.accounts, configDir: opts.configDir, log: log.child('accounts'), onLogin: (e) => audit.recordLogin(e) }) : null;
  if (accounts) disposers.push(() => accounts.dispose());
  // Electron has no HTTP front: the core then owns a loopback listener for console WebSockets.
  const consoles = await createConsoles({
    hosts: { libvirt: (id) => sessions.client(id), transport: (id) => hosts.transport(id) },
    log,
    ownListener: opts.mode === 'electron',
    guard: async (call, input, access) => {
      const refused = await gate.authorize(call, input, access);
      if (refused) throw new AppFailure(refused.code, refused.message, { detail: refused.detail });
    },
  });
  disposers.push(() => consoles.dispose());
  const migration = createMigration({ configDir: opts.configDir, bus, hosts, sessions, inventory, actions, metrics, tasks, log: log.child('migration') });
  const backups = new BackupService({ configDir: opts.configDir, sessions, hosts, tasks, log: log.child('backup') });
  const backupScheduler = new BackupScheduler(backups, hosts, log.child('backup'));
  disposers.push(() => backupScheduler.dispose());
  const create = new CreateService({
    sessions,
    tasks,
    transport: (id) => hosts.transport(id),
    advice: { candidates: () => migration.placement.candidates(), settings: () => migration.placement.settings() },
  });
  // A plain Start (toolbar, bulk) of a VM made with “Customise before start” runs its install plan.
  actions.setPlannedStart((hostId, uuid, dom) => create.beginIfPlanned(hostId, uuid, dom));
  const handlers = complete({
    ...hostHandlers(hosts),
    ...domainHandlers(sessions, inventory, actions),
    ...metricsHandlers(metrics),
    ...taskHandlers(tasks),
    ...storageHandlers(storage),
    ...migrationHandlers({ ...migration, hosts }),
    ...auditHandlers(audit),
    ...sourceHandlers(sources),
    ...p2vHandlers(p2v),
    ...vmSettingsHandlers(new VmSettingsService(sessions, tasks, inventory, bus)),
    ...networkHandlers(networks, tasks, sessions, log.child('networks')),
    ...createHandlers(create),
    ...backupHandlers(backups, backupScheduler, networks, opts.pickSavePath),
    ...consoles.handlers,
    ...accountHandlers(accounts, gate, opts.mode),
    ...appHandlers({
      name: 'VirtDeck',
      version: VERSION,
      mode: opts.mode,
      platform: `${os.platform()} ${os.arch()}`,
      node: process.versions.node,
      startedAt: Date.now(),
    }),
  });
  const registry = new HandlerRegistry(handlers, opts.log.child('ipc'), { user: osUser, via: opts.mode === 'electron' ? 'desktop' : 'serve-token' }, gate);
  registry.observe(audit.observer);
  await hosts.start();
  await sources.start();
  await backupScheduler.start();
  return {
    bus,
    registry,
    hosts,
    sessions,
    metrics,
    consoles,
    tasks,
    storage,
    audit,
    backups,
    gate,
    accounts,
    async dispose() {
      for (const d of disposers.reverse()) await d();
    },
  };
}

function safeUsername(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}
