// Wire types shared by many procedures (remote_protocol.x "Data types").
import {
  type Codec,
  type Infer,
  STRING_MAX,
  fixedOpaque,
  int,
  mapped,
  optional,
  string,
  struct,
} from './codec';
import { XdrError, numberIfSafe } from './xdr';

/** Upper bounds from remote_protocol.x, used by both directions. */
export const LIMITS = {
  DOMAIN_LIST_MAX: 16384,
  NETWORK_LIST_MAX: 16384,
  STORAGE_POOL_LIST_MAX: 16384,
  STORAGE_VOL_LIST_MAX: 16384,
  AUTH_TYPE_LIST_MAX: 20,
  CONNECT_GET_ALL_DOMAIN_STATS_MAX: 262144,
  DOMAIN_INTERFACE_MAX: 2048,
  DOMAIN_IP_ADDR_MAX: 2048,
  NODE_MEMORY_STATS_MAX: 16,
  DOMAIN_EVENT_TUNABLE_MAX: 2048,
  DOMAIN_JOB_STATS_MAX: 64,
} as const;

const UUID_RE = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})$/i;

export function uuidToString(b: Uint8Array): string {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function uuidToBytes(s: string): Buffer {
  const m = UUID_RE.exec(s.trim());
  if (!m) throw new XdrError('invalid', `not a UUID: ${JSON.stringify(s)}`);
  return Buffer.from(m.slice(1).join(''), 'hex');
}

/** remote_uuid: 16 raw bytes on the wire, canonical text in JS. */
export const uuid: Codec<string> = mapped(fixedOpaque(16), uuidToString, uuidToBytes);

/** remote_nonnull_domain; id is -1 while the domain is inactive. */
export const domain = struct({ name: string, uuid, id: int });
export type DomainRef = Infer<typeof domain>;
export const optDomain = optional(domain);

export const network = struct({ name: string, uuid });
export type NetworkRef = Infer<typeof network>;

export const storagePool = struct({ name: string, uuid });
export type StoragePoolRef = Infer<typeof storagePool>;

export const storageVol = struct({ pool: string, name: string, key: string });
export type StorageVolRef = Infer<typeof storageVol>;

// virTypedParameterType numbering (remote_typed_param_value's discriminant).
export const TypedParamType = {
  INT: 1,
  UINT: 2,
  LLONG: 3,
  ULLONG: 4,
  DOUBLE: 5,
  BOOLEAN: 6,
  STRING: 7,
} as const;

export type TypedParam =
  | { field: string; type: 'int'; value: number }
  | { field: string; type: 'uint'; value: number }
  | { field: string; type: 'llong'; value: bigint }
  | { field: string; type: 'ullong'; value: bigint }
  | { field: string; type: 'double'; value: number }
  | { field: string; type: 'boolean'; value: boolean }
  | { field: string; type: 'string'; value: string };

/** remote_typed_param: `string field; union switch (int type) {...} value`. */
export const typedParam: Codec<TypedParam> = {
  min: 12,
  enc(w, p) {
    w.string(p.field, STRING_MAX);
    switch (p.type) {
      case 'int':
        w.int(TypedParamType.INT).int(p.value);
        break;
      case 'uint':
        w.int(TypedParamType.UINT).uint(p.value);
        break;
      case 'llong':
        w.int(TypedParamType.LLONG).hyper(p.value);
        break;
      case 'ullong':
        w.int(TypedParamType.ULLONG).uhyper(p.value);
        break;
      case 'double':
        w.int(TypedParamType.DOUBLE).double(p.value);
        break;
      case 'boolean':
        w.int(TypedParamType.BOOLEAN).int(p.value ? 1 : 0);
        break;
      case 'string':
        w.int(TypedParamType.STRING).string(p.value, STRING_MAX);
        break;
    }
  },
  dec(r) {
    const field = r.string(STRING_MAX);
    const type = r.int();
    switch (type) {
      case TypedParamType.INT:
        return { field, type: 'int', value: r.int() };
      case TypedParamType.UINT:
        return { field, type: 'uint', value: r.uint() };
      case TypedParamType.LLONG:
        return { field, type: 'llong', value: r.hyper() };
      case TypedParamType.ULLONG:
        return { field, type: 'ullong', value: r.uhyper() };
      case TypedParamType.DOUBLE:
        return { field, type: 'double', value: r.double() };
      case TypedParamType.BOOLEAN:
        return { field, type: 'boolean', value: r.int() !== 0 };
      case TypedParamType.STRING:
        return { field, type: 'string', value: r.string(STRING_MAX) };
      default:
        throw new XdrError('invalid', `unknown typed parameter type ${type} for ${JSON.stringify(field)}`);
    }
  },
};

export type TypedParamScalar = number | bigint | boolean | string;

/**
 * Flattens typed parameters into a record. 64-bit values become numbers when
 * exact and stay bigint otherwise (cumulative CPU ns can pass 2^53).
 * Repeated fields keep the last value.
 */
export function typedParamsToRecord(params: readonly TypedParam[]): Record<string, TypedParamScalar> {
  // No prototype: a field named "__proto__" from the wire must stay plain data.
  const out = Object.create(null) as Record<string, TypedParamScalar>;
  for (const p of params) {
    out[p.field] = p.type === 'llong' || p.type === 'ullong' ? numberIfSafe(p.value) : p.value;
  }
  return out;
}
