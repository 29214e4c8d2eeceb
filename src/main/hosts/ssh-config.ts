import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { matchPatternList } from './patterns';
import { expandPercent, globSync, parsePort, parseProxyJump, tokenize, type JumpSpec } from './ssh-config-syntax';

// A reader for the subset of ssh_config(5) that decides where and how to dial:
// Host/Match sections, Include, HostName, User, Port, IdentityFile, ProxyJump,
// IdentitiesOnly, UserKnownHostsFile. Everything else is kept out on purpose:
// VirtDeck speaks SSH through ssh2, not through the ssh binary.

export type { JumpSpec };

export interface ResolvedSshHost {
  alias: string;
  hostname: string;
  port: number;
  /** undefined when no section sets it (the caller picks its own default). */
  user: string | undefined;
  /** Expanded, absolute paths, in the order ssh would try them. */
  identityFiles: string[];
  proxyJump: JumpSpec[];
  identitiesOnly: boolean;
  userKnownHostsFiles: string[];
  /** Which values came from the config rather than defaults. */
  specified: { hostname: boolean; port: boolean; user: boolean; identityFiles: boolean; proxyJump: boolean };
}

export interface SshConfigOptions {
  /** Home directory for `~` and `%d` (default: os.homedir()). */
  home?: string;
  /** Local user name for `%u` and `Match localuser`. */
  localUser?: string;
  /** Where relative Include paths start: ~/.ssh for a user config. */
  includeBase?: string;
}

type Item =
  | { kind: 'host'; patterns: string[] }
  | { kind: 'match'; criteria: Criterion[] | 'unsupported' }
  | { kind: 'include'; files: Item[][] }
  | { kind: 'option'; key: string; args: string[]; where: string };

interface Criterion {
  negated: boolean;
  name: 'all' | 'host' | 'originalhost' | 'user' | 'localuser';
  patterns: string[];
}

const MAX_INCLUDE_DEPTH = 16;

export class SshConfig {
  readonly warnings: string[] = [];
  private readonly items: Item[];
  private readonly home: string;
  private readonly localUser: string;
  private readonly includeBase: string;

  private constructor(text: string | undefined, source: string, opts: SshConfigOptions) {
    this.home = opts.home ?? os.homedir();
    this.localUser = opts.localUser ?? safeUserName();
    this.includeBase = opts.includeBase ?? path.join(this.home, '.ssh');
    this.items = text === undefined ? [] : this.parse(text, source, 0);
  }

  /** Reads a config file; a missing file is an empty config (most machines have none). */
  static load(file: string, opts: SshConfigOptions = {}): SshConfig {
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    return new SshConfig(text, file, opts);
  }

  static parse(text: string, opts: SshConfigOptions = {}, source = 'ssh_config'): SshConfig {
    return new SshConfig(text, source, opts);
  }

  /** Host aliases without wildcards: what a user could pick from a list. */
  aliases(): string[] {
    const out = new Set<string>();
    const walk = (items: Item[]) => {
      for (const it of items) {
        if (it.kind === 'host') for (const p of it.patterns) if (!/[*?!]/.test(p)) out.add(p);
        if (it.kind === 'include') it.files.forEach(walk);
      }
    };
    walk(this.items);
    return [...out];
  }

  resolve(alias: string): ResolvedSshHost {
    const first = new Map<string, string[]>();
    const identity: string[] = [];
    const setFirst = (key: string, args: string[]) => {
      if (!first.has(key)) first.set(key, args);
    };
    const walk = (items: Item[], initiallyActive: boolean, neverMatch: boolean) => {
      let active = initiallyActive && !neverMatch;
      for (const it of items) {
        switch (it.kind) {
          case 'host':
            active = !neverMatch && matchPatternList(alias, it.patterns) === 'match';
            break;
          case 'match':
            active = !neverMatch && this.matchCriteria(it.criteria, alias, first);
            break;
          case 'include':
            // ssh's rule: an Include in a section that doesn't apply contributes
            // nothing, even where the included file opens sections of its own.
            for (const f of it.files) walk(f, active, neverMatch || !active);
            break;
          case 'option':
            if (!active) break;
            if (it.key === 'identityfile') identity.push(...it.args.slice(0, 1));
            else setFirst(it.key, it.args);
            break;
        }
      }
    };
    walk(this.items, true, false);

    const one = (key: string) => first.get(key)?.[0];
    const hostnameRaw = one('hostname');
    // ssh lowercases the name it finally dials (seen with `ssh -G`).
    const hostname = (hostnameRaw ? expandPercent(hostnameRaw, { h: alias }) : alias).toLowerCase();
    const portRaw = one('port');
    const port = portRaw !== undefined ? parsePort(portRaw) : undefined;
    if (portRaw !== undefined && port === undefined) this.warnings.push(`Port ${portRaw} for ${alias} is not a port number`);
    const user = one('user');
    const jumpArg = one('proxyjump');
    const proxyJump = jumpArg === undefined || jumpArg.toLowerCase() === 'none' ? [] : parseProxyJump(jumpArg);
    const tokens: Record<string, string> = {
      d: this.home,
      u: this.localUser,
      h: hostname,
      n: alias,
      r: user ?? this.localUser,
      p: String(port ?? 22),
      l: os.hostname().split('.')[0] ?? '',
    };
    const expandPath = (p: string) => this.expandTilde(expandPercent(p, tokens));
    return {
      alias,
      hostname,
      port: port ?? 22,
      user,
      identityFiles: [...new Set(identity.map(expandPath))],
      proxyJump,
      identitiesOnly: (one('identitiesonly') ?? 'no').toLowerCase() === 'yes',
      userKnownHostsFiles: (first.get('userknownhostsfile') ?? []).filter((f) => f.toLowerCase() !== 'none').map(expandPath),
      specified: {
        hostname: hostnameRaw !== undefined,
        port: port !== undefined,
        user: user !== undefined,
        identityFiles: identity.length > 0,
        proxyJump: jumpArg !== undefined,
      },
    };
  }

