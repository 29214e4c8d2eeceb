import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ssh2, { type AnyAuthMethod, type AuthHandlerMiddleware, type AuthenticationType, type ParsedKey } from 'ssh2';
import type { Logger } from '../../util/log';
import { ConnectError } from '../errors';
import type { PromptReply, PromptRequest } from '../prompts';
import { secretKeys, type SecretStore } from '../secrets';

// The order OpenSSH users expect: agent, then key files (asking for a
// passphrase when one is encrypted), then keyboard-interactive (2FA codes),
// then a password. The server's own list of acceptable methods, learned from a
// first `none` attempt, decides which of these we even try, so nobody is asked
// for a password a server would never accept.

export interface AuthTarget {
  hostId: string;
  user: string;
  hostname: string;
  port: number;
  /** Explicit key files (host config, ssh_config IdentityFile), tried first. */
  identityFiles: readonly string[];
  /** ssh_config IdentitiesOnly: no agent, no default keys. */
  identitiesOnly: boolean;
}

export interface AuthEnv {
  home: string;
  /** SSH_AUTH_SOCK (or the Windows OpenSSH agent pipe); undefined: no agent. */
  agent: string | undefined;
  secrets: SecretStore;
  /** Answers given during this round of attempts, reused if the server hung up on us while we waited. */
  carry: Map<string, string>;
  ask(req: PromptRequest): Promise<PromptReply>;
  log: Logger;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
const MAX_TRIES = 3; // OpenSSH's NumberOfPasswordPrompts
// ssh2 is CommonJS: a default import works both bundled and under plain Node ESM.
const { utils } = ssh2;

export function defaultAgent(): string | undefined {
  if (process.env.SSH_AUTH_SOCK) return process.env.SSH_AUTH_SOCK;
  const pipe = '\\\\.\\pipe\\openssh-ssh-agent';
  return process.platform === 'win32' && existsSync(pipe) ? pipe : undefined;
}

type Stage = 'none' | 'agent' | 'keys' | 'keyboard' | 'password' | 'done';

export class AuthFlow {
  /** Set when the flow ended for a reason better than ssh2's generic one. */
  failure: ConnectError | undefined;
  /** Methods offered to the server, for the "authentication failed" message. */
  readonly tried: string[] = [];
  private stage: Stage = 'none';
  private keyQueue: string[];
  private kbdRounds = 0;
  private passwordTries = 0;
  /** Secret used by the method in flight: stored on success if the user said "Remember", dropped on failure. */
  private inFlight: { key: string; value: string; fromStore: boolean; remember: boolean } | undefined;
  private closed = false;

  constructor(
    private readonly t: AuthTarget,
    private readonly env: AuthEnv,
  ) {
    const defaults = t.identitiesOnly && t.identityFiles.length ? [] : DEFAULT_KEYS.map((k) => path.join(env.home, '.ssh', k));
    this.keyQueue = [...new Set([...t.identityFiles.map((f) => expandHome(f, env.home)), ...defaults])];
  }

  /** ssh2's callback form; every decision may wait on the user. */
  readonly handler: AuthHandlerMiddleware = (methodsLeft, _partial, next) => {
    void this.next(methodsLeft).then(
      (m) => {
        if (this.closed) return;
        if (m && m.type !== 'none') this.tried.push(m.type);
        next(m as AnyAuthMethod);
      },
      (e: unknown) => {
        this.failure = e instanceof ConnectError ? e : new ConnectError('AUTH_FAILED', `authentication failed: ${String(e)}`, 'never');
        if (!this.closed) next(false as never);
      },
    );
  };

  /** The connection ended; late prompt answers must not touch a dead client. */
  close(): void {
    this.closed = true;
  }

  async succeeded(): Promise<void> {
    const s = this.inFlight;
    this.inFlight = undefined;
    if (s && !s.fromStore && s.remember) await this.env.secrets.set(s.key, s.value);
  }

  private async next(methodsLeft: AuthenticationType[] | null): Promise<AnyAuthMethod | false> {
    // The previous method failed (we are asked again): forget its secret.
    const failed = this.inFlight;
    this.inFlight = undefined;
    if (failed) {
      this.env.carry.delete(failed.key);
      if (failed.fromStore) await this.env.secrets.delete(failed.key);
    }
    const allowed = (m: AuthenticationType) => methodsLeft === null || methodsLeft.includes(m);
    const username = this.t.user;
    for (;;) {
      switch (this.stage) {
        case 'none':
          this.stage = 'agent';
          return { type: 'none', username };
        case 'agent':
          this.stage = 'keys';
          if (this.env.agent && !this.t.identitiesOnly && allowed('publickey')) return { type: 'agent', username, agent: this.env.agent };
          break;
        case 'keys': {
          if (!allowed('publickey')) {
            this.stage = 'keyboard';
            break;
          }
          const file = this.keyQueue.shift();
          if (file === undefined) {
            this.stage = 'keyboard';
            break;
          }
          const key = await this.loadKey(file);
          if (key) return { type: 'publickey', username, key };
          break;
        }
        case 'keyboard':
          if (!allowed('keyboard-interactive') || this.kbdRounds >= MAX_TRIES) {
            this.stage = 'password';
            break;
          }
          this.kbdRounds++;
          return { type: 'keyboard-interactive', username, prompt: (...args) => void this.keyboard(...args) };
        case 'password': {
          if (!allowed('password') || this.passwordTries >= MAX_TRIES) {
            this.stage = 'done';
            break;
          }
          const password = await this.password();
          return { type: 'password', username, password };
        }
        case 'done':
          return false;
      }
    }
  }

