import { describe, expect, it } from 'vitest';
import { XdrError, XdrReader, XdrWriter, numberIfSafe, safeNumber } from './xdr';
import { array, decode, encode, optString, string, struct, uhyper, int } from './codec';
import { type TypedParam, typedParam, typedParamsToRecord, uuid, uuidToBytes, uuidToString } from './types';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('XdrWriter / XdrReader', () => {
  it('encodes integers big-endian in 4 bytes', () => {
    const w = new XdrWriter().int(-2).uint(0xfffffffe).bool(true);
    expect(hex(w.view())).toBe('fffffffe' + 'fffffffe' + '00000001');
    const r = new XdrReader(w.view());
    expect([r.int(), r.uint(), r.bool()]).toEqual([-2, 0xfffffffe, true]);
    r.done();
  });

  it('round-trips hyper and unsigned hyper at the extremes', () => {
    const vals = [0n, -1n, -(1n << 63n), (1n << 63n) - 1n];
    const w = new XdrWriter();
    for (const v of vals) w.hyper(v);
    w.uhyper((1n << 64n) - 1n).uhyper(42);
    const r = new XdrReader(w.view());
    expect(vals.map(() => r.hyper())).toEqual(vals);
    expect(r.uhyper()).toBe((1n << 64n) - 1n);
    expect(r.uhyperNumber()).toBe(42);
  });

  it('number helpers refuse to lose precision', () => {
    expect(safeNumber(9007199254740991n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => safeNumber(9007199254740992n)).toThrow(XdrError);
    expect(numberIfSafe(5n)).toBe(5);
    expect(numberIfSafe(1n << 60n)).toBe(1n << 60n);
    const r = new XdrReader(new XdrWriter().uhyper(1n << 60n).view());
    expect(() => r.uhyperNumber()).toThrow(XdrError);
  });

  it('round-trips doubles', () => {
    const w = new XdrWriter().double(Math.PI).double(-0).double(Infinity);
    const r = new XdrReader(w.view());
    expect([r.double(), Object.is(r.double(), -0), r.double()]).toEqual([Math.PI, true, Infinity]);
  });

  it('pads strings to 4 bytes with zeros and keeps UTF-8', () => {
    const w = new XdrWriter().string('abcde', 100);
    expect(hex(w.view())).toBe('00000005' + '6162636465' + '000000');
    const name = 'vm "quoted" $(rm -rf /) ü日本';
    const r = new XdrReader(new XdrWriter().string(name, 1000).string('', 10).view());
    expect(r.string(1000)).toBe(name);
    expect(r.string(10)).toBe('');
    r.done();
  });

  it('opaque fixed and variable, optional, arrays', () => {
    const w = new XdrWriter()
      .opaqueFixed(Buffer.from([1, 2, 3]), 3)
      .opaqueVar(Buffer.from([9]), 8)
      .optional(null, (ww, v: number) => ww.int(v))
      .optional(7, (ww, v) => ww.int(v))
      .array([1, 2, 3], 3, (ww, v) => ww.uint(v));
    expect(w.length).toBe(4 + 8 + 4 + 8 + 16);
    const r = new XdrReader(w.view());
    expect([...r.opaqueFixed(3)]).toEqual([1, 2, 3]);
    expect([...r.opaqueVar(8)]).toEqual([9]);
    expect(r.optional((rr) => rr.int())).toBeNull();
    expect(r.optional((rr) => rr.int())).toBe(7);
    expect(r.array(3, (rr) => rr.uint())).toEqual([1, 2, 3]);
    r.done();
  });

  it('writer rejects out-of-range values and over-long data', () => {
    expect(() => new XdrWriter().int(2 ** 31)).toThrow(XdrError);
    expect(() => new XdrWriter().uint(-1)).toThrow(XdrError);
    expect(() => new XdrWriter().int(1.5)).toThrow(XdrError);
    expect(() => new XdrWriter().hyper(1n << 63n)).toThrow(XdrError);
    expect(() => new XdrWriter().uhyper(-1n)).toThrow(XdrError);
    expect(() => new XdrWriter().string('abcdef', 5)).toThrow(XdrError);
    expect(() => new XdrWriter().array([1, 2], 1, (w, v) => w.int(v))).toThrow(XdrError);
    expect(() => new XdrWriter().opaqueFixed(Buffer.alloc(3), 16)).toThrow(XdrError);
  });

  it('reader checks declared lengths against maximum and remaining bytes', () => {
    const over = new XdrWriter().uint(11).view();
    expect(() => new XdrReader(over).string(10)).toThrowError(expect.objectContaining({ kind: 'limit' }));
    const short = new XdrWriter().uint(8).raw(Buffer.from('abc')).view();
    expect(() => new XdrReader(short).string(100)).toThrowError(expect.objectContaining({ kind: 'truncated' }));
    const bigCount = new XdrWriter().uint(0x80000000).view();
    expect(() => new XdrReader(bigCount).array(16384, (r) => r.int())).toThrowError(expect.objectContaining({ kind: 'limit' }));
    const fitsMaxNotData = new XdrWriter().uint(1000).int(1).view();
    expect(() => new XdrReader(fitsMaxNotData).array(16384, (r) => r.int())).toThrowError(expect.objectContaining({ kind: 'truncated' }));
    expect(() => new XdrReader(Buffer.alloc(3)).int()).toThrow(XdrError);
    expect(() => new XdrReader(new XdrWriter().uint(2).view()).optional((r) => r.int())).toThrow(XdrError);
    expect(() => new XdrReader(new XdrWriter().int(2).view()).bool()).toThrow(XdrError);
    const trailing = new XdrReader(new XdrWriter().int(1).int(2).view());
    trailing.int();
    expect(() => trailing.done()).toThrowError(expect.objectContaining({ kind: 'trailing' }));
  });

  it('reads from a view into a larger buffer', () => {
    const big = Buffer.concat([Buffer.from([0xaa, 0xbb]), new XdrWriter().int(-5).view(), Buffer.from([0xcc])]);
    const r = new XdrReader(big.subarray(2, 6));
    expect(r.int()).toBe(-5);
    r.done();
  });
});

describe('codecs', () => {
  it('struct keeps declaration order', () => {
    const c = struct({ b: int, a: string, o: optString, h: uhyper, list: array(int, 4) });
    const v = { b: 1, a: 'x', o: null, h: 5n, list: [1, 2] };
    const bytes = encode(c, v);
    expect(hex(bytes.subarray(0, 4))).toBe('00000001');
    expect(decode(c, bytes)).toEqual(v);
  });

  it('uuid is 16 raw bytes on the wire and text in JS', () => {
    const u = '6f489aec-604c-4056-95bc-6656d624f4e9';
    const bytes = encode(uuid, u);
    expect(bytes.length).toBe(16);
    expect(hex(bytes)).toBe(u.replace(/-/g, ''));
    expect(decode(uuid, bytes)).toBe(u);
    expect(uuidToString(uuidToBytes(u.toUpperCase()))).toBe(u);
    expect(() => encode(uuid, 'not-a-uuid')).toThrow(XdrError);
  });

  it('typed parameters of every type round-trip', () => {
    const params: TypedParam[] = [
      { field: 'i', type: 'int', value: -3 },
      { field: 'u', type: 'uint', value: 4000000000 },
      { field: 'l', type: 'llong', value: -(1n << 40n) },
      { field: 'ul', type: 'ullong', value: (1n << 63n) + 7n },
      { field: 'd', type: 'double', value: 0.25 },
      { field: 'b', type: 'boolean', value: true },
      { field: 's', type: 'string', value: 'running ✓' },
    ];
    const c = array(typedParam, 64);
    expect(decode(c, encode(c, params))).toEqual(params);
    const rec = typedParamsToRecord(params);
    expect(rec).toMatchObject({ i: -3, u: 4000000000, l: -(2 ** 40), ul: (1n << 63n) + 7n, d: 0.25, b: true });
  });

  it('typed parameter with an unknown type is an XdrError', () => {
    const bytes = new XdrWriter().string('x', 10).int(99).int(0).view();
    expect(() => decode(typedParam, bytes)).toThrowError(expect.objectContaining({ kind: 'invalid' }));
  });

  it('typedParamsToRecord treats __proto__ as plain data', () => {
    const rec = typedParamsToRecord([{ field: '__proto__', type: 'int', value: 1 }]);
    expect(Object.getPrototypeOf(rec)).toBeNull();
    expect(rec['__proto__']).toBe(1);
  });
});
