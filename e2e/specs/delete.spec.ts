import { test, expect, readLab } from '../fixtures';
import { addLabHost, inHost, undefineGuest, virsh } from '../lab-tools';

// The delete dialog end to end (issue 8 items 5 and 11): what it offers, what
// it keeps and why, and what the core refuses when the dialog's picture went
// stale. Real lab host, real images: a base with a linked clone made by
// qemu-img, a data disk shared by two VMs, an ISO in two CD-ROM drives.
const lab = readLab();
const h1 = lab.hosts[0]!;
const IMG = '/var/lib/libvirt/images';

test('offers only the VM’s own images, says why the others stay, and the core refuses a stale pick', async ({ app, core }) => {
  const stamp = `vd-del-${Date.now()}`;
  const p = { own: `${IMG}/${stamp}-own.qcow2`, base: `${IMG}/${stamp}-base.qcow2`, clone: `${IMG}/${stamp}-clone.qcow2`, data: `${IMG}/${stamp}-data.qcow2`, iso: `${IMG}/${stamp}.iso` };
  const names = { victim: `${stamp} victim's`, clone: `${stamp} clone`, other: `${stamp} other` };
  const xml = (name: string, disks: string) =>
    `<domain type='qemu'><name>${name.replace(/'/g, '&apos;')}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${disks}</devices></domain>`;
  const disk = (dev: string, file: string) => `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${file}'/><target dev='${dev}' bus='virtio'/></disk>`;
  const cd = `<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='${p.iso}'/><target dev='hdc' bus='ide'/><readonly/></disk>`;
  const uuids: string[] = [];
  const exists = async (f: string) => (await inHost(h1, ['sh', '-c', 'test -e "$1" && echo yes || echo no', 'sh', f])).trim() === 'yes';
  try {
    // Images made behind libvirt's back (the core refreshes the pool to see them).
    for (const f of [p.own, p.base, p.data]) await inHost(h1, ['qemu-img', 'create', '-q', '-f', 'qcow2', f, '16M']);
    await inHost(h1, ['qemu-img', 'create', '-q', '-f', 'qcow2', '-b', p.base, '-F', 'qcow2', p.clone]);
    await inHost(h1, ['truncate', '-s', '1M', p.iso]);
    for (const [name, disks] of [
      [names.victim, disk('vda', p.own) + disk('vdb', p.base) + disk('vdc', p.data) + cd],
      [names.clone, disk('vda', p.clone)],
      [names.other, disk('vdb', p.data) + cd],
    ] as const) {
      await inHost(h1, ['sh', '-c', 'f=$(mktemp) && cat > "$f" && virsh define "$f" >/dev/null; rc=$?; rm -f "$f"; exit $rc'], xml(name, disks));
      uuids.push((await virsh(h1, 'domuuid', name)).trim());
    }

    await addLabHost(core, h1);
    await app.getByTestId('tree-filter').fill(stamp);
    await app.getByTestId(`vm-row-${names.victim}`).click();
    await app.getByTestId('vm-action-delete').click();
    const dialog = app.getByTestId('delete-dialog');
    await expect(dialog).toBeVisible();

    // Offered: its own disk only. Kept, each with its reason naming the other VM.
    await expect(dialog.getByTestId('delete-disk-vda')).toBeVisible();
    await expect(dialog.locator('[data-testid^="delete-disk-"]')).toHaveCount(1);
    await expect(dialog.getByTestId('delete-kept-vdb')).toContainText(`Backing file of “${names.clone}” (vda).`);
    await expect(dialog.getByTestId('delete-kept-vdc')).toContainText(`Also used by “${names.other}” (vdb).`);
    await expect(dialog.getByTestId('delete-kept-hdc')).toContainText('CD-ROM media are never deleted with a VM.');
    await dialog.screenshot({ path: test.info().outputPath('delete-dialog.png') });

    // The picture goes stale: another VM takes the victim's own disk while the dialog is open.
    await dialog.getByTestId('delete-disk-vda').check();
    await expect(app.getByTestId('confirm-ok')).toHaveText('Delete VM and 1 disk');
    await virsh(h1, 'attach-disk', names.other, p.own, 'vdd', '--config', '--subdriver', 'qcow2');
    await app.getByTestId('confirm-ok').click();
    await expect(dialog.getByTestId('delete-error')).toContainText(`${names.victim} was not deleted. ${p.own}: Also used by “${names.other}” (vdd).`);
    // The dialog re-reads the plan: vda moved to the kept list, nothing is ticked.
    await expect(dialog.getByTestId('delete-kept-vda')).toContainText(`Also used by “${names.other}” (vdd).`);
    await expect(dialog.locator('[data-testid^="delete-disk-"]')).toHaveCount(0);
    await expect(app.getByTestId('confirm-ok')).toHaveText('Delete VM');
    await dialog.screenshot({ path: test.info().outputPath('delete-refused.png') });
    await expect(virsh(h1, 'domstate', names.victim)).resolves.toContain('shut off');
    for (const f of Object.values(p)) expect(await exists(f)).toBe(true);

    // Released again: the disk is offered, and deleting takes exactly it.
    await virsh(h1, 'detach-disk', names.other, 'vdd', '--config');
    await app.getByTestId('confirm-cancel').click();
    await app.getByTestId('vm-action-delete').click();
    await dialog.getByTestId('delete-disk-vda').check();
    await app.getByTestId('confirm-ok').click();
    await expect(dialog).toHaveCount(0);
    await expect(app.getByTestId(`vm-row-${names.victim}`)).toHaveCount(0);
    await expect(app.getByText(`Deleted ${names.victim} and 1 volume`)).toBeVisible();
    expect(await exists(p.own)).toBe(false);
    for (const f of [p.base, p.clone, p.data, p.iso]) expect(await exists(f)).toBe(true);
  } finally {
    for (const u of uuids) await undefineGuest(h1, u);
    await inHost(h1, ['sh', '-c', 'rm -f "$1"*; virsh -q pool-refresh default >/dev/null 2>&1; true', 'sh', `${IMG}/${stamp}`]);
  }
});
