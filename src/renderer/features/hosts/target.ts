import type { Host } from '../../../shared/model/host';

/** `user@host[:port]` as an admin would type it for ssh. */
export const targetText = (h: Host) =>
  h.config.target.transport === 'ssh'
    ? `${h.config.target.user}@${h.config.target.hostname}${h.config.target.port !== 22 ? `:${h.config.target.port}` : ''}`
    : `local ${h.config.target.socketPath}`;
