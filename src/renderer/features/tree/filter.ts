import type { DomainSummary } from '../../../shared/model/domain';
import type { Host } from '../../../shared/model/host';

// The sidebar's search language: free words plus `key:value` terms. Terms of
// different kinds AND together; values of one term (`state:running,paused`)
// OR. A leading `-` negates a term. Quotes keep spaces: `tag:"web tier"`.

export type FilterField = 'text' | 'name' | 'tag' | 'state' | 'ip' | 'host';
export interface FilterTerm {
  field: FilterField;
  values: string[];
  negate: boolean;
}

const FIELD_ALIASES: Record<string, FilterField> = {
  name: 'name',
  vm: 'name',
  tag: 'tag',
  tags: 'tag',
  state: 'state',
  status: 'state',
  is: 'state',
  ip: 'ip',
  addr: 'ip',
  host: 'host',
};

// Words admins type for states libvirt names differently.
const STATE_ALIASES: Record<string, string[]> = {
  off: ['shutoff'],
  stopped: ['shutoff'],
  down: ['shutoff'],
  on: ['running'],
  up: ['running'],
  active: ['running', 'blocked', 'paused'],
  suspended: ['paused', 'pmsuspended'],
  offline: ['unreachable', 'disconnected'],
  online: ['connected'],
};

export function tokenize(input: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let started = false;
  for (const ch of input) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started || cur) out.push(cur);
      cur = '';
      started = false;
    } else {
      cur += ch;
    }
  }
  if (started || cur) out.push(cur);
  return out.filter((t) => t !== '' && t !== '-');
}

export function parseFilter(input: string): FilterTerm[] {
  const terms: FilterTerm[] = [];
  for (let token of tokenize(input.toLowerCase())) {
    let negate = false;
    if (token.startsWith('-') && token.length > 1) {
      negate = true;
      token = token.slice(1);
    }
    const colon = token.indexOf(':');
    const field = colon > 0 ? FIELD_ALIASES[token.slice(0, colon)] : undefined;
    if (field) {
      const values = token
        .slice(colon + 1)
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      // `tag:` half typed: ignore rather than hide everything.
      if (values.length) terms.push({ field, values, negate });
    } else {
      terms.push({ field: 'text', values: [token], negate });
    }
  }
  return terms;
}

/** `prefix` lets `state:run` work; free words need the whole state, or typing "r" would match every running VM. */
export function stateMatches(state: string, wanted: string, prefix = true): boolean {
  const aliases = STATE_ALIASES[wanted];
  if (aliases?.includes(state)) return true;
  return prefix ? state.startsWith(wanted) : state === wanted;
}

/** What a VM offers to the filter, lower-cased once per list. */
export interface DomainMatchable {
  name: string;
  uuid: string;
  tags: string[];
  state: string;
  ips: string[];
  hostName: string;
  hostId: string;
}

export const domainMatchable = (d: DomainSummary, hostName: string): DomainMatchable => ({
  name: d.name.toLowerCase(),
  uuid: d.uuid,
  tags: d.tags.map((t) => t.toLowerCase()),
  state: d.state,
  ips: d.ips,
  hostName: hostName.toLowerCase(),
  hostId: d.hostId,
});

function domainValueMatches(field: FilterField, v: string, d: DomainMatchable): boolean {
  switch (field) {
    case 'name':
      return d.name.includes(v);
    case 'tag':
      return d.tags.some((t) => t.startsWith(v));
    case 'state':
      return stateMatches(d.state, v);
    case 'ip':
      return d.ips.some((ip) => ip.startsWith(v));
    case 'host':
      return d.hostName.includes(v) || d.hostId.includes(v);
    case 'text':
      return (
        d.name.includes(v) ||
        d.tags.some((t) => t.includes(v)) ||
        stateMatches(d.state, v, false) ||
        d.ips.some((ip) => ip.startsWith(v)) ||
        d.hostName.includes(v) ||
        d.uuid.startsWith(v)
      );
  }
}

export function matchDomain(terms: FilterTerm[], d: DomainMatchable): boolean {
  return terms.every((t) => t.values.some((v) => domainValueMatches(t.field, v, d)) !== t.negate);
}

function hostValueMatches(field: FilterField, v: string, h: Host): boolean {
  const name = h.config.name.toLowerCase();
  const target = h.config.target.transport === 'ssh' ? h.config.target.hostname.toLowerCase() : 'localhost';
  const tags = h.config.tags.map((t) => t.toLowerCase());
  switch (field) {
    case 'name':
      return name.includes(v);
    case 'tag':
      return tags.some((t) => t.startsWith(v));
    case 'state':
      return stateMatches(h.state.status, v);
    case 'ip':
      return target.startsWith(v);
    case 'host':
      return name.includes(v) || h.config.id.includes(v) || target.includes(v);
    case 'text':
      return (
        name.includes(v) ||
        target.includes(v) ||
        tags.some((t) => t.includes(v)) ||
        (h.config.group ?? '').toLowerCase().includes(v) ||
        stateMatches(h.state.status, v, false)
      );
  }
}

/** A host matching on its own shows with all its VMs (`host:kvm1`, `state:unreachable`). */
export function matchHost(terms: FilterTerm[], h: Host): boolean {
  return terms.every((t) => t.values.some((v) => hostValueMatches(t.field, v, h)) !== t.negate);
}
