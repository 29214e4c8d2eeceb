import type { RpcClient } from '../libvirt/rpc/client';
import { P } from '../libvirt/rpc/procedures/index';
import { NetworkFeature } from '../libvirt/rpc/procedures/network';
import type { NetworkRef } from '../libvirt/rpc/types';

// virNetworkUpdate's command and section travelled swapped between libvirt
// 0.10.2 and the fix: the client library swaps them back only when the daemon
// says it has the correct order (feature 16). We speak the wire protocol
// ourselves, so we ask once per connection and swap for old daemons, exactly
// like libvirt's own remote driver (and go-libvirt's NetworkUpdateCompat).
const orderProbe = new WeakMap<RpcClient, Promise<boolean>>();

export function hasCorrectUpdateOrder(c: RpcClient): Promise<boolean> {
  let p = orderProbe.get(c);
  if (!p) {
    p = c.call(P.CONNECT_SUPPORTS_FEATURE, { feature: NetworkFeature.UPDATE_HAS_CORRECT_ORDER }).catch(() => false);
    orderProbe.set(c, p);
  }
  return p;
}

export interface NetworkUpdateArgs {
  net: NetworkRef;
  command: number;
  section: number;
  /** Which <ip> block; -1 lets libvirt pick the one the address belongs to. */
  parentIndex: number;
  xml: string;
  flags: number;
}

/** The wire arguments for NETWORK_UPDATE given what the daemon answered to the probe. */
export function updateWireArgs(a: NetworkUpdateArgs, correctOrder: boolean) {
  return correctOrder ? { ...a } : { ...a, command: a.section, section: a.command };
}

export async function networkUpdate(c: RpcClient, a: NetworkUpdateArgs, signal?: AbortSignal): Promise<void> {
  await c.call(P.NETWORK_UPDATE, updateWireArgs(a, await hasCorrectUpdateOrder(c)), { signal });
}
