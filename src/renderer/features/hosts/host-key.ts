import type { HostKeyProblem } from '../../../shared/model/host';
import { shellQuote } from '../../../shared/util/shell';

/** The known_hosts name OpenSSH looks up (and `ssh-keygen -R` takes): plain for port 22, else `[host]:port`. */
export const knownHostsName = (k: Pick<HostKeyProblem, 'hostname' | 'port'>) => (k.port === 22 ? k.hostname : `[${k.hostname}]:${k.port}`);

/** The command that removes the entry on record, for the user's own terminal (POSIX sh quoting, the shell it will be pasted into). */
export const removeKeyCommand = (k: Pick<HostKeyProblem, 'hostname' | 'port' | 'file'>) => ['ssh-keygen', '-R', knownHostsName(k), '-f', k.file].map(shellQuote).join(' ');
