import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { matchWildcard } from './patterns';

// The lexical side of ssh_config(5): words, ProxyJump hops, %-tokens, Include
// globs. Kept apart from the section logic in ssh-config.ts.

export interface JumpSpec {
  host: string;
  user?: string;
  port?: number;
}

/** Splits a config line into words: `Key value`, `Key=value`, "quoted args", # comments. */
export function tokenize(line: string): string[] {
  const m = /^\s*([^\s=#]+)\s*(?:=\s*)?(.*)$/.exec(line);
  if (!m) return [];
  const words = [m[1] as string];
  const rest = m[2] as string;
  let i = 0;
  while (i < rest.length) {
    const ch = rest[i] as string;
    if (ch === ' ' || ch === '\t') {
      i++;
    } else if (ch === '#') {
      break; // an unquoted # starts a trailing comment
    } else if (ch === '"') {
      const end = rest.indexOf('"', i + 1);
      if (end < 0) throw new Error('unterminated quote');
      words.push(rest.slice(i + 1, end));
      i = end + 1;
    } else {
      const start = i;
      while (i < rest.length && !/[\s"]/.test(rest[i] as string)) i++;
      words.push(rest.slice(start, i));
    }
  }
  return words;
}

export function expandPercent(s: string, tokens: Record<string, string>): string {
  return s.replace(/%(.)/g, (all, c: string) => (c === '%' ? '%' : (tokens[c] ?? all)));
}

export function parsePort(s: string): number | undefined {
  if (!/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** `[user@]host[:port]` or `ssh://[user@]host[:port]`, comma separated; IPv6 in brackets. */
export function parseProxyJump(value: string): JumpSpec[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((hop) => {
      let rest = hop.replace(/^ssh:\/\//i, '').replace(/\/$/, '');
      let user: string | undefined;
      const at = rest.lastIndexOf('@');
      if (at >= 0) {
        user = rest.slice(0, at);
        rest = rest.slice(at + 1);
      }
      let host = rest;
      let portText: string | undefined;
      const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
      if (bracket) {
        host = bracket[1] as string;
        portText = bracket[2];
      } else if (rest.split(':').length === 2) {
        [host, portText] = rest.split(':') as [string, string];
      }
      const port = portText === undefined ? undefined : parsePort(portText);
      if (portText !== undefined && port === undefined) throw new Error(`ProxyJump ${hop}: bad port`);
      if (!host) throw new Error(`ProxyJump ${hop}: no host`);
      return { host, ...(user ? { user } : {}), ...(port !== undefined ? { port } : {}) };
    });
}

/** Minimal glob: `*` and `?` in any path component, results sorted like glob(3). */
export function globSync(pattern: string): string[] {
  const parts = pattern.split(path.sep);
  let bases = [parts[0] === '' ? path.sep : (parts[0] as string)];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?]/.test(part)) {
        next.push(path.join(base, part));
        continue;
      }
      let names: string[] = [];
      try {
        names = readdirSync(base);
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        if (name.startsWith('.') && !part.startsWith('.')) continue;
        if (matchWildcard(name, part)) next.push(path.join(base, name));
      }
    }
    bases = next;
  }
  return bases.filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}

