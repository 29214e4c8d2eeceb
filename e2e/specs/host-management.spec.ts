import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, readLab, startCore, type LabHost } from '../fixtures';
import { addLabHost, coreCall } from '../lab-tools';

// Issue 8, item 8 end to end: hosts are managed, not only added. Real lab
// hosts over SSH; the core's registry decides what is a duplicate.
const lab = readLab();
if (lab.hosts.length < 2) throw new Error('the lab needs 2 hosts');
const [h1, h2] = lab.hosts as [LabHost, LabHost];
// Each test is many UI round trips over real SSH to TCG guests; on a loaded
// shared machine that outgrows the suite's 90 s default, so these get more.
test.describe.configure({ timeout: 180_000 });

interface StoredHost {
  config: { id: string; name: string; group?: string; tags: string[]; autoConnect: boolean; target: Record<string, unknown> };
}

async function openAdd(app: Page) {
  await app.getByTestId('add-host-open').click();
  await expect(app.getByTestId('add-host-dialog')).toBeVisible();
}

async function fillSsh(app: Page, p: 'add-host' | 'edit-host', f: { hostname: string; user?: string; port?: string; name?: string; identity?: string }) {
  await app.getByTestId(`${p}-hostname`).fill(f.hostname);
  if (f.user !== undefined) await app.getByTestId(`${p}-user`).fill(f.user);
  if (f.port !== undefined) await app.getByTestId(`${p}-port`).fill(f.port);
  if (f.name !== undefined) await app.getByTestId(`${p}-name`).fill(f.name);
  if (f.identity !== undefined) await app.getByTestId(`${p}-identity`).fill(f.identity);
}

test('the same host is refused a second time, naming the entry that has it', async ({ app, core }) => {
  await openAdd(app);
  await fillSsh(app, 'add-host', { hostname: h1.ip, name: 'first', identity: lab.ssh.key });
  await app.getByTestId('add-host-submit').click();
  await expect(app.getByTestId('host-status-first')).toHaveText(/connected/i);

  // Same user, address and port again (the port and user typed out, where the first add left the defaults).
  await openAdd(app);
  await fillSsh(app, 'add-host', { hostname: h1.ip, port: '22', user: 'root', name: 'second' });
  await app.getByTestId('add-host-submit').click();
  const conflict = app.getByTestId('add-host-conflict');
  await expect(conflict).toContainText('Already in your list');
  await expect(conflict).toContainText(`root@${h1.ip}`);
  await expect(conflict).toContainText('first');
  // It shows below a long form: it must be scrolled into view, not left under the fold.
  await expect(conflict).toBeInViewport();
  await app.getByTestId('add-host-dialog').screenshot({ path: test.info().outputPath('add-duplicate.png') });
  const hosts = await coreCall<StoredHost[]>(core, 'hosts.list', {});
  expect(hosts.filter((h) => h.config.target.transport === 'ssh')).toHaveLength(1);
  // It leads to the entry there is.
  await app.getByTestId('add-host-conflict-show').click();
  await expect(app.getByTestId('add-host-dialog')).toHaveCount(0);
  await expect(app.getByTestId('host-overview')).toContainText('first');
  await expect(app.getByTestId('host-row-second')).toHaveCount(0);
});

test('an ssh_config alias is offered, and it is the same host as its address', async ({ app, core }) => {
  await openAdd(app);
  const pick = app.getByTestId('add-host-alias');
  await expect(pick.locator('option', { hasText: h2.name })).toHaveCount(1);
  await pick.selectOption(h2.name);
  await expect(app.getByTestId('add-host-hostname')).toHaveValue(h2.ip);
  await expect(app.getByTestId('add-host-alias-note')).toContainText(`Host ${h2.name}`);
  await app.getByTestId('add-host-dialog').screenshot({ path: test.info().outputPath('add-alias.png') });
  await app.getByTestId('add-host-submit').click();
  // No identity typed: the key comes from the alias' IdentityFile, re-read at connect.
  await expect(app.getByTestId(`host-status-${h2.name}`)).toHaveText(/connected/i);
  const [stored] = (await coreCall<StoredHost[]>(core, 'hosts.list', {})).filter((h) => h.config.name === h2.name);
  expect(stored?.config.target).toMatchObject({ sshAlias: h2.name, hostname: h2.ip });

  await openAdd(app);
  await fillSsh(app, 'add-host', { hostname: h2.ip, identity: lab.ssh.key });
  await app.getByTestId('add-host-submit').click();
  await expect(app.getByTestId('add-host-conflict')).toContainText(h2.name);
});

