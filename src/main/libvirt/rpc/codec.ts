// Small XDR codec combinators, so a procedure's args/ret are declared once and
// both directions (and their TypeScript types) follow from the declaration.
import { XdrError, XdrReader, XdrWriter, safeNumber } from './xdr';

export interface Codec<T> {
  readonly enc: (w: XdrWriter, v: T) => void;
  readonly dec: (r: XdrReader) => T;
  /** Fewest bytes one value can take on the wire; bounds forged array counts. */
  readonly min: number;
}

export type Infer<C> = C extends Codec<infer T> ? T : never;

/** REMOTE_STRING_MAX in remote_protocol.x (libvirt >= 1.2.x). */
export const STRING_MAX = 4194304;

const codec = <T>(enc: Codec<T>['enc'], dec: Codec<T>['dec'], min: number): Codec<T> => ({ enc, dec, min });

export const none: Codec<void> = codec<void>(
  () => undefined,
  () => undefined,
  0,
);

export const int: Codec<number> = codec((w, v) => w.int(v), (r) => r.int(), 4);
export const uint: Codec<number> = codec((w, v) => w.uint(v), (r) => r.uint(), 4);
export const hyper: Codec<bigint> = codec((w, v) => w.hyper(v), (r) => r.hyper(), 8);
export const uhyper: Codec<bigint> = codec((w, v) => w.uhyper(v), (r) => r.uhyper(), 8);
/** 64-bit values that are known to stay small (versions, byte offsets). */
export const hyperNum: Codec<number> = codec((w, v) => w.hyper(v), (r) => safeNumber(r.hyper()), 8);
export const uhyperNum: Codec<number> = codec((w, v) => w.uhyper(v), (r) => safeNumber(r.uhyper()), 8);
export const double: Codec<number> = codec((w, v) => w.double(v), (r) => r.double(), 8);
/** XDR bool: strictly 0 or 1. */
export const bool: Codec<boolean> = codec((w, v) => w.bool(v), (r) => r.bool(), 4);
/** libvirt's C-style `int` flags (autostart, supported, complete): any non-zero is true. */
export const intBool: Codec<boolean> = codec((w, v) => w.int(v ? 1 : 0), (r) => r.int() !== 0, 4);

export const str = (max: number = STRING_MAX): Codec<string> =>
  codec((w, v) => w.string(v, max), (r) => r.string(max), 4);

/** remote_nonnull_string */
export const string = str();

export const opaque = (max: number): Codec<Buffer> =>
  codec((w, v) => w.opaqueVar(v, max), (r) => r.opaqueVar(max), 4);

export const fixedOpaque = (size: number): Codec<Buffer> =>
  codec((w, v) => w.opaqueFixed(v, size), (r) => r.opaqueFixed(size), size + ((4 - (size & 3)) & 3));

export function optional<T>(c: Codec<T>): Codec<T | null> {
  return codec(
    (w, v) => w.optional(v, (ww, vv) => c.enc(ww, vv)),
    (r) => r.optional((rr) => c.dec(rr)),
    4,
  );
}

/** remote_string: a nullable string. */
export const optString = optional(string);

export function array<T>(c: Codec<T>, max: number): Codec<T[]> {
  const minItem = Math.max(4, c.min);
  return codec(
    (w, v) => w.array(v, max, (ww, vv) => c.enc(ww, vv)),
    (r) => r.array(max, (rr) => c.dec(rr), minItem),
    4,
  );
}

/** rpcgen fixed vectors (`char model[32]`): every element is a 4-byte XDR item. */
export function vector<T>(c: Codec<T>, count: number): Codec<T[]> {
  return codec(
    (w, v) => {
      if (v.length !== count) throw new XdrError('range', `vector needs ${count} items, got ${v.length}`);
      for (const item of v) c.enc(w, item);
    },
    (r) => r.fixedArray(count, (rr) => c.dec(rr)),
    count * Math.max(4, c.min),
  );
}

type Fields = Record<string, Codec<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type StructOf<F extends Fields> = { [K in keyof F]: Infer<F[K]> };

/** A struct: fields are encoded in declaration order (object key order). */
export function struct<F extends Fields>(fields: F): Codec<StructOf<F>> {
  const entries = Object.entries(fields) as [keyof F & string, Codec<unknown>][];
  const min = entries.reduce((n, [, c]) => n + c.min, 0);
  return codec(
    (w, v) => {
      for (const [k, c] of entries) c.enc(w, v[k]);
    },
    (r) => {
      const out = {} as StructOf<F>;
      for (const [k, c] of entries) out[k] = c.dec(r) as StructOf<F>[typeof k];
      return out;
    },
    min,
  );
}

/** The same wire type seen as another JS type (e.g. a UUID as text). */
export function mapped<A, B>(c: Codec<A>, decode: (a: A) => B, encode: (b: B) => A): Codec<B> {
  return codec((w, v) => c.enc(w, encode(v)), (r) => decode(c.dec(r)), c.min);
}

/** Encodes a value to bytes (a call's payload). */
export function encode<T>(c: Codec<T>, v: T): Buffer {
  const w = new XdrWriter(64);
  c.enc(w, v);
  return Buffer.from(w.view());
}

/** Decodes a whole payload; leftover bytes are an error (our layout would be wrong). */
export function decode<T>(c: Codec<T>, payload: Uint8Array): T {
  const r = new XdrReader(payload);
  const v = c.dec(r);
  r.done();
  return v;
}
