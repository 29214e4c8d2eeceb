import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { test, expect, readLab, ROOT, type CoreProcess, type LabHost } from '../fixtures';
import { addLabHost, coreCall, inHost, virsh } from '../lab-tools';

// Moving VMs between lab hosts from the UI: the wizard's checklist, a live
// move while the guest prints a counter (its serial console open the whole
// time follows it), refusals, a firewall between the hosts (relay, cancel),
// an offline move, and evacuating a host.
const run = promisify(execFile);
const lab = readLab();
type Host = LabHost & { serialLogDir: string };
const [h1, h2] = lab.hosts as [Host, Host];
const last = lab.hosts.at(-1)! as Host;
const LAB_SH = path.join(ROOT, 'e2e/lab/lab.sh');
const stamp = Date.now().toString(36);
const made: string[] = [];

const serialLog = (h: Host, name: string) => readFile(path.join(h.serialLogDir, `${name}-serial.log`), 'latin1').catch(() => '');
const counters = async (h: Host, name: string) => [...(await serialLog(h, name)).matchAll(/VDCOUNT (\d+)/g)].map((m) => Number(m[1]));
const lastCount = async (h: Host, name: string) => (await counters(h, name)).at(-1) ?? 0;

/** A lab guest; disk 'shared' lives in the images dir every host sees. */
async function guest(host: Host, name: string, disk: 'shared' | 'local', opts: { start?: boolean; network?: string } = {}): Promise<string> {
  const file = `${disk === 'shared' ? lab.imagesDir : '/var/lib/libvirt/images'}/${name}.qcow2`;
  await inHost(host, ['qemu-img', 'create', '-q', '-f', 'qcow2', file, '64M']);
  const { stdout: xml } = await run('bash', [path.join(ROOT, 'e2e/lab/guest-xml.sh'), name, file], { env: { ...process.env, LAB_GUEST_NETWORK: opts.network ?? 'default' } });
  await inHost(host, ['sh', '-c', 'f=$(mktemp) && cat > "$f" && virsh define "$f"; rc=$?; rm -f "$f"; exit $rc'], xml);
  await virsh(host, 'pool-refresh', 'default');
  made.push(name);
  if (opts.start !== false) {
    await virsh(host, 'start', name);
    await run('bash', [LAB_SH, 'wait-guest', host.name, name, '150'], { timeout: 160_000 });
  }
  return (await virsh(host, 'domuuid', name)).trim();
}

async function connect(core: CoreProcess, hosts: LabHost[]): Promise<string[]> {
  const ids: string[] = [];
  for (const h of hosts) {
    const id = await addLabHost(core, h);
    const st = await coreCall<{ status: string; reason?: string }>(core, 'hosts.connect', { hostId: id });
    expect(st.status, st.reason).toBe('connected');
    ids.push(id);
  }
  return ids;
}

/** Types the counter loop into the guest's serial shell from the serial console page. */
async function typeCounter(page: Page, host: Host, name: string): Promise<void> {
  await expect(page.getByTestId('console-status')).toHaveAttribute('data-phase', 'open');
  await page.getByTestId('console-serial').click();
  await page.keyboard.press('Enter');
  await page.keyboard.type('i=0; while :; do i=$((i+1)); echo "VDCOUNT $i"; sleep 0.1; done &');
  await page.keyboard.press('Enter');
  await expect.poll(() => counters(host, name).then((c) => c.length), { timeout: 30_000 }).toBeGreaterThan(3);
}

async function openMigrate(app: Page, name: string, target?: string): Promise<void> {
  await app.getByTestId('tree-filter').fill(name);
  await app.getByTestId(`vm-row-${name}`).click();
  await app.getByTestId('vm-action-migrate').click();
  await expect(app.getByTestId('migrate-dialog')).toBeVisible();
  // No host is advised when none can take the VM as it is (a missing network): pick one.
  if (target) await app.getByTestId(`target-${target}`).click();
  await expect(app.getByTestId('preflight-checklist')).toBeVisible({ timeout: 60_000 });
}

test.afterAll(async () => {
  await run('bash', [LAB_SH, 'unblock', h1.name, h2.name]).catch(() => undefined);
  for (const name of made) {
    for (const h of lab.hosts) {
      await virsh(h, 'destroy', name).catch(() => {});
      await virsh(h, 'undefine', '--snapshots-metadata', name).catch(() => {});
      await inHost(h, ['sh', '-c', 'rm -f -- "$1" "$2"', 'sh', `/var/lib/libvirt/images/${name}.qcow2`, `${lab.imagesDir}/${name}.qcow2`]).catch(() => {});
    }
  }
});