test('every setting of a host is edited in the same form; an edit may not become another listed host', async ({ app, core }) => {
  const id1 = await addLabHost(core, h1);
  const id2 = await addLabHost(core, h2);
  await expect(app.getByTestId(`host-status-${id1}`)).toHaveText(/connected/i);
  await app.getByTestId(`host-row-${id1}`).click();
  await app.getByTestId('host-action-edit').click();
  const dialog = app.getByTestId('edit-host-dialog');
  await expect(dialog).toBeVisible();
  // Prefilled with what the host has now.
  await expect(app.getByTestId('edit-host-hostname')).toHaveValue(h1.ip);
  await expect(app.getByTestId('edit-host-user')).toHaveValue('root');
  await expect(app.getByTestId('edit-host-identity')).toHaveValue(lab.ssh.key);
  await expect(app.getByTestId('edit-host-autoConnect')).toBeChecked();

  // Pointing it at lab-2's address is refused: lab-2 is listed already.
  await app.getByTestId('edit-host-hostname').fill(h2.ip);
  await app.getByTestId('edit-host-submit').click();
  await expect(app.getByTestId('edit-host-conflict')).toContainText(h2.name);
  await expect(app.getByTestId('edit-host-conflict')).toBeInViewport();
  await dialog.screenshot({ path: test.info().outputPath('edit-duplicate.png') });

  // Back to its own address, now through lab-2 as a jump host, with a new name, group, tags and no auto-connect.
  await app.getByTestId('edit-host-hostname').fill(h1.ip);
  await expect(app.getByTestId('edit-host-conflict')).toHaveCount(0); // the refusal was about the address just changed
  await app.getByTestId('edit-host-name').fill('Lab one');
  await app.getByTestId('edit-host-jumps').fill(`root@${h2.ip}`);
  await app.getByTestId('edit-host-group').fill('Rack A');
  await app.getByTestId('edit-host-tags').fill('ssd, lab');
  await app.getByTestId('edit-host-autoConnect').uncheck();
  await dialog.screenshot({ path: test.info().outputPath('edit-host.png') });
  await app.getByTestId('edit-host-submit').click();
  await expect(dialog).toHaveCount(0);
  await expect(app.getByTestId('host-overview').locator('h1')).toHaveText('Lab one');
  await expect(app.getByTestId('host-overview')).toContainText('Group: Rack A');
  await expect(app.getByTestId('group-row-Rack A')).toBeVisible();
  // A new route redials; the jump host's key is in the lab's known_hosts.
  await expect(app.getByTestId(`host-status-${id1}`)).toHaveText(/connected/i, { timeout: 30_000 });
  const stored = (await coreCall<StoredHost[]>(core, 'hosts.list', {})).find((h) => h.config.id === id1)!;
  expect(stored.config).toMatchObject({
    id: id1,
    name: 'Lab one',
    group: 'Rack A',
    tags: ['ssd', 'lab'],
    autoConnect: false,
    target: { transport: 'ssh', hostname: h1.ip, port: 22, user: 'root', jumpHosts: [{ hostname: h2.ip, port: 22, user: 'root' }] },
  });
  expect(id2).not.toBe(id1);
  await app.screenshot({ path: test.info().outputPath('after-edit.png') });
});

