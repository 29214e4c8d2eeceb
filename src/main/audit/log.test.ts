import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calls } from '../../shared/ipc/contract';
import { EventBus } from '../ipc/bus';
import { HandlerRegistry, type Handlers } from '../ipc/registry';
import { DisposableStore } from '../util/disposable';
import { silentLogger } from '../util/log';
import { AuditLog, type AuditInput } from './log';
import { AuditService } from './service';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-audit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const input = (call: string, extra: Partial<AuditInput> = {}): AuditInput => ({
  t: Date.now(),
  user: 'alice',
  via: 'desktop',
  call,
  hostId: 'lab-1',
  args: { hostId: 'lab-1' },
  result: 'ok',
  durationMs: 1,
  ...extra,
});

async function filled(n: number): Promise<AuditLog> {
  const log = new AuditLog(dir, silentLogger);
  for (let i = 0; i < n; i++) await log.append(input(`domains.lifecycle`, { target: `vm-${i}` }));
  return log;
}
const lines = (log: AuditLog) => readFileSync(log.file, 'utf8').trimEnd().split('\n');

describe('AuditLog hash chain', () => {
  it('links each record to the one before and verifies a clean log', async () => {
    const log = await filled(5);
    const recs = lines(log).map((l) => JSON.parse(l) as { seq: number; prev: string; hash: string });
    expect(recs.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(recs[0]!.prev).toBe('0'.repeat(64));
    for (let i = 1; i < recs.length; i++) expect(recs[i]!.prev).toBe(recs[i - 1]!.hash);
    expect(await log.verify()).toEqual({ ok: true, records: 5 });
  });

  it('names a record edited by hand', async () => {
    const log = await filled(5);
    const l = lines(log);
    l[2] = l[2]!.replace('"user":"alice"', '"user":"mallory"');
    writeFileSync(log.file, l.join('\n') + '\n');
    const v = await log.verify();
    expect(v).toMatchObject({ ok: false, records: 2, broken: { line: 3, seq: 3, reason: 'record 3 (line 3) was changed after it was written' } });
  });

  it('names the record after a removed line, and a reordered one', async () => {
    const log = await filled(5);
    const l = lines(log);
    writeFileSync(log.file, [l[0], l[1], l[3], l[4]].join('\n') + '\n');
    expect((await log.verify()).broken).toMatchObject({ line: 3, seq: 4, reason: expect.stringMatching(/does not follow the record before it/) });
    writeFileSync(log.file, [l[1], l[0], l[2]].join('\n') + '\n');
    expect((await log.verify()).broken).toMatchObject({ line: 1, seq: 2 });
  });

  it('names a line that is not a record at all', async () => {
    const log = await filled(2);
    appendFileSync(log.file, 'garbage\n');
    expect((await log.verify()).broken).toMatchObject({ line: 3, reason: 'line 3 is not a readable audit record', excerpt: 'garbage' });
  });

  it('a restarted log continues the chain; a torn last line is reported, not hidden', async () => {
    const first = await filled(3);
    await first.dispose();
    const again = new AuditLog(dir, silentLogger);
    await again.append(input('hosts.add'));
    expect(await again.verify()).toEqual({ ok: true, records: 4 });
    await again.dispose();
    appendFileSync(again.file, '{"seq":5,"id":"a-torn","t":1'); // crash mid-write
    const third = new AuditLog(dir, silentLogger);
    await third.append(input('hosts.remove'));
    expect((await third.verify()).broken).toMatchObject({ line: 5, reason: 'line 5 is not a readable audit record' });
  });

  it('lists newest first with filters and free-text search', async () => {
    const log = new AuditLog(dir, silentLogger);
    await log.append(input('domains.lifecycle', { user: 'alice', target: 'web-1' }));
    await log.append(input('domains.delete', { user: 'bob', target: 'db-1', result: 'error', error: { code: 'CONFLICT', message: 'volume in use by web-2' } }));
    await log.append(input('hosts.add', { user: 'alice', hostId: 'lab-2' }));
    expect((await log.list()).map((r) => r.seq)).toEqual([3, 2, 1]);
    expect((await log.list({ user: 'alice' })).map((r) => r.call)).toEqual(['hosts.add', 'domains.lifecycle']);
    expect((await log.list({ call: 'domains.' })).map((r) => r.seq)).toEqual([2, 1]);
    expect((await log.list({ result: 'error' })).map((r) => r.target)).toEqual(['db-1']);
    expect((await log.list({ q: 'web-2' })).map((r) => r.seq)).toEqual([2]);
    expect((await log.list({ limit: 1 })).map((r) => r.seq)).toEqual([3]);
  });
});

describe('AuditService on the handler registry', () => {
  it('records mutating calls with the principal, redacted args and the outcome; skips reads', async () => {
    const audit = new AuditService(dir, silentLogger, async (hostId, u) => (hostId === 'lab-1' && u.startsWith('1111') ? 'web-01' : undefined));
    const handlers = Object.fromEntries(Object.keys(calls).map((n) => [n, () => undefined])) as unknown as Handlers;
    handlers['app.ping'] = ({ echo }) => ({ echo, at: 1 });
    handlers['domains.setTags'] = ({ tags }) => ({ tags });
    const reg = new HandlerRegistry(handlers, silentLogger, { user: 'carol', via: 'desktop' });
    reg.observe(audit.observer);
    const ctx = { connectionId: 'c1', disposables: new DisposableStore() };
    const uuid = '11111111-2222-3333-4444-555555555555';
    await reg.dispatch('app.ping', { echo: 'x' }, ctx);
    await reg.dispatch('domains.setTags', { hostId: 'lab-1', uuid, tags: ['app:web'] }, ctx);
    await reg.dispatch('hosts.answerPrompt', { promptId: 'p1', accept: true, answers: ['hunter2'] }, { ...ctx, principal: { user: 'dave', via: 'serve-account' } });
    await reg.dispatch('domains.delete', { hostId: 'lab-1' }, ctx); // invalid: still an attempt worth recording
    const recs = await audit.list({});
    expect(recs.map((r) => [r.call, r.user, r.result])).toEqual([
      ['domains.delete', 'carol', 'error'],
      ['hosts.answerPrompt', 'dave', expect.any(String)],
      ['domains.setTags', 'carol', 'ok'],
    ]);
    expect(recs[2]).toMatchObject({ hostId: 'lab-1', target: `web-01 (${uuid})`, via: 'desktop', args: { tags: ['app:web'] } });
    expect(JSON.stringify(recs)).not.toContain('hunter2');
    expect(recs[0]!.error?.code).toBe('VALIDATION');
    const csv = await audit.export('csv', {});
    expect(csv.content.split('\r\n')[1]).toMatch(/^1,.*,carol,desktop,domains\.setTags,lab-1,/);
    expect(csv.records).toBe(3);
    await audit.dispose();
  });

  it('keeps writing while the bus and registry are busy (appends are serialised, not lost)', async () => {
    const log = new AuditLog(dir, silentLogger);
    new EventBus(); // nothing subscribes: appends don't depend on listeners
    await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(input('domains.lifecycle', { target: `vm-${i}` }))));
    expect(await log.verify()).toEqual({ ok: true, records: 200 });
  });
});
