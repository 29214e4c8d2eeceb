import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, readLab, type Lab } from '../fixtures';
import { addLabHost, inHost, virsh } from '../lab-tools';

// Issue 13, P2V: the lab's "physical" source (e2e/lab/source.sh: sshd, no
// libvirt, a bootable loop disk with a random marker) becomes a VM on lab-1
// through the wizard. The VM boots from its own disk and prints the marker.

interface LabSource {
  ip: string;
  disk: string;
  image: string;
  size: number;
  imageSha256: string;
  usedBytes: number;
  marker: string;
  serialBanner: string;
}
const lab = readLab() as Lab & { source: LabSource | null; hosts: (Lab['hosts'][number] & { serialLogDir: string })[] };
const h1 = lab.hosts[0]!;
const src = lab.source!;

test.beforeAll(() => {
  if (!lab.source) throw new Error('the lab has no P2V source: run bash e2e/lab/lab.sh source up');
});

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file, { highWaterMark: 4 << 20 })
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

async function addSource(app: Page, user: string, key?: string): Promise<void> {
  await app.getByTestId('open-p2v').click();
  await app.getByTestId('p2v-source-hostname').fill(src.ip);
  await app.getByTestId('p2v-source-user').fill(user);
  if (key) await app.getByTestId('p2v-source-key').fill(key);
  await app.getByTestId('p2v-source-name').fill(`vd-physical (${user})`);
  await app.getByTestId('p2v-source-add').click();
  await expect(app.getByRole('radio', { name: `Copy vd-physical (${user})` })).toBeChecked();
}

async function throughTarget(app: Page, name: string, start: boolean): Promise<void> {
  await app.getByTestId('p2v-source-next').click();
  await expect(app.getByTestId('p2v-summary')).toContainText('vd-physical');
  await expect(app.getByTestId('p2v-disks')).toContainText(src.disk);
  await expect(app.getByTestId('p2v-disks')).toContainText('dos');
  await expect(app.getByTestId('p2v-mode')).toContainText('quiescent');
  await app.getByTestId('p2v-confirm').check();
  await app.getByTestId('p2v-discovery-next').click();
  await expect(app.getByTestId('p2v-consistency')).toContainText('Consistent copy');
  await app.getByTestId('p2v-consistency-next').click();
  await app.getByTestId('p2v-host').selectOption({ label: h1.name });
  await expect(app.getByTestId('p2v-name')).toHaveValue('vd-physical-p2v');
  await expect(app.getByTestId('p2v-bus')).toHaveValue('sata');
  await expect(app.getByTestId('p2v-nic')).toHaveValue('e1000e');
  await app.getByTestId('p2v-name').fill(name);
  await app.getByTestId('p2v-memory').fill('256');
  // The lab's nested KVM never finishes booting a stock kernel (LAB.md): emulate.
  await app.getByTestId('p2v-virt').selectOption('qemu');
  if (start) await app.getByTestId('p2v-start-vm').check();
  await app.getByTestId('p2v-target-next').click();
  await expect(app.getByTestId('p2v-review-name')).toHaveText(name);
  await expect(app.getByTestId('p2v-problems')).toHaveCount(0);
}

async function removeVm(name: string): Promise<void> {
  await virsh(h1, 'destroy', name).catch(() => undefined);
  await virsh(h1, 'undefine', name).catch(() => undefined);
  await inHost(h1, ['sh', '-c', 'rm -f -- /var/lib/libvirt/images/"$1"-sda.img /var/lib/libvirt/images/"$1"-loop*.img', 'rm', name]).catch(() => undefined);
}

test('a user without root or sudo on the source is refused before anything is copied', async ({ app }) => {
  await addSource(app, 'helpdesk');
  await app.getByTestId('p2v-source-next').click();
  // The source's password prompt is the hosts' prompt dialog.
  await app.getByTestId('prompt-field-0').fill(lab.users.helpdesk!.password);
  await app.getByTestId('prompt-accept').click();
  await expect(app.getByTestId('p2v-no-privilege')).toContainText('neither root nor allowed sudo -n');
  await expect(app.getByTestId('p2v-privilege')).toHaveText('none');
  await expect(app.getByTestId('p2v-confirm')).toBeDisabled();
  await expect(app.getByTestId('p2v-discovery-next')).toBeDisabled();
  await app.screenshot({ path: test.info().outputPath('p2v-refused.png') });
});

test('cancelling a copy midway leaves no volume and no VM', async ({ app, core }) => {
  test.setTimeout(600_000);
  await addLabHost(core, h1);
  const name = `vd-p2v-cancel-${Date.now().toString(36)}`;
  try {
    await addSource(app, 'root', lab.ssh.key);
    await throughTarget(app, name, false);
    await app.getByTestId('p2v-start').click();
    const child = app.getByTestId('p2v-child-progress');
    await expect(child).toContainText(/sent [1-9]/, { timeout: 300_000 });
    await app.getByTestId('p2v-cancel').click();
    await expect(app.getByTestId('p2v-ended')).toContainText('Cancelled', { timeout: 120_000 });
    await expect(app.getByTestId('p2v-ended')).toContainText(`Undone: delete volume '${name}-loop`);
    expect(await virsh(h1, 'vol-list', 'default')).not.toContain(name);
    expect(await virsh(h1, 'list', '--all', '--name')).not.toContain(name);
  } finally {
    await removeVm(name);
  }
});

test('the wizard converts the lab source into a VM that boots from its own disk and prints the marker', async ({ app, core }) => {
  test.setTimeout(1_200_000);
  await addLabHost(core, h1);
  const name = `vd-p2v-${Date.now().toString(36)}`;
  try {
    await addSource(app, 'root', lab.ssh.key);
    await app.getByTestId('p2v-source-next').click();
    await expect(app.getByTestId('p2v-summary')).toContainText('vd-physical');
    await app.screenshot({ path: test.info().outputPath('p2v-discovery.png'), fullPage: true });
    await app.getByTestId('p2v-step-discovery').getByRole('button', { name: 'Back' }).click();
    await throughTarget(app, name, true);
    await app.screenshot({ path: test.info().outputPath('p2v-review.png'), fullPage: true });
    await app.getByTestId('p2v-start').click();
    await expect(app.getByTestId('p2v-child-progress')).toContainText(/read .* of 2 GiB, sent/, { timeout: 120_000 });
    await app.screenshot({ path: test.info().outputPath('p2v-running.png'), fullPage: true });
    await expect(app.getByTestId('p2v-done')).toBeVisible({ timeout: 900_000 });
    await expect(app.getByTestId('p2v-done')).toContainText(`VM "${name}" is running`);
    await expect(app.getByTestId('p2v-sha')).toHaveText(`${src.imageSha256} (equal)`);
    await app.screenshot({ path: test.info().outputPath('p2v-done.png'), fullPage: true });

    const uuid = (await virsh(h1, 'domuuid', name)).trim();
    const xml = await virsh(h1, 'dumpxml', name);
    expect(xml).not.toContain('<kernel>');
    expect(xml).toContain("bus='sata'");
    const log = path.join(h1.serialLogDir, `${uuid}-serial.log`);
    await expect
      .poll(() => (existsSync(log) ? readFileSync(log, 'utf8') : ''), { timeout: 300_000, message: 'the marker on the VM serial console' })
      .toContain(`${src.serialBanner} ${src.marker} on /dev/sda1`);
    expect(await sha256File(src.image)).toBe(src.imageSha256);
  } finally {
    await removeVm(name);
  }
});
