import { describe, expect, expectTypeOf, it } from 'vitest';
import type { RpcClient } from '../client';
import { decode, encode } from '../codec';
import type { DomainRef } from '../types';
import { Events, P } from './index';

describe('procedure registry', () => {
  it('names come from the keys and numbers are unique', () => {
    const seen = new Map<number, string>();
    for (const [key, p] of Object.entries(P)) {
      expect(p.name).toBe(key);
      expect(seen.get(p.proc), `${key} reuses ${p.proc}`).toBeUndefined();
      seen.set(p.proc, key);
    }
    const eventProcs = new Set<number>();
    for (const [name, e] of Object.entries(Events)) {
      expect(seen.has(e.proc), `${name} collides with a call`).toBe(false);
      expect(eventProcs.has(e.proc), `${name} duplicates`).toBe(false);
      eventProcs.add(e.proc);
    }
  });

  it('pins the numbers from remote_protocol.x', () => {
    const pins: Record<string, number> = {
      CONNECT_OPEN: 1, CONNECT_CLOSE: 2, CONNECT_GET_VERSION: 4, NODE_GET_INFO: 6, CONNECT_GET_CAPABILITIES: 7,
      DOMAIN_CREATE: 9, DOMAIN_GET_XML_DESC: 14, DOMAIN_GET_AUTOSTART: 15, DOMAIN_GET_INFO: 16,
      DOMAIN_LOOKUP_BY_NAME: 23, DOMAIN_LOOKUP_BY_UUID: 24, DOMAIN_REBOOT: 27, DOMAIN_RESUME: 28,
      DOMAIN_SET_AUTOSTART: 29, DOMAIN_SUSPEND: 34, NETWORK_GET_XML_DESC: 43, NETWORK_LOOKUP_BY_NAME: 46,
      CONNECT_GET_HOSTNAME: 59, CONNECT_SUPPORTS_FEATURE: 60, AUTH_LIST: 66, AUTH_POLKIT: 70,
      STORAGE_POOL_LOOKUP_BY_NAME: 84, STORAGE_POOL_GET_XML_DESC: 88, STORAGE_VOL_CREATE_XML: 93,
      STORAGE_VOL_DELETE: 94, STORAGE_VOL_LOOKUP_BY_PATH: 97, STORAGE_VOL_GET_XML_DESC: 99, CONNECT_GET_URI: 110,
      CONNECT_GET_LIB_VERSION: 157, DOMAIN_CREATE_WITH_FLAGS: 196, DOMAIN_OPEN_CONSOLE: 201,
      STORAGE_VOL_UPLOAD: 208, STORAGE_VOL_DOWNLOAD: 209, DOMAIN_GET_STATE: 212, NODE_GET_MEMORY_STATS: 228,
      DOMAIN_UNDEFINE_FLAGS: 231, DOMAIN_DESTROY_FLAGS: 234, DOMAIN_RESET: 245, DOMAIN_SHUTDOWN_FLAGS: 258,
      DOMAIN_SET_METADATA: 264, DOMAIN_GET_METADATA: 265, CONNECT_LIST_ALL_DOMAINS: 273,
      CONNECT_LIST_ALL_STORAGE_POOLS: 281, STORAGE_POOL_LIST_ALL_VOLUMES: 282, CONNECT_LIST_ALL_NETWORKS: 283,
      CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY: 316, CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY: 317,
      CONNECT_GET_ALL_DOMAIN_STATS: 344, DOMAIN_DEFINE_XML_FLAGS: 350, DOMAIN_INTERFACE_ADDRESSES: 353,
      INTERFACE_GET_XML_DESC: 130, NETWORK_IS_PERSISTENT: 153, INTERFACE_IS_ACTIVE: 156, CONNECT_LIST_ALL_INTERFACES: 284,
      NETWORK_UPDATE: 291, CONNECT_NETWORK_EVENT_REGISTER_ANY: 313, NETWORK_GET_DHCP_LEASES: 341, NETWORK_DEFINE_XML_FLAGS: 432,
    };
    for (const [name, proc] of Object.entries(pins)) expect(P[name as keyof typeof P].proc, name).toBe(proc);
    expect(Events.domainLifecycle).toMatchObject({ proc: 318, eventId: 0 });
    expect(Events.domainReboot).toMatchObject({ proc: 319, eventId: 1 });
    expect(Events.domainDeviceRemoved).toMatchObject({ proc: 333, eventId: 15 });
    expect(Events.domainDeviceAdded).toMatchObject({ proc: 354, eventId: 19 });
    expect(Events.domainMetadataChange).toMatchObject({ proc: 379, eventId: 23 });
    expect(Events.networkLifecycle).toMatchObject({ proc: 315, eventId: 0 });
  });

  it('stream procedures are marked', () => {
    expect([P.DOMAIN_OPEN_CONSOLE, P.STORAGE_VOL_UPLOAD, P.STORAGE_VOL_DOWNLOAD].every((p) => p.stream)).toBe(true);
    expect(P.DOMAIN_GET_XML_DESC.stream).toBeFalsy();
  });

  it('args encode as the .x layout says', () => {
    const dom: DomainRef = { name: 'ab', uuid: '00112233-4455-6677-8899-aabbccddeeff', id: -1 };
    const bytes = encode(P.DOMAIN_GET_XML_DESC.args, { dom, flags: 2 });
    expect(bytes.toString('hex')).toBe('00000002' + '61620000' + '00112233445566778899aabbccddeeff' + 'ffffffff' + '00000002');
    expect(decode(P.DOMAIN_GET_XML_DESC.args, bytes)).toEqual({ dom, flags: 2 });
    // remote_node_get_info_ret: char model[32] is 32 four-byte items.
    const info = { model: 'x86_64', memory: 1024, cpus: 2, mhz: 3000, nodes: 1, sockets: 1, cores: 2, threads: 1 };
    const infoBytes = encode(P.NODE_GET_INFO.ret, info);
    expect(infoBytes.length).toBe(32 * 4 + 8 + 6 * 4);
    expect(decode(P.NODE_GET_INFO.ret, infoBytes)).toEqual(info);
  });

  it('infers argument and return types from the declaration (checked by tsc, not at run time)', () => {
    type Call = RpcClient['call'];
    expectTypeOf<ReturnType<typeof P.DOMAIN_GET_XML_DESC.ret.dec>>().toEqualTypeOf<string>();
    expectTypeOf<Parameters<typeof P.DOMAIN_GET_XML_DESC.args.enc>[1]>().toEqualTypeOf<{ dom: DomainRef; flags: number }>();
    expectTypeOf<ReturnType<typeof P.DOMAIN_GET_STATE.ret.dec>>().toEqualTypeOf<{ state: number; reason: number }>();
    expectTypeOf<ReturnType<typeof P.CONNECT_GET_LIB_VERSION.ret.dec>>().toEqualTypeOf<number>();
    expectTypeOf<Call>().toBeFunction();
    const typecheckOnly = (c: RpcClient, dom: DomainRef) => {
      void c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: 0 }).then((xml) => expectTypeOf(xml).toEqualTypeOf<string>());
      void c.call(P.CONNECT_GET_HOSTNAME).then((h) => expectTypeOf(h).toEqualTypeOf<string>());
      // @ts-expect-error flags is required
      void c.call(P.DOMAIN_GET_XML_DESC, { dom });
      // @ts-expect-error no-arg procedures take no args object
      void c.call(P.CONNECT_GET_HOSTNAME, { x: 1 });
    };
    // Never run: `npm run typecheck` (tsc over the tests) is what checks the
    // body, and fails if a @ts-expect-error above stops being an error.
    void typecheckOnly;
  });
});
