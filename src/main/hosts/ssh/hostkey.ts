import type { HostKeyProblem } from '../../../shared/model/host';
import { ConnectError } from '../errors';
import { keyTypeOf, sha256Fingerprint } from '../keys';
import type { KnownHosts } from '../known-hosts';
import type { PromptReply, PromptRequest } from '../prompts';

// Strict host key checking, as `StrictHostKeyChecking ask` with one
// difference: a changed key is never offered for acceptance in the app. The
// user must remove the old line themselves, knowingly.

export interface HostKeyHop {
  hostId: string;
  hostname: string;
  port: number;
  /** "jump host" or "" for the target itself, for messages. */
  role: string;
}

export interface OfferedKey {
  keyType: string;
  fingerprint: string;
}

export async function verifyHostKey(
  hop: HostKeyHop,
  blob: Buffer,
  knownHosts: KnownHosts,
  ask: (req: PromptRequest) => Promise<PromptReply>,
): Promise<OfferedKey> {
  const keyType = keyTypeOf(blob);
  const fingerprint = sha256Fingerprint(blob);
  const where = `${hop.hostname}${hop.port === 22 ? '' : `:${hop.port}`}${hop.role ? ` (${hop.role})` : ''}`;
  const result = await knownHosts.check(hop.hostname, hop.port, keyType, blob);
  switch (result.status) {
    case 'match':
      return { keyType, fingerprint };
    case 'revoked': {
      // The sentence is for logs; the UI lays out `detail` (HostKeyProblem).
      const detail: HostKeyProblem = { kind: 'revoked', ...hopFacts(hop), keyType, offered: fingerprint, file: result.file, line: result.line };
      throw new ConnectError(
        'HOST_KEY_MISMATCH',
        `host key revoked: ${where} offered ${keyType} ${fingerprint}, which ${result.file}:${result.line} marks @revoked. VirtDeck will not connect.`,
        'never',
        { hostId: hop.hostId, detail },
      );
    }
    case 'mismatch': {
      const detail: HostKeyProblem = {
        kind: 'changed',
        ...hopFacts(hop),
        keyType,
        offered: fingerprint,
        expected: result.knownFingerprint,
        file: result.file,
        line: result.line,
      };
      throw new ConnectError(
        'HOST_KEY_MISMATCH',
        `host key changed: ${where} offered ${keyType} ${fingerprint}, but ${result.file}:${result.line} expects ${result.knownFingerprint}. ` +
          'Someone may be intercepting the connection, or the host was reinstalled. If you are sure the new key is right, ' +
          `remove line ${result.line} of ${result.file} (ssh-keygen -R) and connect again.`,
        'never',
        { hostId: hop.hostId, detail },
      );
    }
    case 'unknown': {
      const others = result.otherKeyTypes.length ? ` known_hosts already has ${result.otherKeyTypes.join(', ')} keys for it.` : '';
      const reply = await ask({
        hostId: hop.hostId,
        kind: 'host-key',
        hostname: hop.hostname,
        port: hop.port,
        keyType,
        fingerprint,
        message: `The authenticity of ${where} can't be established.${others} Its ${keyType} key fingerprint is ${fingerprint}. Compare it with the host's own (ssh-keygen -lf /etc/ssh/ssh_host_${hostKeyFileName(keyType)}_key.pub) before trusting it.`,
      });
      if (!reply.accept) {
        throw new ConnectError(
          'HOST_KEY_UNKNOWN',
          reply.outcome === 'timeout'
            ? `host key not confirmed: nobody answered within the time limit for ${where} (${fingerprint})`
            : `host key not accepted: ${where} (${fingerprint})`,
          'never',
          { hostId: hop.hostId, detail: { offered: fingerprint, keyType } },
        );
      }
      await knownHosts.append(hop.hostname, hop.port, keyType, blob);
      return { keyType, fingerprint };
    }
  }
}

const hopFacts = (hop: HostKeyHop) => ({ hostname: hop.hostname, port: hop.port, ...(hop.role ? { role: hop.role } : {}) });

// ssh-ed25519 -> ed25519, ecdsa-sha2-nistp256 -> ecdsa, ssh-rsa -> rsa
function hostKeyFileName(keyType: string): string {
  return keyType.startsWith('ecdsa-') ? 'ecdsa' : keyType.replace(/^ssh-/, '');
}
