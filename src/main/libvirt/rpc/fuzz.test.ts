// Property tests: hostile bytes must only ever produce typed errors, quickly,
// and never make the decoder allocate for a count it has not received.
// Seeded so a failure reproduces (the seed is in the assertion message).
import { describe, expect, it } from 'vitest';
import { type Codec, decode, encode } from './codec';
import { decodeLibvirtError, LibvirtError, RpcProtocolError } from './errors';
import { PacketError, PacketReader, encodePacket, MessageType, REMOTE_PROGRAM } from './packet';
import { Events, P } from './procedures/index';
import { prng, randBytes, randInt, randomChunks } from './testing/prng';
import { XdrError, XdrReader, XdrWriter } from './xdr';

const dom = (i: number) => ({ name: `vm-${i}-ü`, uuid: '00112233-4455-6677-8899-aabbccddeeff', id: i - 1 });

// Valid encodings to truncate and mutate, covering nested arrays and unions.
const samples: [string, Codec<unknown>, unknown][] = [
  ['list all domains', P.CONNECT_LIST_ALL_DOMAINS.ret as Codec<unknown>, { domains: [dom(1), dom(2), dom(3)], ret: 3 }],
  [
    'all domain stats',
    P.CONNECT_GET_ALL_DOMAIN_STATS.ret as Codec<unknown>,
    [
      { dom: dom(1), params: [{ field: 'state.state', type: 'int', value: 1 }, { field: 'cpu.time', type: 'ullong', value: 123456789n }] },
      { dom: dom(2), params: [{ field: 's', type: 'string', value: 'x' }, { field: 'd', type: 'double', value: 1.5 }] },
    ],
  ],
  [
    'interface addresses',
    P.DOMAIN_INTERFACE_ADDRESSES.ret as Codec<unknown>,
    [{ name: 'vnet0', hwaddr: '52:54:00:00:00:01', addrs: [{ type: 0, addr: '192.168.122.5', prefix: 24 }] }],
  ],
  ['node info', P.NODE_GET_INFO.ret as Codec<unknown>, { model: 'x86_64', memory: 1, cpus: 1, mhz: 1, nodes: 1, sockets: 1, cores: 1, threads: 1 }],
  ['lifecycle event', Events.domainLifecycle.msg as Codec<unknown>, { callbackID: 1, dom: dom(1), event: 2, detail: 0 }],
  ['metadata event', Events.domainMetadataChange.msg as Codec<unknown>, { callbackID: 1, dom: dom(1), type: 2, nsuri: 'http://x/' }],
  ['tunable event', Events.domainTunable.msg as Codec<unknown>, { callbackID: 1, dom: dom(1), params: [{ field: 'b', type: 'boolean', value: false }] }],
];

const decoders: [string, Codec<unknown>][] = [
  ...Object.values(P).flatMap((p) => [
    [`${p.name} ret`, p.ret as Codec<unknown>] as [string, Codec<unknown>],
    [`${p.name} args`, p.args as Codec<unknown>] as [string, Codec<unknown>],
  ]),
  ...Object.entries(Events).map(([n, e]) => [`${n} msg`, e.msg as Codec<unknown>] as [string, Codec<unknown>]),
];

