// XDR (RFC 4506) as libvirt's rpcgen uses it: everything is big-endian and
// padded to 4 bytes. The reader is fed bytes from the network, so every
// length and count is checked against the bytes left AND a declared maximum
// before anything is allocated, and every failure is an XdrError.

export type XdrErrorKind = 'truncated' | 'limit' | 'range' | 'invalid' | 'trailing';

export class XdrError extends Error {
  override readonly name = 'XdrError';
  constructor(
    readonly kind: XdrErrorKind,
    message: string,
  ) {
    super(message);
  }
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

const pad4 = (n: number): number => (4 - (n & 3)) & 3;

export class XdrWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialSize));
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int(v: number): this {
    if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
      throw new XdrError('range', `int out of range: ${v}`);
    }
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  uint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > UINT32_MAX) {
      throw new XdrError('range', `unsigned int out of range: ${v}`);
    }
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  hyper(v: bigint | number): this {
    const b = toBigInt(v);
    if (b < INT64_MIN || b > INT64_MAX) throw new XdrError('range', `hyper out of range: ${b}`);
    this.ensure(8);
    this.buf.writeBigInt64BE(b, this.pos);
    this.pos += 8;
    return this;
  }

  uhyper(v: bigint | number): this {
    const b = toBigInt(v);
    if (b < 0n || b > UINT64_MAX) throw new XdrError('range', `unsigned hyper out of range: ${b}`);
    this.ensure(8);
    this.buf.writeBigUInt64BE(b, this.pos);
    this.pos += 8;
    return this;
  }

  bool(v: boolean): this {
    return this.int(v ? 1 : 0);
  }

  double(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  string(v: string, max: number): this {
    const bytes = Buffer.from(v, 'utf8');
    if (bytes.length > max) throw new XdrError('limit', `string of ${bytes.length} bytes exceeds ${max}`);
    return this.opaqueBody(bytes, true);
  }

  opaqueFixed(v: Uint8Array, size: number): this {
    if (v.length !== size) throw new XdrError('range', `fixed opaque needs ${size} bytes, got ${v.length}`);
    return this.opaqueBody(v, false);
  }

  opaqueVar(v: Uint8Array, max: number): this {
    if (v.length > max) throw new XdrError('limit', `opaque of ${v.length} bytes exceeds ${max}`);
    return this.opaqueBody(v, true);
  }

  optional<T>(v: T | null | undefined, write: (w: this, v: T) => void): this {
    if (v === null || v === undefined) return this.uint(0);
    this.uint(1);
    write(this, v);
    return this;
  }

  array<T>(items: readonly T[], max: number, write: (w: this, v: T) => void): this {
    if (items.length > max) throw new XdrError('limit', `array of ${items.length} exceeds ${max}`);
    this.uint(items.length);
    for (const item of items) write(this, item);
    return this;
  }

  /** Appends bytes that are already XDR encoded (or raw stream data). */
  raw(v: Uint8Array): this {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
    return this;
  }

  private opaqueBody(v: Uint8Array, withLength: boolean): this {
    const pad = pad4(v.length);
    this.ensure((withLength ? 4 : 0) + v.length + pad);
    if (withLength) this.uint(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
    this.buf.fill(0, this.pos, this.pos + pad);
    this.pos += pad;
    return this;
  }

  /** A view of the bytes written so far (valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Overwrites a u32 at an earlier offset (used for the packet length). */
  patchUint(offset: number, v: number): void {
    if (offset < 0 || offset + 4 > this.pos) throw new XdrError('range', 'patch outside written data');
    this.buf.writeUInt32BE(v, offset);
  }
}

export class XdrReader {
  private pos: number;
  private readonly end: number;
  private readonly dv: DataView;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    if (start < 0 || end > buf.length || start > end) throw new XdrError('range', 'bad reader bounds');
    this.pos = start;
    this.end = end;
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get offset(): number {
    return this.pos;
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new XdrError('truncated', `${what}: need ${n} bytes, ${this.end - this.pos} left`);
    }
  }

  int(): number {
    this.need(4, 'int');
    const v = this.dv.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  uint(): number {
    this.need(4, 'unsigned int');
    const v = this.dv.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  hyper(): bigint {
    this.need(8, 'hyper');
    const v = this.dv.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }

  uhyper(): bigint {
    this.need(8, 'unsigned hyper');
    const v = this.dv.getBigUint64(this.pos);
    this.pos += 8;
    return v;
  }

  /** hyper as a number; fails rather than silently losing precision. */
  hyperNumber(): number {
    return safeNumber(this.hyper());
  }

  uhyperNumber(): number {
    return safeNumber(this.uhyper());
  }

  bool(): boolean {
    const v = this.int();
    if (v !== 0 && v !== 1) throw new XdrError('invalid', `bool must be 0 or 1, got ${v}`);
    return v === 1;
  }

  double(): number {
    this.need(8, 'double');
    const v = this.dv.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  string(max: number): string {
    const bytes = this.opaqueBody(this.lengthWithin(max, 'string'), 'string');
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }

  opaqueFixed(size: number): Buffer {
    return Buffer.from(this.opaqueBody(size, 'fixed opaque'));
  }

  opaqueVar(max: number): Buffer {
    return Buffer.from(this.opaqueBody(this.lengthWithin(max, 'opaque'), 'opaque'));
  }

  optional<T>(read: (r: this) => T): T | null {
    const flag = this.uint();
    if (flag === 0) return null;
    if (flag !== 1) throw new XdrError('invalid', `optional flag must be 0 or 1, got ${flag}`);
    return read(this);
  }

  /**
   * Variable array. `minItemBytes` is the smallest encoding of one item (every
   * XDR item takes at least 4 bytes), so a forged count of 2^31 fails here,
   * before any item is decoded or any array grows.
   */
  array<T>(max: number, read: (r: this) => T, minItemBytes = 4): T[] {
    const count = this.lengthWithin(max, 'array');
    if (count * minItemBytes > this.remaining) {
      throw new XdrError('truncated', `array of ${count} cannot fit in ${this.remaining} bytes`);
    }
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(read(this));
    return out;
  }

  /** Fixed-length array (e.g. rpcgen's `char model[32]`). */
  fixedArray<T>(count: number, read: (r: this) => T): T[] {
    this.need(count * 4, 'fixed array');
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(read(this));
    return out;
  }

  /** All bytes left (stream data is raw, not XDR). */
  rest(): Buffer {
    const out = Buffer.from(this.buf.subarray(this.pos, this.end));
    this.pos = this.end;
    return out;
  }

  /** Replies must be consumed exactly: leftovers mean our layout is wrong. */
  done(): void {
    if (this.pos !== this.end) throw new XdrError('trailing', `${this.end - this.pos} bytes left undecoded`);
  }

  private lengthWithin(max: number, what: string): number {
    const n = this.uint();
    if (n > max) throw new XdrError('limit', `${what} length ${n} exceeds maximum ${max}`);
    return n;
  }

  private opaqueBody(n: number, what: string): Uint8Array {
    const total = n + pad4(n);
    this.need(total, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += total;
    return out;
  }
}

function toBigInt(v: bigint | number): bigint {
  if (typeof v === 'bigint') return v;
  if (!Number.isSafeInteger(v)) throw new XdrError('range', `not a safe integer: ${v}`);
  return BigInt(v);
}

/** A 64-bit value as a number when it fits exactly; throws otherwise. */
export function safeNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new XdrError('range', `64-bit value ${v} does not fit a JS number exactly`);
  }
  return Number(v);
}

/** A 64-bit value as a number when it fits exactly, else kept as bigint. */
export function numberIfSafe(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}