test('a local-socket host is added and edited from the form; the default socket is "This machine" already', async ({ app, core }) => {
  await openAdd(app);
  await app.getByTestId('add-host-transport-local').check();
  await expect(app.getByTestId('add-host-hostname')).toHaveCount(0);
  await expect(app.getByTestId('add-host-socketPath')).toHaveValue('/var/run/libvirt/libvirt-sock');
  const hosts = await coreCall<StoredHost[]>(core, 'hosts.list', {});
  const machine = hosts.find((h) => h.config.target.transport === 'local');
  if (machine) {
    // This machine's socket is offered by default, so adding it again is a duplicate.
    await app.getByTestId('add-host-submit').click();
    await expect(app.getByTestId('add-host-conflict')).toContainText(machine.config.name);
    await app.getByTestId('add-host-dialog').screenshot({ path: test.info().outputPath('add-local-duplicate.png') });
  }
  await app.getByTestId('add-host-socketPath').fill('/run/vd-e2e-none/libvirt-sock');
  // The refusal was about the path just changed: no banner, no leftover sentence.
  await expect(app.getByTestId('add-host-conflict')).toHaveCount(0);
  await expect(app.getByTestId('add-host-error')).toHaveCount(0);
  await app.getByTestId('add-host-name').fill('Spare socket');
  await app.getByTestId('add-host-dialog').screenshot({ path: test.info().outputPath('add-local.png') });
  await app.getByTestId('add-host-submit').click();
  await expect(app.getByTestId('add-host-dialog')).toHaveCount(0);
  await expect(app.getByTestId('host-overview')).toContainText('socket not found');
  await app.getByTestId('host-action-edit').click();
  await expect(app.getByTestId('edit-host-transport-local')).toBeChecked();
  await expect(app.getByTestId('edit-host-socketPath')).toHaveValue('/run/vd-e2e-none/libvirt-sock');
  await app.getByTestId('edit-host-libvirtPath').selectOption('session');
  await app.getByTestId('edit-host-submit').click();
  await expect(app.getByTestId('edit-host-dialog')).toHaveCount(0);
  const stored = (await coreCall<StoredHost[]>(core, 'hosts.list', {})).find((h) => h.config.name === 'Spare socket')!;
  expect(stored.config.target).toEqual({ transport: 'local', socketPath: '/run/vd-e2e-none/libvirt-sock', libvirtPath: 'session' });
});

test('a changed host key is refused with its facts laid out: hop, both fingerprints, file:line, the fix', async ({ browser }, testInfo) => {
  // lab-2's key pinned on lab-1's address, on line 2: what a MITM looks like.
  const core = await startCore(testInfo, { knownHosts: 'empty' });
  writeFileSync(core.knownHosts, `# pinned by hand\n${h1.ip} ${h2.hostKey}\n`);
  const page = await browser.newPage();
  try {
    await page.goto(core.url);
    const id = await addLabHost(core, h1);
    await expect(page.getByTestId(`host-status-${id}`)).toHaveText(/unreachable/i);
    await expect(page.locator(`#tree-note-${id}`)).toContainText(`Host key changed on ${h1.ip}: connection refused`);
    await page.getByTestId(`host-row-${id}`).click();
    const refusal = page.getByTestId('host-key-mismatch');
    await expect(refusal).toContainText('Host key changed: connection refused');
    await expect(page.getByTestId('host-key-host')).toHaveText(h1.ip);
    await expect(page.getByTestId('host-key-offered')).toHaveText(h1.fingerprint);
    await expect(page.getByTestId('host-key-expected')).toHaveText(h2.fingerprint);
    await expect(page.getByTestId('host-key-where')).toHaveText(`${core.knownHosts}, line 2`);
    await expect(page.getByTestId('host-key-fix')).toHaveText(`ssh-keygen -R ${h1.ip} -f ${core.knownHosts}`);
    // Nothing offers to accept the new key.
    await expect(page.getByRole('main').getByRole('button', { name: /accept|trust/i })).toHaveCount(0);
    await expect(page.getByTestId('prompt-dialog')).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath('host-key-changed.png') });
  } finally {
    await page.close();
    await core.stop();
  }
});
