import { test, expect, readLab } from '../fixtures';
import { addLabHost, defineGuest, inHost, undefineGuest } from '../lab-tools';

// Issue 14, items 2 and 3 in the browser: back up a host, see in the diff that
// a VM is gone, dry-run the restore, restore it, and get it back.
const lab = readLab();
const h1 = lab.hosts[0]!;

test('backs up a host, shows the diff, dry-runs and restores a deleted VM', async ({ app, core }) => {
  const hostId = await addLabHost(core, h1);
  const name = `vd-bk-e2e "q" 名 ${Date.now()}`;
  const uuid = await defineGuest(h1, name);
  try {
    await expect(app.getByTestId(`host-status-${hostId}`)).toHaveText(/connected/i);
    await app.getByTestId('open-backups').click();
    await expect(app.getByTestId('backups-page')).toBeVisible();
    await expect(app.getByText('No backups yet')).toBeVisible();
    await app.getByTestId('backup-scope').selectOption(hostId);
    await app.getByTestId('backup-now').click();
    await expect(app.getByTestId('backup-task-state')).toHaveText('succeeded', { timeout: 60_000 });
    await expect(app.getByTestId('backup-row')).toHaveCount(1);
    await expect(app.getByTestId('backup-row')).toContainText(h1.name);
    await app.screenshot({ path: test.info().outputPath('backups-list.png') });

    // The download is the archive (gzip), fetched with the token in a header.
    const download = app.waitForEvent('download');
    await app.getByTestId('backup-download').click();
    expect((await download).suggestedFilename()).toMatch(/^virtdeck-b-\d{8}T\d{6}Z-[a-f0-9]{6}\.tar\.gz$/);

    // Disaster: the VM's definition goes (its disk stays, so the pool is unchanged). The diff says so.
    await inHost(h1, ['virsh', 'undefine', uuid]);
    await app.getByTestId('backup-open').click();
    await app.getByTestId('backup-diff').click();
    const gone = app.getByTestId('diff-entry').filter({ hasText: name });
    await expect(gone).toHaveAttribute('data-status', 'removed');
    await expect(app.getByTestId('diff-entry').filter({ hasText: 'default' }).first()).toHaveCount(0); // unchanged ones are hidden

    // Dry run: the VM is defined again, everything else exists and is skipped.
    await app.getByTestId('restore-dry-run').click();
    const rows = app.getByTestId('plan-row');
    await expect(rows.filter({ hasText: name })).toHaveAttribute('data-action', 'create');
    await expect(rows.filter({ hasText: name })).toContainText(`define domain '${name}'`);
    await expect(rows.filter({ hasText: 'default' }).first()).toHaveAttribute('data-action', 'skip');
    await app.screenshot({ path: test.info().outputPath('backup-dry-run.png'), fullPage: true });

    await app.getByTestId('restore-run').click();
    await expect(app.getByTestId('restore-task-state')).toHaveText('succeeded', { timeout: 60_000 });
    expect((await inHost(h1, ['virsh', 'domuuid', name])).trim()).toBe(uuid);
    // Compared again: nothing differs any more.
    await app.getByTestId('backup-diff').click();
    await expect(app.getByText('The host matches the backup')).toBeVisible();
    await app.screenshot({ path: test.info().outputPath('backup-restored.png'), fullPage: true });
  } finally {
    await undefineGuest(h1, uuid);
  }
});
