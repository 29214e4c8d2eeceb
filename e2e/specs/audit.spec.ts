import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, readLab } from '../fixtures';
import { addLabHost, defineGuest, undefineGuest } from '../lab-tools';

// Issue 14, audit log: what is done in the UI is recorded with the right user,
// and a record edited by hand breaks the chain check, which names it.
const lab = readLab();
const h1 = lab.hosts[0]!;

test('actions appear in the audit log with the user; a hand-edited record is named by the chain check', async ({ app, core }) => {
  await addLabHost(core, h1);
  const name = `vd-audit-${Date.now()}`;
  const uuid = await defineGuest(h1, name);
  try {
    await app.getByTestId('tree-filter').fill(name);
    await app.getByTestId(`vm-row-${name}`).click();
    await app.getByTestId('vm-action-start').click();
    await expect(app.getByTestId(`vm-state-${name}`)).toHaveText('running');
    await app.getByTestId('vm-action-forceOff').click();
    await app.getByTestId('confirm-ok').click();
    await expect(app.getByTestId(`vm-state-${name}`)).toHaveText('shutoff');

    await app.getByTestId('open-audit').click();
    const user = os.userInfo().username;
    const rows = app.getByTestId('audit-row');
    // Newest first: force off, start, then the host add done by addLabHost over the WebSocket.
    await expect(rows.filter({ has: app.locator('code', { hasText: 'domains.lifecycle' }) })).toHaveCount(2);
    await expect(rows.first()).toHaveAttribute('data-user', user);
    await expect(rows.filter({ has: app.locator('code', { hasText: 'hosts.add' }) })).toHaveCount(1);
    await app.getByTestId('audit-search').fill(uuid);
    await expect(rows).toHaveCount(2);
    // The target names the VM, not only its uuid.
    await expect(rows.first().locator('td').nth(5)).toHaveText(`${name} (${uuid})`);
    await app.getByTestId('audit-verify').click();
    await expect(app.getByTestId('audit-verdict')).toHaveText(/Chain intact: all \d+ records/);
    await app.screenshot({ path: test.info().outputPath('audit.png') });

    const download = app.waitForEvent('download');
    await app.getByTestId('audit-export-csv').click();
    const csv = readFileSync((await (await download).path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('seq,time,user,via,call,host,target,result,error,duration_ms,args,prev,hash');
    expect(csv).toContain(`,${user},serve-token,domains.lifecycle,`);

    // Someone edits the log by hand: the check names the record.
    const file = path.join(core.configDir, 'audit', 'audit.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const victim = lines.findIndex((l) => l.includes('"call":"domains.lifecycle"'));
    lines[victim] = lines[victim]!.replace(`"user":"${user}"`, '"user":"nobody"');
    writeFileSync(file, lines.join('\n') + '\n');
    await app.getByTestId('audit-verify').click();
    const seq = (JSON.parse(lines[victim]!) as { seq: number }).seq;
    await expect(app.getByTestId('audit-verdict')).toHaveText(new RegExp(`Chain broken: record ${seq} \\(line ${victim + 1}\\) was changed after it was written`));
  } finally {
    await undefineGuest(h1, uuid);
  }
});