  private async loadKey(file: string): Promise<ParsedKey | undefined> {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      return undefined; // default keys that don't exist are the common case
    }
    let parsed = utils.parseKey(data);
    if (parsed instanceof Error && /no passphrase given/i.test(parsed.message)) {
      const key = secretKeys.passphrase(file);
      const known = this.env.carry.get(key) ?? (await this.env.secrets.get(key));
      if (known !== undefined) parsed = utils.parseKey(data, known);
      for (let i = 0; parsed instanceof Error && i < MAX_TRIES; i++) {
        const reply = await this.env.ask({
          hostId: this.t.hostId,
          kind: 'passphrase',
          message: `${i ? 'Wrong passphrase. ' : ''}Passphrase for key ${tildify(file, this.env.home)}`,
          remember: this.env.secrets.remembers(),
        });
        // Cancelling a passphrase skips that key, as ssh does; other methods may follow.
        if (!reply.accept) return undefined;
        const value = reply.answers[0] ?? '';
        parsed = utils.parseKey(data, value);
        if (!(parsed instanceof Error)) {
          this.env.carry.set(key, value);
          if (reply.remember) await this.env.secrets.set(key, value);
        }
      }
    }
    if (parsed instanceof Error) {
      this.env.log.warn(`skipping key ${file}: ${parsed.message}`);
      return undefined;
    }
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    return key && key.isPrivateKey() ? key : undefined;
  }

  private async password(): Promise<string> {
    const key = secretKeys.password(this.t.user, this.t.hostname, this.t.port);
    const carried = this.env.carry.get(key);
    const stored = carried ?? (this.passwordTries === 0 ? await this.env.secrets.get(key) : undefined);
    this.passwordTries++;
    if (stored !== undefined) {
      // A carried answer keeps the choice made when it was typed.
      this.inFlight = { key, value: stored, fromStore: carried === undefined, remember: this.env.carry.has(rememberMark(key)) };
      return stored;
    }
    const reply = await this.env.ask({
      hostId: this.t.hostId,
      kind: 'password',
      message: `${this.passwordTries > 1 ? 'Permission denied, try again. ' : ''}Password for ${this.t.user}@${this.t.hostname}`,
      remember: this.env.secrets.remembers(),
    });
    if (!reply.accept) throw promptEnded(reply, 'password');
    const value = reply.answers[0] ?? '';
    this.env.carry.set(key, value);
    if (reply.remember) this.env.carry.set(rememberMark(key), '1');
    else this.env.carry.delete(rememberMark(key));
    this.inFlight = { key, value, fromStore: false, remember: reply.remember === true };
    return value;
  }

  private async keyboard(
    name: string,
    instructions: string,
    _lang: string,
    prompts: Array<{ prompt: string; echo?: boolean }>,
    finish: (answers: string[]) => void,
  ): Promise<void> {
    // Servers send empty rounds (e.g. PAM info messages); answer them silently.
    if (prompts.length === 0) return finish([]);
    const reply = await this.env.ask({
      hostId: this.t.hostId,
      kind: 'keyboard-interactive',
      message: [name, instructions].filter(Boolean).join('\n') || `${this.t.user}@${this.t.hostname} asks:`,
      fields: prompts.map((p) => ({ prompt: p.prompt, echo: p.echo === true })),
    });
    if (this.closed) return;
    if (!reply.accept) {
      this.failure = promptEnded(reply, 'verification');
      this.stage = 'done';
      return finish([]); // an empty answer fails this round; the flow then ends
    }
    finish(prompts.map((_, i) => reply.answers[i] ?? ''));
  }
}

/** Carry entry recording that the user ticked "Remember" for the secret under `key`. */
const rememberMark = (key: string) => `remember:${key}`;

function promptEnded(reply: PromptReply, what: string): ConnectError {
  return reply.outcome === 'timeout'
    ? new ConnectError('AUTH_FAILED', `authentication failed: nobody answered the ${what} prompt in time`, 'never')
    : new ConnectError('CANCELLED', `cancelled: ${what} prompt dismissed`, 'never');
}

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

function tildify(p: string, home: string): string {
  return home && p.startsWith(home + path.sep) ? `~${p.slice(home.length)}` : p;
}

export const defaultHome = (): string => os.homedir();