function onlyXdrErrors(c: Codec<unknown>, bytes: Uint8Array, label: string): void {
  try {
    decode(c, bytes);
  } catch (e) {
    if (!(e instanceof XdrError)) throw new Error(`${label}: non-XDR error ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
  }
}

describe('fuzz: decoders', () => {
  it('random payloads give only XdrError for every procedure and event codec', () => {
    const rnd = prng(0xc0ffee);
    for (let i = 0; i < 3000; i++) {
      const [name, c] = decoders[randInt(rnd, 0, decoders.length - 1)] as [string, Codec<unknown>];
      const bytes = randBytes(rnd, randInt(rnd, 0, 200));
      // Small declared lengths are more interesting than random 32-bit ones.
      if (bytes.length >= 4 && rnd() < 0.5) bytes.writeUInt32BE(randInt(rnd, 0, 8), 0);
      onlyXdrErrors(c, bytes, `${name} iteration ${i}`);
    }
  });

  it('every truncation and word mutation of valid payloads gives only XdrError', () => {
    const rnd = prng(1234);
    const evil = [0xffffffff, 0x7fffffff, 0x80000000, 0x00010000, 0x00400001, 2, 0];
    for (const [name, c, v] of samples) {
      const good = encode(c, v);
      expect(decode(c, good), name).toEqual(v);
      for (let n = 0; n < good.length; n++) onlyXdrErrors(c, good.subarray(0, n), `${name} cut at ${n}`);
      for (let k = 0; k < 300; k++) {
        const m = Buffer.from(good);
        const at = randInt(rnd, 0, (m.length >> 2) - 1) * 4;
        m.writeUInt32BE(evil[randInt(rnd, 0, evil.length - 1)] as number, at);
        onlyXdrErrors(c, m, `${name} word ${at} mutation ${k}`);
      }
    }
  });

  it('error payload decoding never throws', () => {
    const rnd = prng(77);
    for (let i = 0; i < 2000; i++) {
      const e = decodeLibvirtError(randBytes(rnd, randInt(rnd, 0, 120)));
      expect(e instanceof LibvirtError || e instanceof RpcProtocolError).toBe(true);
    }
  });

  it('a declared count of 2^31 fails before decoding any element', () => {
    let reads = 0;
    const t0 = performance.now();
    for (const count of [0x80000000, 0xffffffff, 16384, 262144]) {
      const bytes = new XdrWriter().uint(count).int(1).int(2).view();
      expect(() => new XdrReader(bytes).array(262144, (r) => (reads++, r.int()))).toThrow(XdrError);
    }
    const stats = new XdrWriter().uint(16384).view();
    expect(() => decode(P.CONNECT_GET_ALL_DOMAIN_STATS.ret, stats)).toThrow(XdrError);
    const longString = new XdrWriter().uint(4194304).view();
    expect(() => decode(P.CONNECT_GET_HOSTNAME.ret, longString)).toThrowError(expect.objectContaining({ kind: 'truncated' }));
    expect(reads).toBe(0);
    expect(performance.now() - t0).toBeLessThan(50);
  });
});

describe('fuzz: packet reader', () => {
  it('random byte streams give only PacketError and stay bounded', () => {
    const rnd = prng(42);
    for (let i = 0; i < 2000; i++) {
      const r = new PacketReader();
      const bytes = randBytes(rnd, randInt(rnd, 0, 400));
      if (rnd() < 0.3 && bytes.length >= 4) bytes.writeUInt32BE(randInt(rnd, 28, 64), 0); // plausible lengths
      try {
        for (const c of randomChunks(rnd, bytes, 37)) r.push(c, () => undefined);
      } catch (e) {
        expect(e, `seed 42 iteration ${i}`).toBeInstanceOf(PacketError);
      }
      expect(r.bufferedBytes).toBeLessThanOrEqual(bytes.length);
    }
  });

  it('huge declared lengths are refused on the length word alone', () => {
    const r = new PacketReader();
    const b = Buffer.alloc(4);
    b.writeUInt32BE(0x7fffffff, 0);
    expect(() => r.push(b, () => undefined)).toThrow(PacketError);
    expect(r.bufferedBytes).toBe(0);
  });

  it('truncated valid packets are held, not delivered or thrown', () => {
    const pkt = encodePacket({ prog: REMOTE_PROGRAM, vers: 1, proc: 59, type: MessageType.REPLY, serial: 1, status: 0 }, encode(P.CONNECT_GET_HOSTNAME.ret, 'host'));
    for (let n = 0; n < pkt.length; n++) {
      const r = new PacketReader();
      let got = 0;
      r.push(pkt.subarray(0, n), () => got++);
      expect(got).toBe(0);
      r.push(pkt.subarray(n), () => got++);
      expect(got).toBe(1);
    }
  });
});
