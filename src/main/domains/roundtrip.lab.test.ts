import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { child, domainRoot, parseXmlDoc, serializeXmlDoc, setText } from '../../shared/libvirt/dom/index';
import { REPO } from '../hosts/lab-harness';
import { LibvirtError } from '../libvirt/rpc/errors';
import { P } from '../libvirt/rpc/procedures/index';
import { labCtx, type LabCtx } from './testing/lab-vm';

// "libvirt's canonical XML is unchanged" by our DOM layer: define each corpus
// XML (VALIDATE), dump it (INACTIVE|SECURE), parse + serialise it with our
// layer, define that, dump again: the two dumps must be equal. Files the lab's
// libvirt refuses are skipped with libvirt's reason printed (never silently).
const CORPUS = path.join(REPO, 'src/shared/libvirt/fixtures/corpus');
let ctx: LabCtx;
const results: Array<{ file: string; outcome: string }> = [];

beforeAll(async () => {
  ctx = await labCtx();
});
afterAll(async () => {
  console.log('round trip on the lab host:\n' + results.map((r) => `  ${r.file}: ${r.outcome}`).join('\n'));
  await ctx?.dispose();
});

const FLAGS = 1 /* SECURE */ | 2; /* INACTIVE */

describe('round trip through libvirt', () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.xml'));
  for (const file of files) {
    it(file, async () => {
      const c = ctx.sessions.client(ctx.hostId);
      // Own name and UUID, so corpus files never collide with each other or the lab.
      const doc = parseXmlDoc(readFileSync(path.join(CORPUS, file), 'utf8'));
      const root = domainRoot(doc);
      setText(child(root, 'name')!, `vd-rt-${Date.now()}-${file.replace(/\.xml$/, '')}`);
      const uuid = randomUUID();
      const u = child(root, 'uuid');
      if (u) setText(u, uuid);
      let dom;
      try {
        dom = await c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: serializeXmlDoc(doc), flags: 1 });
      } catch (e) {
        if (!(e instanceof LibvirtError)) throw e;
        results.push({ file, outcome: `skipped: libvirt 9.0 here refuses it (${e.message.split('\n').slice(0, 2).join(' ')})` });
        return;
      }
      ctx.created.push(dom.uuid);
      const first = await c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: FLAGS });
      const ours = serializeXmlDoc(parseXmlDoc(first));
      await c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: ours, flags: 1 });
      const second = await c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: FLAGS });
      expect(second).toBe(first);
      results.push({ file, outcome: 'unchanged' });
    });
  }
  it('most of the corpus is accepted by the lab host', () => {
    expect(results.filter((r) => r.outcome === 'unchanged').length).toBeGreaterThanOrEqual(8);
  });
});
