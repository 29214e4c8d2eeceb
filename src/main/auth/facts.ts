import type { HostRegistry } from '../hosts/registry';
import type { DomainInventory } from '../libvirt/domain-inventory';
import type { LibvirtSessions } from '../libvirt/sessions';
import type { TaskManager } from '../tasks/manager';
import type { FactSource } from './gate';

/** The access gate's view of the core: VM tags from the domain inventory, tasks from the task manager. */
export function coreFacts(d: { inventory: DomainInventory; sessions: LibvirtSessions; hosts: HostRegistry; tasks: TaskManager }): FactSource {
  return {
    vmTags: (hostId, uuid) => d.inventory.tagsOf(hostId, uuid),
    cachedTags: (hostId, uuid) => d.inventory.cachedTags(hostId, uuid),
    async hostsWithTags(hostIds, tags) {
      const out = new Set<string>();
      await Promise.all(
        hostIds
          .filter((id) => d.sessions.has(id))
          .map(async (id) => {
            // A host that can't be listed right now shows none of its VMs.
            if (await d.inventory.hasTagged(id, tags).catch(() => false)) out.add(id);
          }),
      );
      return out;
    },
    hostIds: () => d.hosts.list().map((h) => h.config.id),
    task(taskId) {
      try {
        const t = d.tasks.get(taskId as Parameters<TaskManager['get']>[0]);
        return { user: t.user, hostId: t.hostId };
      } catch {
        return undefined;
      }
    },
  };
}
