import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { test, expect, readLab, ROOT, type CoreProcess, type LabHost } from '../fixtures';
import { addLabHost, coreCall } from '../lab-tools';

// Storage end to end in Chromium against lab-1: pools with usage bars, a
// browser upload of a sparse 300 MiB image (progress and rate in the task
// drawer, SHA-256 checked on the host, bytes on the wire about the data),
// cancel halfway, an ISO put into a running guest's CD-ROM drive and read
// there, a backing file that cannot be deleted, and a 1 GiB clone cancelled.
const run = promisify(execFile);
const lab = readLab();
const h1 = lab.hosts[0]! as LabHost & { serialLogDir: string };
const LAB_SH = path.join(ROOT, 'e2e/lab/lab.sh');
const MiB = 1024 * 1024;
const stamp = Date.now().toString(36);

function inHost(argv: string[], input?: string, timeout = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('bash', [LAB_SH, 'in', h1.name, '--', ...argv], { timeout, maxBuffer: 16 * MiB }, (err, stdout, stderr) =>
      err ? reject(new Error(`${argv.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    );
    child.stdin!.end(input ?? '');
  });
}
const virsh = (...args: string[]) => inHost(['virsh', ...args]);
const volNames = async () => (await virsh('vol-list', '--pool', 'default')).split('\n').map((l) => l.trim().split(/\s+/)[0]);
const cleanups: Array<() => Promise<unknown>> = [];
test.afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

/** 300 MiB: a known pattern in every tenth MiB, zeros elsewhere (a disk image that is mostly empty). */
async function sparseImage(file: string, mib = 300): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  for (let i = 0; i < mib; i++) {
    const b = Buffer.alloc(MiB);
    if (i % 10 === 3) for (let o = 0; o < MiB; o += 4) b.writeUInt32LE(((i * MiB + o) * 2654435761) >>> 0, o);
    hash.update(b);
    if (!out.write(b)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  return hash.digest('hex');
}

async function openHostStorage(app: Page, core: CoreProcess): Promise<string> {
  const hostId = await addLabHost(core, h1);
  expect((await coreCall<{ status: string }>(core, 'hosts.connect', { hostId })).status).toBe('connected');
  await app.getByTestId(`host-row-${hostId}`).click();
  await expect(app.getByTestId('pool-default')).toBeVisible();
  await app.getByTestId('storage-section').scrollIntoViewIfNeeded();
  return hostId;
}

async function uploadThroughUi(app: Page, file: string, name: string, format: 'raw' | 'iso'): Promise<void> {
  await app.getByTestId('pool-default').click();
  await app.getByTestId('volume-upload').click();
  await app.getByTestId('upload-file').setInputFiles(file);
  await app.getByTestId('upload-name').fill(name);
  await app.getByTestId('upload-format').selectOption(format);
  await app.getByTestId('upload-form-ok').click();
  await expect(app.getByTestId('upload-dialog')).toBeHidden();
  await expect(app.getByTestId('task-drawer')).toBeVisible();
}

/** Slows this page's uploads (Chromium's own throttling) so a test can look at a transfer midway. */
async function throttleUploads(app: Page, bytesPerSecond: number) {
  const cdp = await app.context().newCDPSession(app);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
}

const taskOf = (app: Page, kind: string) => app.locator(`[data-kind="${kind}"]`).first();

test.describe('storage on lab-1', () => {
  test.describe.configure({ timeout: 480_000 }); // a loaded 2-core machine takes up to ~5 min for the 300 MiB upload test

  test('a sparse 300 MiB image uploads from the browser: progress and rate shown, SHA-256 matches on the host, the wire carries the data', async ({ app, core }) => {
    const file = test.info().outputPath('sparse.img');
    const sha = await sparseImage(file);
    await openHostStorage(app, core);
    await expect(app.getByTestId('pool-default').getByRole('meter')).toBeVisible();
    await app.screenshot({ path: test.info().outputPath('pools.png') });
    // Slow enough that a loaded machine's page still sees the transfer running.
    await throttleUploads(app, 20 * MiB);
    const name = `vd-e2e-sparse-${stamp}.img`;
    cleanups.push(() => virsh('vol-delete', '--pool', 'default', name));
    await uploadThroughUi(app, file, name, 'raw');
    const task = taskOf(app, 'volume.upload');
    // Progress and a rate while it runs (the rate is shown only while running).
    await expect(task.getByTestId('task-rate')).toContainText(/MiB\/s/, { timeout: 60_000 });
    await expect(task.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /\d+/);
    await app.screenshot({ path: test.info().outputPath('upload-running.png') });
    await expect(task).toHaveAttribute('data-state', 'succeeded', { timeout: 120_000 });
    await expect(task.getByTestId('task-secondary')).toContainText('sent as data');
    await app.screenshot({ path: test.info().outputPath('upload-done.png') });
    // The host has exactly these bytes; only about the data crossed the wire.
    const onHost = (await inHost(['sh', '-c', 'sha256sum "/var/lib/libvirt/images/$1"', 'sh', name], undefined, 120_000)).split(' ')[0];
    expect(onHost).toBe(sha);
    const tasks = await coreCall<Array<{ id: string; kind: string; result?: { bytesSent: number; bytes: number; sha256: string } }>>(core, 'tasks.list', {});
    const result = tasks.find((t) => t.kind === 'volume.upload')!.result!;
    expect(result).toMatchObject({ bytes: 300 * MiB, sha256: sha });
    expect(result.bytesSent).toBeLessThan(40 * MiB); // 30 MiB of pattern, not 300
    await expect(app.getByTestId(`volume-${name}`)).toContainText('300 MiB');
  });

  test('cancelling an upload halfway leaves no volume behind', async ({ app, core }) => {
    const file = test.info().outputPath('sparse.img');
    await sparseImage(file);
    await openHostStorage(app, core);
    await throttleUploads(app, 20 * MiB);
    const name = `vd-e2e-cancel-${stamp}.img`;
    cleanups.push(() => virsh('vol-delete', '--pool', 'default', name));
    await uploadThroughUi(app, file, name, 'raw');
    const task = taskOf(app, 'volume.upload');
    await expect.poll(async () => Number(await task.getByRole('progressbar').getAttribute('aria-valuenow')), { timeout: 60_000 }).toBeGreaterThanOrEqual(30);
    await task.getByTestId('task-cancel').click();
    await expect(task).toHaveAttribute('data-state', 'cancelled', { timeout: 60_000 });
    await expect(task.getByTestId('task-cleanup')).toContainText(`Undone: delete the partial volume “${name}”`);
    await app.screenshot({ path: test.info().outputPath('upload-cancelled.png') });
    expect(await volNames()).not.toContain(name);
    await expect(app.getByTestId(`volume-${name}`)).toHaveCount(0);
  });

  test('an ISO uploaded through the UI goes into a running guest’s CD-ROM drive and the guest reads it', async ({ app, core }) => {
    // The ISO: one file with a marker, made with genisoimage.
    const dir = test.info().outputPath('iso-root');
    mkdirSync(dir, { recursive: true });
    const marker = `VIRTDECK-ISO-${stamp}`;
    writeFileSync(path.join(dir, 'hello.txt'), `${marker}\n`);
    const iso = test.info().outputPath('e2e.iso');
    await run('genisoimage', ['-quiet', '-o', iso, '-V', 'VDE2E', '-r', '-J', dir]);
    // A guest with an empty CD-ROM drive, running.
    const vm = `vd-e2e-cd-${stamp}`;
    const disk = `/var/lib/libvirt/images/${vm}.qcow2`;
    await inHost(['qemu-img', 'create', '-q', '-f', 'qcow2', disk, '64M']);
    const { stdout: xml } = await run('bash', [path.join(ROOT, 'e2e/lab/guest-xml.sh'), vm, disk], { env: { ...process.env, LAB_GUEST_CDROM: '1' } });
    await inHost(['sh', '-c', 'f=$(mktemp) && cat >"$f" && virsh define "$f"; r=$?; rm -f "$f"; exit $r'], xml);
    cleanups.push(() => virsh('destroy', vm).catch(() => {}).then(() => virsh('undefine', vm)).then(() => inHost(['rm', '-f', disk])));
    await virsh('start', vm);
    await run('bash', [LAB_SH, 'wait-guest', h1.name, vm, '90']);

    await openHostStorage(app, core);
    const name = `vd-e2e-${stamp}.iso`;
    cleanups.push(() => virsh('vol-delete', '--pool', 'default', name));
    await uploadThroughUi(app, iso, name, 'iso');
    await expect(taskOf(app, 'volume.upload')).toHaveAttribute('data-state', 'succeeded', { timeout: 60_000 });
    await app.getByRole('button', { name: 'Close tasks' }).click();
    const row = app.getByTestId(`volume-${name}`);
    await row.getByTestId('volume-cdrom').click();
    await app.getByTestId('cdrom-vm').selectOption({ label: `${vm} (running)` });
    await app.getByTestId('cdrom-form-ok').click();
    await expect(app.getByTestId('cdrom-dialog')).toBeHidden();
    await expect(row).toContainText(`${vm} (hdc)`);

    // In the guest's serial console: wait for the drive, mount the disc, read the file.
    await app.getByTestId(`vm-row-${vm}`).click();
    await app.getByTestId('vm-open-serial').click();
    await expect(app.getByTestId('console-status')).toHaveAttribute('data-phase', 'open');
    await app.getByTestId('console-serial').click();
    await app.keyboard.press('Enter');
    // The first read after a media change may meet the drive's "medium changed" report: retry like udev would.
    await app.keyboard.type('until [ -b /dev/sr0 ]; do sleep 1; done; mkdir -p /mnt/cd; for i in 1 2 3 4 5 6 7 8 9 10; do mount -t iso9660 -o ro /dev/sr0 /mnt/cd 2>/dev/null && break; sleep 1; done; cat /mnt/cd/hello.txt');
    await app.keyboard.press('Enter');
    const serialLog = () => readFile(path.join(h1.serialLogDir, `${vm}-serial.log`), 'utf8').catch(() => '');
    await expect.poll(async () => (await serialLog()).split('\n').some((l) => l.trim() === marker), { timeout: 90_000, message: 'the guest printed the file from the disc' }).toBe(true);
    await expect(app.getByTestId('console-serial').locator('.xterm-rows')).toContainText(marker);
    await app.screenshot({ path: test.info().outputPath('iso-in-guest.png') });
  });

  test('a backing file cannot be deleted; a 1 GiB clone shows progress and cancels with no leftover', async ({ app, core }) => {
    const base = `vd-e2e-base-${stamp}.qcow2`;
    const top = `vd-e2e-top-${stamp}.qcow2`;
    const big = `vd-e2e-big-${stamp}.raw`;
    const dir = '/var/lib/libvirt/images';
    cleanups.push(() => inHost(['rm', '-f', `${dir}/${top}`, `${dir}/${base}`, `${dir}/${big}`]).then(() => virsh('pool-refresh', 'default')));
    await inHost(['qemu-img', 'create', '-q', '-f', 'qcow2', `${dir}/${base}`, '64M']);
    await inHost(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', `${dir}/${base}`, `${dir}/${top}`]);
    // 1 GiB of non-zero bytes: libvirt skips zero blocks when it copies.
    await inHost(['sh', '-c', 'yes VirtDeck-clone-e2e | head -c 1073741824 > "$1"', 'sh', `${dir}/${big}`], undefined, 170_000);
    await virsh('pool-refresh', 'default');
    const hostId = await openHostStorage(app, core);
    await app.getByTestId('pool-default').click();

    await expect(app.getByTestId(`volume-${base}`)).toContainText(`base of ${top}`);
    await expect(app.getByTestId(`volume-${top}`)).toContainText(`on ${base}`);
    await app.getByTestId(`volume-${base}`).getByTestId('volume-delete').click();
    await app.getByTestId('confirm-ok').click();
    await expect(app.getByTestId('dialog-error')).toContainText(`is the backing file of ${dir}/${top}`);
    await app.screenshot({ path: test.info().outputPath('backing-refused.png') });
    await app.getByTestId('confirm-cancel').click();
    expect(await volNames()).toContain(base);

    // A 1 GiB copy takes a few seconds; on a loaded machine the page may only
    // show the bar near the end. So the test watches the core for progress,
    // then cancels in the UI; if the copy won the race it is deleted and the
    // clone tried again (at most 3 times), so what is checked is always a
    // cancel that landed while the copy ran.
    const copy = `vd-e2e-big-${stamp}-clone.raw`;
    cleanups.push(() => virsh('vol-delete', '--pool', 'default', copy));
    let task = taskOf(app, 'volume.clone');
    for (let attempt = 1; ; attempt++) {
      await app.getByTestId(`volume-${big}`).getByTestId('volume-clone').click();
      await app.getByTestId('clone-name').fill(copy);
      await app.getByTestId('volume-clone-form-ok').click();
      let id: string | undefined;
      await expect
        .poll(async () => (id = (await coreCall<Array<{ id: string; kind: string; state: string; progress?: { done: number } }>>(core, 'tasks.list', {})).find((t) => t.kind === 'volume.clone' && t.state === 'running' && (t.progress?.done ?? 0) > 0)?.id), { timeout: 60_000, intervals: [50] })
        .toBeDefined();
      task = app.getByTestId(`task-${id!}`);
      // The copy may end between the poll and the click (its cancel button goes with it): that is a lost race, not a hang.
      await task
        .getByTestId('task-cancel')
        .dispatchEvent('click', undefined, { timeout: 15_000 })
        .catch(() => undefined);
      await expect(task).not.toHaveAttribute('data-state', 'running', { timeout: 120_000 });
      if ((await task.getAttribute('data-state')) === 'cancelled' || attempt === 3) break;
      // The copy won the race: delete it through VirtDeck (which tells the page) and clone again.
      await coreCall(core, 'volumes.delete', { hostId, pool: 'default', name: copy });
      await expect(app.getByTestId(`volume-${copy}`)).toHaveCount(0);
    }
    await expect(task).toHaveAttribute('data-state', 'cancelled');
    await expect(task.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^[1-9]\d*$/);
    await expect(task.getByTestId('task-cleanup')).toContainText(`Undone: delete the new volume “${copy}”`);
    await app.screenshot({ path: test.info().outputPath('clone-cancelled.png') });
    expect(await volNames()).not.toContain(copy);
    await expect(inHost(['test', '-e', `${dir}/${copy}`])).rejects.toThrow();
  });
});
