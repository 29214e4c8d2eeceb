import { writeFileSync } from 'node:fs';
import { test, expect, readLab, startCore } from '../fixtures';
import { addLabHost, defineGuest, inHost, startSshd, stopSshd, undefineGuest, virsh } from '../lab-tools';

// Issue 3 end to end: real lab hosts over SSH, real libvirtd, real guests.
const lab = readLab();
const [h1, h2] = lab.hosts;
if (!h1 || !h2) throw new Error('the lab needs 2 hosts');

test('add two lab hosts from the UI and see their guests', async ({ app }) => {
  for (const h of [h1, h2]) {
    await app.getByTestId('add-host-open').click();
    await app.getByTestId('add-host-name').fill(h.name);
    await app.getByTestId('add-host-hostname').fill(h.ip);
    await app.getByTestId('add-host-user').fill('root');
    await app.getByTestId('add-host-identity').fill(lab.ssh.key);
    await app.getByTestId('add-host-submit').click();
    await expect(app.getByTestId(`host-status-${h.name}`)).toHaveText(/connected/i);
  }
  // Other guests may crowd the (virtualised) tree: find each through the filter.
  for (const h of [h1, h2]) {
    for (const g of h.guests) {
      await app.getByTestId('tree-filter').fill(g);
      await expect(app.getByTestId(`vm-row-${g}`)).toBeVisible();
    }
  }
  await app.getByTestId('tree-filter').fill('');
  await app.screenshot({ path: test.info().outputPath('tree.png') });
});

test('lifecycle from the UI shows each state without reload', async ({ app, core }) => {
  await addLabHost(core, h1);
  const name = `vd-life-${Date.now()}`;
  const uuid = await defineGuest(h1, name);
  try {
    await app.getByTestId('tree-filter').fill(name);
    const row = app.getByTestId(`vm-row-${name}`);
    const state = app.getByTestId(`vm-state-${name}`);
    await expect(state).toHaveText('shutoff');
    await row.click();
    await app.getByTestId('vm-action-start').click();
    await expect(state).toHaveText('running');
    await app.getByTestId('vm-action-pause').click();
    await expect(state).toHaveText('paused');
    await app.getByTestId('vm-action-resume').click();
    await expect(state).toHaveText('running');
    await app.getByTestId('vm-action-forceOff').click();
    await app.getByTestId('confirm-ok').click();
    await expect(state).toHaveText('shutoff');
  } finally {
    await undefineGuest(h1, uuid);
  }
});

test('a change made outside the app appears within a second', async ({ app, core }) => {
  await addLabHost(core, h1);
  const name = `vd-outside-${Date.now()}`;
  const uuid = await defineGuest(h1, name);
  try {
    await app.getByTestId('tree-filter').fill(name);
    const state = app.getByTestId(`vm-state-${name}`);
    await expect(state).toHaveText('shutoff');
    await virsh(h1, 'start', uuid);
    await expect(state).toHaveText('running', { timeout: 1000 });
    await virsh(h1, 'suspend', uuid);
    await expect(state).toHaveText('paused', { timeout: 1000 });
    await virsh(h1, 'destroy', uuid);
    await expect(state).toHaveText('shutoff', { timeout: 1000 });
    // The refresh makes defineGuest's disk a volume, so the undefine takes it too.
    await virsh(h1, 'pool-refresh', 'default');
    await virsh(h1, 'undefine', '--remove-all-storage', uuid);
    await expect(app.getByTestId(`vm-row-${name}`)).toHaveCount(0, { timeout: 1000 });
  } finally {
    await undefineGuest(h1, uuid);
  }
});

test('VM names with quotes, $(...), spaces and non-ASCII work end to end', async ({ app, core }) => {
  await addLabHost(core, h1);
  const stamp = String(Date.now());
  const names = [`it's "quoted" ${stamp}`, `$(touch pwned) \`id\` ${stamp}`, `naïve 虚拟机 ${stamp}`];
  const uuids: string[] = [];
  try {
    for (const n of names) uuids.push(await defineGuest(h1, n));
    await app.getByTestId('tree-filter').fill(stamp);
    for (const n of names) await expect(app.getByTestId(`vm-state-${n}`)).toHaveText('shutoff');
    const target = names[1]!;
    await app.getByTestId(`vm-row-${target}`).click();
    await app.getByTestId('vm-action-start').click();
    await expect(app.getByTestId(`vm-state-${target}`)).toHaveText('running');
    await expect(virsh(h1, 'list', '--name')).resolves.toContain(target);
    // Nothing ran on the host from the name.
    await expect(inHost(h1, ['sh', '-c', 'ls / /root /tmp /var/lib/libvirt 2>/dev/null'])).resolves.not.toContain('pwned');
  } finally {
    for (const u of uuids) await undefineGuest(h1, u);
  }
});

test('an unknown host key shows its fingerprint and waits; a changed key is refused', async ({ browser }, testInfo) => {
  const core = await startCore(testInfo, { knownHosts: 'empty' });
  const page = await browser.newPage();
  try {
    await page.goto(core.url);
    await addLabHost(core, h1);
    await expect(page.getByTestId('prompt-dialog')).toBeVisible();
    await expect(page.getByTestId('prompt-fingerprint')).toHaveText(h1.fingerprint);
    await page.getByTestId('prompt-accept').click();
    await expect(page.getByTestId(`host-status-${h1.name}`)).toHaveText(/connected/i);
  } finally {
    await core.stop();
  }
  // Now a known_hosts that pins lab-2's key on lab-1's address: a changed key.
  const wrong = await startCore(testInfo, { knownHosts: 'empty' });
  writeFileSync(wrong.knownHosts, `${h1.ip} ${h2.hostKey}\n`);
  try {
    await page.goto(wrong.url);
    await addLabHost(wrong, h1);
    const status = page.getByTestId(`host-status-${h1.name}`);
    await expect(status).toHaveText(/unreachable/i);
    // The refusal names the key the host offered, in the tree and on the host page.
    await expect(page.locator(`#tree-note-${h1.name}`)).toContainText(/host key changed/i);
    await page.getByTestId(`host-row-${h1.name}`).click();
    await expect(page.getByRole('main')).toContainText(h1.fingerprint);
    await expect(page.getByRole('main')).not.toContainText(/accept/i);
    await expect(page.getByTestId('prompt-dialog')).toHaveCount(0);
  } finally {
    await wrong.stop();
  }
});

test('a host whose sshd dies shows unreachable and recovers by itself', async ({ app, core }) => {
  await addLabHost(core, h2);
  const status = app.getByTestId(`host-status-${h2.name}`);
  await expect(status).toHaveText(/connected/i);
  await stopSshd(h2);
  try {
    await expect(status).toHaveText(/unreachable/i, { timeout: 45_000 });
  } finally {
    await startSshd(h2);
  }
  await expect(status).toHaveText(/connected/i, { timeout: 90_000 });
  await app.getByTestId('tree-filter').fill(h2.guests[0]!);
  await expect(app.getByTestId(`vm-state-${h2.guests[0]}`)).toHaveText('running');
});