test.describe('migration', () => {
  test.setTimeout(420_000);

  test('live move on shared storage from the wizard: the counter never restarts and the open serial console follows the VM', async ({ app, core }) => {
    // A shared, loaded machine makes each UI step slow (clicks of 1-2 minutes at load 25 were seen).
    test.setTimeout(900_000);
    const name = `vd-e2e-live-${stamp}`;
    const uuid = await guest(h1, name, 'shared');
    const [id1, id2] = await connect(core, [h1, h2]);
    // The serial console in its own window, open for the whole move.
    const consolePage = await app.context().newPage();
    await consolePage.goto(`${core.origin}/#/console/${id1}/${uuid}/serial`);
    await typeCounter(consolePage, h1, name);

    await openMigrate(app, name);
    await expect(app.getByTestId(`target-${id2}`)).toContainText('advised');
    await expect(app.getByTestId('mode-live-shared')).toContainText('recommended');
    for (const id of ['versions', 'identity', 'snapshots', 'cpu', 'machine', 'networks', 'storage', 'memory', 'route']) {
      await expect(app.getByTestId(`check-${id}`)).toHaveAttribute('data-verdict', 'pass');
    }
    await expect(app.getByTestId('check-storage')).toContainText('every disk is shared with the target');
    await app.screenshot({ path: test.info().outputPath('wizard.png') });
    const before = await lastCount(h1, name);
    await app.getByTestId('migrate-start').click();
    await expect(app.getByTestId('migration-progress')).toBeVisible();
    await expect(app.getByTestId('migration-progress')).toHaveAttribute('data-state', 'succeeded', { timeout: 180_000 });
    await expect(app.getByTestId('migration-done')).toContainText(new RegExp(`Now on ${h2.name} \\(.*paused \\d+ ms at the switchover`));
    await app.screenshot({ path: test.info().outputPath('moved.png') });
    await app.getByTestId('migrate-close').click();

    // The VM page followed it, the tree shows it under lab-2, the console reconnected there.
    await expect(app.getByTestId('vm-overview')).toContainText(`on ${h2.name}`);
    await expect(app.getByTestId(`vm-row-${name}`)).toHaveAttribute('data-host-id', id2!);
    await expect(consolePage).toHaveURL(new RegExp(`#/console/${id2}/${uuid}/serial$`));
    // Reconnecting to the new host can take a while on a loaded machine.
    await expect(consolePage.getByTestId('console-status')).toHaveAttribute('data-phase', 'open', { timeout: 120_000 });
    await expect.poll(async () => Number(/VDCOUNT (\d+)\s*$/m.exec(await consolePage.getByTestId('console-serial').locator('.xterm-rows').innerText())?.[1] ?? 0), { timeout: 30_000 }).toBeGreaterThan(before);
    await consolePage.screenshot({ path: test.info().outputPath('console-after.png') });
    const after = await counters(h2, name);
    expect(after[0]).toBeGreaterThan(before);
    const all = [...(await counters(h1, name)), ...after];
    expect(all.every((v, i) => i === 0 || v > all[i - 1]!)).toBe(true);
    expect((await virsh(h1, 'list', '--all', '--name')).split('\n')).not.toContain(name);
    expect((await virsh(h2, 'domstate', name)).trim()).toBe('running');
  });

  test('preflight refuses a VM with a snapshot and a network the target lacks; mapping the network clears that line', async ({ app, core }) => {
    const name = `vd-e2e-refuse-${stamp}`;
    const net = `vde-${stamp}`.slice(0, 14);
    await inHost(h1, ['sh', '-c', 'f=$(mktemp) && printf "%s" "$1" > "$f" && virsh net-define "$f" && virsh net-start "$2"; rc=$?; rm -f "$f"; exit $rc', 'sh', `<network><name>${net}</name><bridge name='${net}'/></network>`, net]);
    try {
      await guest(h1, name, 'local', { start: false, network: net });
      await virsh(h1, 'snapshot-create-as', '--domain', name, '--name', 'before-upgrade');
      const [, id2] = await connect(core, [h1, h2]);
      await openMigrate(app, name, id2);
      await expect(app.getByTestId(`target-${id2}`)).toContainText(`no active network '${net}'`);
      await expect(app.getByTestId('check-snapshots')).toHaveAttribute('data-verdict', 'fail');
      await expect(app.getByTestId('check-snapshots')).toContainText('libvirt 9.0 refuses to migrate a VM that has snapshots (1)');
      await expect(app.getByTestId('check-networks')).toHaveAttribute('data-verdict', 'fail');
      await expect(app.getByTestId('check-networks')).toContainText(`'${net}': the target has no such network`);
      await expect(app.getByTestId('migrate-start')).toBeDisabled();
      await app.screenshot({ path: test.info().outputPath('refused.png') });
      await app.getByTestId(`map-${net}`).locator('select').selectOption('default');
      await expect(app.getByTestId('check-networks')).toHaveAttribute('data-verdict', 'pass');
      await expect(app.getByTestId('check-snapshots')).toHaveAttribute('data-verdict', 'fail');
      await expect(app.getByTestId('migrate-start')).toBeDisabled();
      await virsh(h1, 'snapshot-delete', '--domain', name, '--snapshotname', 'before-upgrade');
    } finally {
      await virsh(h1, 'net-destroy', net).catch(() => {});
      await virsh(h1, 'net-undefine', net).catch(() => {});
    }
  });

  test('firewalled hosts: the wizard explains it and relays; a bandwidth-limited move is cancelled (source keeps counting), then moved', async ({ app, core }) => {
    test.setTimeout(900_000);
    const name = `vd-e2e-relay-${stamp}`;
    const uuid = await guest(h1, name, 'local');
    const [id1, id2] = await connect(core, [h1, h2]);
    const consolePage = await app.context().newPage();
    await consolePage.goto(`${core.origin}/#/console/${id1}/${uuid}/serial`);
    await typeCounter(consolePage, h1, name);
    await consolePage.close();
    await run('bash', [LAB_SH, 'block', h1.name, h2.name]);
    try {
      await openMigrate(app, name);
      await expect(app.getByTestId('route-relay').locator('input')).toBeChecked();
      await expect(app.getByTestId('route-direct')).toContainText("cannot reach the target's migration port");
      await expect(app.getByTestId('check-route')).toContainText('relayed through this workstation');
      // 1 MiB/s: slower than the counting guest dirties memory, so the move cannot finish before the cancel lands.
      await app.getByTestId('opt-bandwidth').fill('1');
      await app.screenshot({ path: test.info().outputPath('relay-wizard.png') });
      await app.getByTestId('migrate-start').click();
      // Figures show while it copies; then cancel.
      await expect(app.getByTestId('migration-stats')).toBeVisible({ timeout: 120_000 });
      await expect(app.getByTestId('migration-stats')).toContainText('Dirty rate');
      await app.getByTestId('migration-cancel').click();
      await expect(app.getByTestId('migration-progress')).toHaveAttribute('data-state', 'cancelled', { timeout: 180_000 });
      await expect(app.getByTestId('migration-sides')).toContainText(`${id1}: the VM is running`);
      await expect(app.getByTestId('migration-sides')).toContainText(`${id2}: no copy of the VM`);
      await expect(app.getByTestId('migration-cleanup')).toContainText('Undone: delete the partial copy of vda');
      await app.screenshot({ path: test.info().outputPath('cancelled.png') });
      const n = await lastCount(h1, name);
      await expect.poll(() => lastCount(h1, name), { timeout: 30_000 }).toBeGreaterThan(n + 5);
      expect((await virsh(h2, 'list', '--all', '--name')).split('\n')).not.toContain(name);
      await app.getByTestId('migrate-close').click();

      await app.getByTestId('vm-action-migrate').click();
      await expect(app.getByTestId('check-route')).toContainText('relayed through this workstation', { timeout: 60_000 });
      const before = await lastCount(h1, name);
      // The copied disk is stale on the source once the VM runs on the target: have it deleted.
      await app.getByTestId('opt-remove-disks').check();
      await app.getByTestId('migrate-start').click();
      await expect(app.getByTestId('migration-progress')).toHaveAttribute('data-state', 'succeeded', { timeout: 240_000 });
      await expect.poll(() => counters(h2, name).then((c) => c[0] ?? 0), { timeout: 30_000 }).toBeGreaterThan(before);
      expect(await inHost(h1, ['test', '-e', `/var/lib/libvirt/images/${name}.qcow2`]).then(() => 'kept', () => 'deleted')).toBe('deleted');
    } finally {
      await run('bash', [LAB_SH, 'unblock', h1.name, h2.name]);
    }
  });

  test('offline: a shut-off VM moves with its disk (same SHA-256 on both hosts)', async ({ app, core }) => {
    // A hostile name (quotes, command substitution, semicolon, non-ASCII): data all the way through.
    const name = `vd-e2e-off "q" $(touch x); ü-${stamp}`;
    await guest(h1, name, 'local', { start: false });
    const disk = `/var/lib/libvirt/images/${name}.qcow2`;
    await inHost(h1, ['sh', '-c', 'printf "offline-%s" "$2" | dd of="$1" bs=1 seek=$((40*1024*1024)) conv=notrunc status=none', 'sh', disk, stamp]);
    const sum = (await inHost(h1, ['sha256sum', disk])).split(' ')[0];
    await connect(core, [h1, h2]);
    await openMigrate(app, name);
    await expect(app.getByTestId('mode-offline')).toContainText('recommended');
    await expect(app.getByTestId('mode-live-shared')).toContainText('only an offline move applies');
    await app.getByTestId('opt-remove-disks').check();
    await app.getByTestId('migrate-start').click();
    await expect(app.getByTestId('migration-progress')).toHaveAttribute('data-state', 'succeeded', { timeout: 180_000 });
    expect((await inHost(h2, ['sha256sum', disk])).split(' ')[0]).toBe(sum);
    // The copy checked out, so the source's file went, as asked.
    expect(await inHost(h1, ['test', '-e', disk]).then(() => 'kept', () => 'deleted')).toBe('deleted');
    expect((await virsh(h2, 'domstate', name)).trim()).toBe('shut off');
    expect((await virsh(h1, 'list', '--all', '--name')).split('\n')).not.toContain(name);
  });

  test('evacuate a host with three running VMs: the plan first, then all run elsewhere and the host is in maintenance', async ({ app, core }) => {
    test.setTimeout(900_000);
    const name = `vd-e2e-evac-${stamp}`;
    const ids = await connect(core, lab.hosts);
    const srcId = ids.at(-1)!;
    await guest(last, name, 'local');
    const running = (await virsh(last, 'list', '--name')).split('\n').filter(Boolean);
    expect(running.length).toBeGreaterThanOrEqual(3); // earlier moves in a 2-host lab may have left more here: all of them are evacuated
    const baseline = (await virsh(last, 'list', '--all', '--name')).split('\n').filter((n) => n && n !== name);
    try {
      await app.getByTestId(`host-row-${srcId}`).click();
      await app.getByTestId('host-evacuate').click();
      const plan = app.getByTestId('evacuation-plan');
      await expect(plan).toBeVisible({ timeout: 90_000 });
      for (const vm of [...running, ...baseline]) await expect(app.getByTestId(`plan-preflight-${vm}`)).toContainText('preflight passes', { timeout: 60_000 });
      await app.screenshot({ path: test.info().outputPath('evacuation-plan.png') });
      await app.getByTestId('evacuate-parallel').selectOption('2');
      await app.getByTestId('evacuate-start').click();
      await expect(app.getByTestId('evacuation-progress')).toHaveAttribute('data-state', 'succeeded', { timeout: 360_000 });
      await app.screenshot({ path: test.info().outputPath('evacuated.png') });
      await app.getByRole('button', { name: 'Close' }).last().click();
      await expect(app.getByTestId('host-maintenance-badge')).toBeVisible();
      expect((await virsh(last, 'list', '--all', '--name')).trim()).toBe('');
      for (const vm of running) {
        const states = await Promise.all(lab.hosts.slice(0, -1).map((h) => virsh(h, 'domstate', vm).then((s) => s.trim(), () => '')));
        expect(states, vm).toContain('running');
      }
    } finally {
      // Put the lab's own guests back on their host.
      for (const vm of baseline) for (const h of lab.hosts.slice(0, -1)) {
        await virsh(h, 'destroy', vm).catch(() => {});
        await virsh(h, 'undefine', vm).catch(() => {});
        await inHost(h, ['rm', '-f', `/var/lib/libvirt/images/${vm}.qcow2`]).catch(() => {});
      }
      await run('bash', [LAB_SH, 'up', String(lab.hosts.length)], { timeout: 420_000, env: { ...process.env, LAB_BOOT_WAIT: '300' } });
    }
  });
});