  private matchCriteria(criteria: Criterion[] | 'unsupported', alias: string, first: Map<string, string[]>): boolean {
    if (criteria === 'unsupported') return false;
    return criteria.every((c) => {
      let hit: boolean;
      switch (c.name) {
        case 'all':
          hit = true;
          break;
        case 'host': {
          // `Match host` sees the name after HostName substitution so far.
          const hn = first.get('hostname')?.[0];
          hit = matchPatternList(hn ? expandPercent(hn, { h: alias }) : alias, c.patterns) === 'match';
          break;
        }
        case 'originalhost':
          hit = matchPatternList(alias, c.patterns) === 'match';
          break;
        case 'user':
          hit = matchPatternList(first.get('user')?.[0] ?? this.localUser, c.patterns) === 'match';
          break;
        case 'localuser':
          hit = matchPatternList(this.localUser, c.patterns) === 'match';
          break;
      }
      return c.negated ? !hit : hit;
    });
  }

  private parse(text: string, source: string, depth: number): Item[] {
    const items: Item[] = [];
    text.split(/\r?\n/).forEach((line, i) => {
      const where = `${source}:${i + 1}`;
      let words: string[];
      try {
        words = tokenize(line);
      } catch (e) {
        this.warnings.push(`${where}: ${(e as Error).message}`);
        return;
      }
      const [keyword, ...args] = words;
      if (keyword === undefined) return;
      const key = keyword.toLowerCase();
      if (key === 'host') items.push({ kind: 'host', patterns: args });
      else if (key === 'match') items.push({ kind: 'match', criteria: this.parseMatch(args, where) });
      else if (key === 'include') items.push({ kind: 'include', files: this.parseInclude(args, where, depth) });
      else if (args.length === 0) this.warnings.push(`${where}: ${keyword} has no value`);
      else items.push({ kind: 'option', key, args, where });
    });
    return items;
  }

  private parseMatch(args: string[], where: string): Criterion[] | 'unsupported' {
    const out: Criterion[] = [];
    for (let i = 0; i < args.length; i++) {
      const word = args[i] ?? '';
      const negated = word.startsWith('!');
      const name = (negated ? word.slice(1) : word).toLowerCase();
      if (name === 'all') {
        out.push({ negated, name, patterns: [] });
        continue;
      }
      if (name === 'host' || name === 'originalhost' || name === 'user' || name === 'localuser') {
        const list = args[++i];
        if (list === undefined) {
          this.warnings.push(`${where}: Match ${name} needs a pattern`);
          return 'unsupported';
        }
        out.push({ negated, name, patterns: list.split(',') });
        continue;
      }
      // exec, canonical, final, localnetwork, tagged: we can't evaluate these
      // the way ssh would, so the section never applies (and we say so).
      this.warnings.push(`${where}: Match ${name} is not supported; that section is ignored`);
      return 'unsupported';
    }
    return out;
  }

  private parseInclude(args: string[], where: string, depth: number): Item[][] {
    if (depth >= MAX_INCLUDE_DEPTH) {
      this.warnings.push(`${where}: Include nested deeper than ${MAX_INCLUDE_DEPTH}; ignored`);
      return [];
    }
    const files: Item[][] = [];
    for (const arg of args) {
      const expanded = this.expandTilde(arg);
      const abs = path.isAbsolute(expanded) ? expanded : path.join(this.includeBase, expanded);
      for (const file of globSync(abs)) {
        try {
          files.push(this.parse(readFileSync(file, 'utf8'), file, depth + 1));
        } catch (e) {
          this.warnings.push(`${where}: cannot read ${file}: ${(e as Error).message}`);
        }
      }
    }
    return files;
  }

  private expandTilde(p: string): string {
    if (p === '~') return this.home;
    if (p.startsWith('~/')) return path.join(this.home, p.slice(2));
    return p;
  }
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'root';
  }
}
