import { NewSourceSchema } from '../../shared/ipc/calls/sources';
import { AppFailure } from '../../shared/ipc/result';
import { parseDiscovery, type SourceInventory } from '../../shared/p2v/discovery';
import type { Host, HostState } from '../../shared/model/host';
import type { EventBus } from '../ipc/bus';
import { HostRegistry, type HostRegistryOptions } from '../hosts/registry';
import type { HostTransport } from '../hosts/transport';
import { DISCOVERY_SCRIPT } from './discovery-script';

// Source machines for P2V: SSH-only entries kept in sources.json. They are
// dialled by the hosts' own machinery (HostRegistry with another list file):
// the same ssh_config handling, known_hosts files, strict host keys, keys,
// agent and password/2FA prompts (the hosts' prompt broker, so one prompt UI
// answers both). No attachment runs on them: nothing expects libvirt there.

export interface SourceRegistryOptions extends Omit<HostRegistryOptions, 'kind' | 'localSocketPath'> {
  /** The hosts registry: its prompt broker asks for sources too. */
  hosts: HostRegistry;
  bus: EventBus;
}

export class SourceRegistry {
  private readonly inner: HostRegistry;

  constructor(opts: SourceRegistryOptions) {
    const { hosts, bus, ...rest } = opts;
    this.inner = new HostRegistry({
      ...rest,
      bus,
      kind: {
        fileName: 'sources.json',
        idPrefix: 'src',
        prompts: hosts.prompts,
        offerLocal: false,
        announce: { list: (c) => bus.emit('source.listChanged', c), state: (s) => bus.emit('source.stateChanged', s) },
      },
    });
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  list(): Host[] {
    return this.inner.list();
  }

  get(sourceId: string): Host {
    return this.inner.get(sourceId);
  }

  add(draft: unknown): Promise<Host> {
    return this.inner.add(NewSourceSchema.parse(draft));
  }

  remove(sourceId: string): Promise<{ removed: boolean }> {
    return this.inner.remove(sourceId);
  }

  connect(sourceId: string): Promise<HostState> {
    return this.inner.connect(sourceId);
  }

  disconnect(sourceId: string): HostState {
    return this.inner.disconnect(sourceId);
  }

  /** The live SSH transport of a connected source (NOT_CONNECTED otherwise). */
  transport(sourceId: string): HostTransport {
    return this.inner.transport(sourceId);
  }

  /** Runs the read-only discovery script and parses what it printed. */
  async discover(sourceId: string, signal?: AbortSignal): Promise<SourceInventory> {
    const t = this.transport(sourceId);
    const r = await t.execScript(DISCOVERY_SCRIPT, [], { timeoutMs: 60_000, ...(signal ? { signal } : {}) });
    const out = r.stdout.toString('utf8');
    if (!out.includes('==VD end')) {
      const err = r.stderr.toString('utf8').trim();
      throw new AppFailure('INTERNAL', `Discovery on ${this.get(sourceId).config.name} did not finish${err ? `: ${err.slice(0, 500)}` : ` (exit ${r.code})`}`, { hostId: sourceId });
    }
    return parseDiscovery(out);
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}
