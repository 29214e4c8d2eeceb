import type { Host, HostConfig, HostState, Prompt } from '../../../shared/model/host';

// Pure cache reducers for pushed host events (unit-tested; the event bridge applies them).

export function applyHostState(list: Host[] | undefined, state: HostState): Host[] | undefined {
  if (!list) return list;
  let hit = false;
  const next = list.map((h) => {
    if (h.config.id !== state.hostId) return h;
    hit = true;
    return h.state.since > state.since ? h : { ...h, state };
  });
  return hit ? next : list;
}

export function applyHostConfigs(list: Host[] | undefined, configs: HostConfig[]): Host[] {
  const byId = new Map((list ?? []).map((h) => [h.config.id, h]));
  return configs.map((config) => ({
    config,
    // since 0: a placeholder must never win over the core's own (older-clocked) state event.
    state: byId.get(config.id)?.state ?? { hostId: config.id, status: 'disconnected', since: 0 },
  }));
}

export function addPrompt(list: Prompt[] | undefined, p: Prompt): Prompt[] {
  const rest = (list ?? []).filter((x) => x.id !== p.id);
  return [...rest, p];
}

export function removePrompt(list: Prompt[] | undefined, promptId: string): Prompt[] {
  return (list ?? []).filter((x) => x.id !== promptId);
}
