// Packet framing (virnetprotocol.x): u32 BE length that counts itself, a
// 24-byte header, then the payload. The reader checks the length word before
// buffering anything, so a hostile peer cannot make us hold more than one
// bounded packet.
import { RpcProtocolError } from './errors';

export const REMOTE_PROGRAM = 0x20008086;
export const REMOTE_PROTOCOL_VERSION = 1;
export const KEEPALIVE_PROGRAM = 0x6b656570; // "keep"
export const KEEPALIVE_VERSION = 1;
export const KeepaliveProc = { PING: 1, PONG: 2 } as const;

export const MessageType = {
  CALL: 0,
  REPLY: 1,
  MESSAGE: 2,
  STREAM: 3,
  CALL_WITH_FDS: 4,
  REPLY_WITH_FDS: 5,
  STREAM_HOLE: 6,
} as const;

export const MessageStatus = { OK: 0, ERROR: 1, CONTINUE: 2 } as const;

export const LENGTH_WORD = 4;
export const HEADER_SIZE = 24;
/** VIR_NET_MESSAGE_MAX: header + payload, not counting the length word. */
export const MESSAGE_MAX = 16 * 1024 * 1024;
export const PACKET_MIN = LENGTH_WORD + HEADER_SIZE;
export const PACKET_MAX = MESSAGE_MAX + LENGTH_WORD;
/**
 * VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX: old daemons refuse bigger payloads, and
 * libvirt's own client sends stream data in chunks of this size.
 */
export const STREAM_CHUNK_MAX = 262144;

export interface Header {
  prog: number;
  vers: number;
  proc: number;
  type: number;
  serial: number;
  status: number;
}

export interface Packet {
  header: Header;
  payload: Buffer;
}

export class PacketError extends RpcProtocolError {}

export function encodePacket(h: Header, payload?: Uint8Array): Buffer {
  const b = writeHeader(Buffer.allocUnsafe(PACKET_MIN + (payload?.length ?? 0)), h, payload?.length ?? 0);
  if (payload && payload.length > 0) b.set(payload, PACKET_MIN);
  return b;
}

/**
 * The length word and header of a packet whose payload is written separately
 * (right after it, on the same transport): bulk stream data goes out without
 * being copied into a packet buffer first.
 */
export function encodeHeader(h: Header, payloadLength: number): Buffer {
  return writeHeader(Buffer.allocUnsafe(PACKET_MIN), h, payloadLength);
}

function writeHeader(b: Buffer, h: Header, payloadLength: number): Buffer {
  const len = PACKET_MIN + payloadLength;
  if (len > PACKET_MAX) throw new PacketError(`packet of ${len} bytes exceeds ${PACKET_MAX}`);
  b.writeUInt32BE(len, 0);
  b.writeUInt32BE(h.prog >>> 0, 4);
  b.writeUInt32BE(h.vers >>> 0, 8);
  b.writeInt32BE(h.proc | 0, 12);
  b.writeInt32BE(h.type | 0, 16);
  b.writeUInt32BE(h.serial >>> 0, 20);
  b.writeInt32BE(h.status | 0, 24);
  return b;
}

/** Decodes one complete packet (length word included). */
export function decodePacket(b: Buffer): Packet {
  if (b.length < PACKET_MIN) throw new PacketError(`packet of ${b.length} bytes is shorter than a header`);
  const len = b.readUInt32BE(0);
  if (len !== b.length) throw new PacketError(`length word ${len} does not match ${b.length} bytes`);
  return {
    header: {
      prog: b.readUInt32BE(4),
      vers: b.readUInt32BE(8),
      proc: b.readInt32BE(12),
      type: b.readInt32BE(16),
      serial: b.readUInt32BE(20),
      status: b.readInt32BE(24),
    },
    payload: b.subarray(PACKET_MIN),
  };
}

/**
 * Streaming de-framer: accepts any chunking (down to one byte at a time) and
 * yields whole packets. The assembly buffer grows with the bytes actually
 * received, never past the validated length, so a forged 16 MiB length word
 * costs nothing until the data arrives. After a framing error the reader stays
 * failed: the byte stream cannot be resynchronised, the connection must close.
 */
export class PacketReader {
  private readonly lenWord = Buffer.alloc(LENGTH_WORD);
  private lenFill = 0;
  private need = 0; // validated length of the packet being assembled, 0 = unknown
  private asm: Buffer | null = null;
  private filled = 0;
  private failed: PacketError | null = null;

  constructor(private readonly maxPacket: number = PACKET_MAX) {
    if (maxPacket < PACKET_MIN || maxPacket > PACKET_MAX) throw new RangeError('maxPacket out of bounds');
  }

  /** Bytes held for an incomplete packet (at most the validated length). */
  get bufferedBytes(): number {
    return this.need === 0 ? this.lenFill : this.filled;
  }

  push(chunk: Uint8Array, onPacket: (p: Packet) => void): void {
    if (this.failed) throw this.failed;
    const src = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let off = 0;
    while (off < src.length) {
      if (this.need === 0) {
        const k = Math.min(LENGTH_WORD - this.lenFill, src.length - off);
        src.copy(this.lenWord, this.lenFill, off, off + k);
        off += k;
        this.lenFill += k;
        if (this.lenFill < LENGTH_WORD) return;
        const len = this.lenWord.readUInt32BE(0);
        if (len < PACKET_MIN || len > this.maxPacket) {
          this.fail(`invalid packet length ${len} (allowed ${PACKET_MIN}..${this.maxPacket})`);
        }
        this.need = len;
        this.asm = Buffer.allocUnsafe(Math.min(len, Math.max(src.length - off + LENGTH_WORD, 64 * 1024)));
        this.lenWord.copy(this.asm, 0);
        this.filled = LENGTH_WORD;
      }
      const k = Math.min(this.need - this.filled, src.length - off);
      this.reserve(this.filled + k);
      src.copy(this.asm as Buffer, this.filled, off, off + k);
      off += k;
      this.filled += k;
      if (this.filled < this.need) return;
      const packet = (this.asm as Buffer).subarray(0, this.need);
      this.asm = null;
      this.need = 0;
      this.lenFill = 0;
      this.filled = 0;
      onPacket(decodePacket(packet));
    }
  }

  private reserve(size: number): void {
    const asm = this.asm as Buffer;
    if (size <= asm.length) return;
    const next = Buffer.allocUnsafe(Math.min(this.need, Math.max(size, asm.length * 2)));
    asm.copy(next, 0, 0, this.filled);
    this.asm = next;
  }

  private fail(msg: string): never {
    this.failed = new PacketError(msg);
    this.asm = null;
    this.filled = 0;
    this.lenFill = 0;
    this.need = 0;
    throw this.failed;
  }
}
