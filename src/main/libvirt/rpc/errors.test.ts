import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  LibvirtError,
  RpcProtocolError,
  decodeLibvirtError,
  errorCodeName,
  errorDomainName,
  isLibvirtError,
} from './errors';
import { XdrWriter } from './xdr';

// Built field by field from remote_error in remote_protocol.x, with the raw
// writer (not the codec under test).
function errorPayload(o: { code: number; domain: number; message: string | null; withDom?: boolean; withNet?: boolean }): Buffer {
  const w = new XdrWriter();
  w.int(o.code).int(o.domain);
  w.optional(o.message, (ww, m) => ww.string(m, 4194304));
  w.int(2); // level: VIR_ERR_ERROR
  w.optional(o.withDom ? 1 : null, (ww) => {
    ww.string('vm1', 100).opaqueFixed(Buffer.alloc(16, 0xab), 16).int(-1);
  });
  w.optional('Domain not found: %s', (ww, s) => ww.string(s, 100));
  w.optional("no domain with matching name 'x'", (ww, s) => ww.string(s, 100));
  w.optional(null, () => undefined);
  w.int(-1).int(-1);
  w.optional(o.withNet ? 1 : null, (ww) => {
    ww.string('default', 100).opaqueFixed(Buffer.alloc(16, 1), 16);
  });
  return Buffer.from(w.view());
}

describe('libvirt error payloads', () => {
  it('decodes every field', () => {
    const e = decodeLibvirtError(errorPayload({ code: 42, domain: 10, message: 'Domain not found', withDom: true, withNet: true }), 'DOMAIN_LOOKUP_BY_NAME');
    expect(e).toBeInstanceOf(LibvirtError);
    const le = e as LibvirtError;
    expect(le.message).toBe('Domain not found');
    expect(le.code).toBe(42);
    expect(le.codeName).toBe('VIR_ERR_NO_DOMAIN');
    expect(le.domainName).toBe('VIR_FROM_QEMU');
    expect(le.procedure).toBe('DOMAIN_LOOKUP_BY_NAME');
    expect(le.record.dom).toEqual({ name: 'vm1', uuid: 'abababab-abab-abab-abab-abababababab', id: -1 });
    expect(le.record.str1).toBe('Domain not found: %s');
    expect(le.record.str3).toBeNull();
    expect(le.record.net?.name).toBe('default');
    expect(isLibvirtError(le, ErrorCode.NO_DOMAIN)).toBe(true);
    expect(isLibvirtError(le, ErrorCode.OPERATION_INVALID)).toBe(false);
  });

  it('falls back to the code name when there is no message', () => {
    const e = decodeLibvirtError(errorPayload({ code: 55, domain: 10, message: null }));
    expect(e.message).toContain('VIR_ERR_OPERATION_INVALID');
  });

  it('names codes per virterror.h', () => {
    const expected: Record<number, string> = {
      1: 'VIR_ERR_INTERNAL_ERROR',
      8: 'VIR_ERR_INVALID_ARG',
      9: 'VIR_ERR_OPERATION_FAILED',
      27: 'VIR_ERR_XML_ERROR',
      29: 'VIR_ERR_OPERATION_DENIED',
      38: 'VIR_ERR_SYSTEM_ERROR',
      39: 'VIR_ERR_RPC',
      41: 'VIR_WAR_NO_NETWORK',
      42: 'VIR_ERR_NO_DOMAIN',
      45: 'VIR_ERR_AUTH_FAILED',
      49: 'VIR_ERR_NO_STORAGE_POOL',
      50: 'VIR_ERR_NO_STORAGE_VOL',
      55: 'VIR_ERR_OPERATION_INVALID',
      68: 'VIR_ERR_OPERATION_TIMEOUT',
      88: 'VIR_ERR_ACCESS_DENIED',
      110: 'VIR_ERR_MULTIPLE_DOMAINS',
    };
    for (const [code, name] of Object.entries(expected)) expect(errorCodeName(Number(code))).toBe(name);
    for (const [name, code] of Object.entries(ErrorCode)) expect(errorCodeName(code)).toBe(name.startsWith('WAR_') ? `VIR_${name}` : `VIR_ERR_${name}`);
    expect(errorCodeName(5000)).toBe('VIR_ERR_UNKNOWN_5000');
    expect(errorDomainName(10)).toBe('VIR_FROM_QEMU');
    expect(errorDomainName(18)).toBe('VIR_FROM_STORAGE');
    expect(errorDomainName(72)).toBe('VIR_FROM_CH');
  });

  it('a broken error payload is an RpcProtocolError, never a throw', () => {
    const good = errorPayload({ code: 42, domain: 10, message: 'x' });
    for (let n = 0; n < good.length; n++) {
      const e = decodeLibvirtError(good.subarray(0, n));
      expect(e).toBeInstanceOf(RpcProtocolError);
    }
    expect(decodeLibvirtError(Buffer.concat([good, Buffer.alloc(4)]))).toBeInstanceOf(RpcProtocolError);
  });
});
