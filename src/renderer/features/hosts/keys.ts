// Host-first key factories: every cache entry about a host sits under
// ['hosts', hostId, …] so a disconnect or removal can drop them in one go.
// (Apart from queries.ts so pure cache code can use them without a core link.)
export const hostKeys = {
  all: ['hosts'] as const,
  list: () => [...hostKeys.all, 'list'] as const,
  host: (hostId: string) => [...hostKeys.all, hostId] as const,
  info: (hostId: string) => [...hostKeys.host(hostId), 'info'] as const,
  prompts: () => [...hostKeys.all, 'prompts'] as const,
  sshAliases: () => [...hostKeys.all, 'ssh-aliases'] as const,
};
