import { describe, expect, it } from 'vitest';
import {
  MESSAGE_MAX,
  MessageStatus,
  MessageType,
  PACKET_MAX,
  type Packet,
  PacketError,
  PacketReader,
  REMOTE_PROGRAM,
  decodePacket,
  encodeHeader,
  encodePacket,
} from './packet';
import { RpcProtocolError } from './errors';
import { prng, randBytes, randInt, randomChunks } from './testing/prng';

const hdr = (serial: number, proc = 59) => ({
  prog: REMOTE_PROGRAM,
  vers: 1,
  proc,
  type: MessageType.REPLY,
  serial,
  status: MessageStatus.OK,
});

function collect(reader: PacketReader, chunks: Buffer[]): Packet[] {
  const out: Packet[] = [];
  for (const c of chunks) reader.push(c, (p) => out.push(p));
  return out;
}

describe('packet framing', () => {
  it('a header written ahead of its payload frames the same bytes as the whole packet', () => {
    const payload = Buffer.alloc(300_000, 0x61);
    const h = { prog: REMOTE_PROGRAM, vers: 1, proc: 208, type: MessageType.STREAM, serial: 9, status: MessageStatus.CONTINUE };
    const head = encodeHeader(h, payload.length);
    expect(head.length).toBe(28);
    expect(Buffer.concat([head, payload]).equals(encodePacket(h, payload))).toBe(true);
    expect(() => encodeHeader(h, MESSAGE_MAX)).toThrow(PacketError);
  });

  it('encodes the length word (counting itself) and the 24-byte header', () => {
    const b = encodePacket({ prog: 8, vers: 1, proc: 3, type: 0, serial: 1, status: 0 }, Buffer.alloc(10, 0x55));
    expect(b.length).toBe(38);
    expect(b.readUInt32BE(0)).toBe(38);
    expect([4, 8, 12, 16, 20, 24].map((o) => b.readUInt32BE(o))).toEqual([8, 1, 3, 0, 1, 0]);
    const p = decodePacket(b);
    expect(p.header).toEqual({ prog: 8, vers: 1, proc: 3, type: 0, serial: 1, status: 0 });
    expect(p.payload.length).toBe(10);
  });

  it('keeps negative proc/type/status and u32 serials', () => {
    const p = decodePacket(encodePacket({ prog: 0xffffffff, vers: 1, proc: -1, type: -2, serial: 0xfffffffe, status: -3 }));
    expect(p.header).toEqual({ prog: 0xffffffff, vers: 1, proc: -1, type: -2, serial: 0xfffffffe, status: -3 });
  });

  it('refuses to build a packet over the maximum', () => {
    expect(() => encodePacket(hdr(1), Buffer.alloc(MESSAGE_MAX))).toThrow(PacketError);
  });

  it('reassembles packets fed one byte at a time', () => {
    const stream = Buffer.concat([encodePacket(hdr(1), Buffer.from('abcd')), encodePacket(hdr(2)), encodePacket(hdr(3), Buffer.alloc(1000, 7))]);
    const bytes = [...stream].map((b) => Buffer.from([b]));
    const got = collect(new PacketReader(), bytes);
    expect(got.map((p) => p.header.serial)).toEqual([1, 2, 3]);
    expect(got[0]?.payload.toString()).toBe('abcd');
    expect(got[2]?.payload.equals(Buffer.alloc(1000, 7))).toBe(true);
  });

  it('reassembles under random chunking (seeded)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = prng(seed);
      const packets = Array.from({ length: randInt(rnd, 1, 20) }, (_, i) => encodePacket(hdr(i + 1), randBytes(rnd, randInt(rnd, 0, 3000))));
      const got = collect(new PacketReader(), randomChunks(rnd, Buffer.concat(packets), randInt(rnd, 1, 5000)));
      expect(got.length, `seed ${seed}`).toBe(packets.length);
      got.forEach((p, i) => expect(encodePacket(p.header, p.payload).equals(packets[i] as Buffer), `seed ${seed} #${i}`).toBe(true));
    }
  });

  it.each([0, 4, 27, PACKET_MAX + 1, 0xffffffff])('rejects declared length %d with a typed error', (len) => {
    const r = new PacketReader();
    const b = Buffer.alloc(4);
    b.writeUInt32BE(len, 0);
    expect(() => r.push(b, () => undefined)).toThrow(PacketError);
    expect(() => r.push(b, () => undefined)).toThrow(RpcProtocolError);
    // Once failed it stays failed: the byte stream cannot be resynchronised.
    expect(() => r.push(encodePacket(hdr(1)), () => undefined)).toThrow(PacketError);
  });

  it('accepts exactly the maximum length and buffers no more than it has received', () => {
    const r = new PacketReader();
    const head = Buffer.alloc(28);
    head.writeUInt32BE(PACKET_MAX, 0);
    r.push(head, () => undefined);
    expect(r.bufferedBytes).toBe(28);
    r.push(Buffer.alloc(1000), () => undefined);
    expect(r.bufferedBytes).toBe(1028);
  });

  it('honours a smaller configured maximum', () => {
    const r = new PacketReader(1024);
    expect(() => r.push(encodePacket(hdr(1), Buffer.alloc(2000)), () => undefined)).toThrow(PacketError);
  });
});
