import { attr, buildXml, child, children, parseXml, text } from '../../shared/libvirt/xml';
import type { P2vTarget } from '../../shared/p2v/schema';
import type { HostTransport } from '../hosts/transport';
import { toLibvirtFailure } from '../libvirt/errors';
import { ListDomains } from '../libvirt/flags';
import { P } from '../libvirt/rpc/procedures/index';
import type { RpcClient } from '../libvirt/rpc/client';
import type { StorageVolRef } from '../libvirt/rpc/types';

// What a target host offers a P2V copy, read over its libvirt session, and
// the few volume operations the copy needs. The storage services (f-storage)
// will own volume creation; until they land, these call the RPC directly.

export async function p2vTarget(client: RpcClient, transport: HostTransport, hostId: string, signal?: AbortSignal): Promise<P2vTarget> {
  const o = signal ? { signal } : {};
  try {
    const { pools } = await client.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: 0 }, o);
    const poolInfo = await Promise.all(
      pools.map(async (pool) => {
        const [info, xml] = await Promise.all([client.call(P.STORAGE_POOL_GET_INFO, { pool }, o), client.call(P.STORAGE_POOL_GET_XML_DESC, { pool, flags: 0 }, o)]);
        return { name: pool.name, active: info.state === 2, capacity: info.capacity, available: info.available, type: attr(child(parseXml(xml), 'pool'), 'type') ?? 'unknown' };
      }),
    );
    const { nets } = await client.call(P.CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags: 0 }, o);
    const networks = await Promise.all(nets.map(async (net) => ({ name: net.name, active: await client.call(P.NETWORK_IS_ACTIVE, { net }, o) })));
    const caps = parseXml(await client.call(P.CONNECT_GET_CAPABILITIES, undefined, o));
    const kvm = children(child(caps, 'capabilities'), 'guest').some(
      (g) => attr(child(g, 'arch'), 'name') === 'x86_64' && children(child(g, 'arch'), 'domain').some((d) => attr(d, 'type') === 'kvm'),
    );
    const uefi = await hasUefi(client, o);
    const { domains } = await client.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: ListDomains.ACTIVE | ListDomains.INACTIVE }, o);
    const which = await transport.execScript('command -v virt-v2v-in-place || true', [], { timeoutMs: 15_000, ...o });
    const v2v = which.stdout.toString('utf8').trim().split('\n')[0];
    return {
      hostId,
      pools: poolInfo.sort((a, b) => a.name.localeCompare(b.name)),
      networks: networks.sort((a, b) => a.name.localeCompare(b.name)),
      kvm,
      uefi,
      ...(v2v ? { v2vInPlace: v2v } : {}),
      domainNames: domains.map((d) => d.name),
    };
  } catch (e) {
    throw toLibvirtFailure(e, hostId, 'Reading what the target host offers');
  }
}

async function hasUefi(client: RpcClient, o: { signal?: AbortSignal }): Promise<boolean> {
  try {
    const xml = await client.call(P.CONNECT_GET_DOMAIN_CAPABILITIES, { emulatorbin: null, arch: 'x86_64', machine: 'q35', virttype: null, flags: 0 }, o);
    const os = child(child(parseXml(xml), 'domainCapabilities'), 'os');
    const fw = children(os, 'enum').find((e) => attr(e, 'name') === 'firmware');
    if (fw && children(fw, 'value').some((v) => text(v) === 'efi')) return true;
    return children(child(os, 'loader'), 'value').length > 0;
  } catch {
    return false;
  }
}

export async function createRawVolume(client: RpcClient, hostId: string, poolName: string, name: string, capacity: number, signal: AbortSignal): Promise<{ vol: StorageVolRef; path: string }> {
  const xml = buildXml({ volume: { name, capacity: { '@_unit': 'bytes', '#text': String(capacity) }, allocation: { '@_unit': 'bytes', '#text': '0' }, target: { format: { '@_type': 'raw' } } } });
  try {
    const pool = await client.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: poolName }, { signal });
    const vol = await client.call(P.STORAGE_VOL_CREATE_XML, { pool, xml, flags: 0 }, { signal });
    const path = await client.call(P.STORAGE_VOL_GET_PATH, { vol }, { signal });
    return { vol, path };
  } catch (e) {
    throw toLibvirtFailure(e, hostId, `Creating volume ${name} in pool ${poolName}`);
  }
}

/** A qcow2 copy of a raw volume, made by libvirt (qemu-img convert on the host). */
export async function convertToQcow2(client: RpcClient, hostId: string, poolName: string, from: StorageVolRef, name: string, capacity: number, signal: AbortSignal): Promise<{ vol: StorageVolRef; path: string }> {
  const xml = buildXml({ volume: { name, capacity: { '@_unit': 'bytes', '#text': String(capacity) }, target: { format: { '@_type': 'qcow2' } } } });
  try {
    const pool = await client.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: poolName }, { signal });
    const vol = await client.call(P.STORAGE_VOL_CREATE_XML_FROM, { pool, xml, clonevol: from, flags: 0 }, { signal, timeoutMs: 6 * 3_600_000 });
    const path = await client.call(P.STORAGE_VOL_GET_PATH, { vol }, { signal });
    return { vol, path };
  } catch (e) {
    throw toLibvirtFailure(e, hostId, `Converting ${from.name} to qcow2 volume ${name}`);
  }
}

export async function deleteVolume(client: RpcClient, hostId: string, vol: StorageVolRef): Promise<void> {
  try {
    await client.call(P.STORAGE_VOL_DELETE, { vol, flags: 0 }, { timeoutMs: 60_000 });
  } catch (e) {
    throw toLibvirtFailure(e, hostId, `Deleting volume ${vol.name}`);
  }
}
