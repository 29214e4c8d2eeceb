import type { Page } from '@playwright/test';
import { test, expect, readLab } from '../fixtures';
import { addLabHost, defineGuest, inHost, undefineGuest, virsh } from '../lab-tools';

// VM settings end to end: the Settings, XML and Snapshots tabs and the clone
// dialog against a lab host, each change checked with virsh on the host.
const lab = readLab();
const h1 = lab.hosts[0]!;

async function openVm(app: Page, name: string) {
  await app.getByTestId('tree-filter').fill(name);
  await app.getByTestId(`vm-row-${name}`).click();
  await expect(app.getByTestId('vm-title')).toHaveText(name);
}

test('settings: a running VM takes a vCPU and a link change now; a model change waits for the restart', async ({ app, core }) => {
  await addLabHost(core, h1);
  const name = `vd-e2e-set-${Date.now()}`;
  const uuid = await defineGuest(h1, name);
  try {
    // Two vCPUs possible, one running: the lab template with a current count.
    const xml = (await virsh(h1, 'dumpxml', '--inactive', uuid)).replace("<vcpu placement='static'>1</vcpu>", "<vcpu placement='static' current='1'>2</vcpu>");
    await inHost(h1, ['sh', '-c', 'f=$(mktemp) && cat >"$f" && virsh define "$f" >/dev/null; r=$?; rm -f "$f"; exit $r'], xml);
    await virsh(h1, 'start', uuid);
    await openVm(app, name);
    await app.getByTestId('tab-settings').click();
    await expect(app.getByTestId('cpu-vcpus')).toContainText('1 of 2 max');
    await app.getByTestId('edit-cpu').click();
    await app.getByTestId('cpu-vcpus-input').fill('2');
    await app.getByTestId('apply-cpu').click();
    await expect(app.getByTestId('section-cpu').getByTestId('apply-outcome')).toContainText('Applied now and kept vCPUs 1 → 2');
    await expect.poll(async () => (await virsh(h1, 'vcpucount', uuid, '--live', '--current')).trim()).toBe('2');

    const mac = /<mac address='([^']+)'/.exec(await virsh(h1, 'dumpxml', uuid))![1]!;
    await app.getByTestId(`toggle-link-${mac}`).click();
    await expect(app.getByTestId('section-nics').getByTestId('apply-outcome')).toContainText('link down');
    await expect(app.getByTestId(`link-${mac}`)).toHaveText('down');
    expect(await virsh(h1, 'domif-getlink', uuid, mac)).toMatch(/down/);

    // Memory maximum cannot grow live: shown as pending until restart.
    await app.getByTestId('edit-memory').click();
    await app.getByTestId('mem-max-input').fill('128');
    await app.getByTestId('apply-memory').click();
    await expect(app.getByTestId('section-memory').getByTestId('apply-outcome')).toContainText('At next boot Maximum memory 96 MiB → 128 MiB');
    await expect(app.getByTestId('section-memory').getByTestId('pending')).toContainText('Maximum memory: 128 MiB at next boot (now 96 MiB)');
    await app.screenshot({ path: test.info().outputPath('settings.png'), fullPage: true });
  } finally {
    await undefineGuest(h1, uuid);
  }
});

test('raw XML: an invalid edit shows libvirt’s message with its line and changes nothing; a valid one shows what libvirt stored', async ({ app, core }) => {
  await addLabHost(core, h1);
  const name = `vd-e2e-xml-${Date.now()}`;
  const uuid = await defineGuest(h1, name);
  try {
    const before = await virsh(h1, 'dumpxml', '--inactive', uuid);
    await openVm(app, name);
    await app.getByTestId('tab-xml').click();
    const editor = app.getByTestId('xml-editor').locator('.cm-content');
    await expect(editor).toContainText(`<name>${name}</name>`);
    // Type a stray element after </name>.
    await editor.getByText(`<name>${name}</name>`).click();
    await app.keyboard.press('End');
    // insertText: typed keys would trigger the editor's tag auto-closing.
    await app.keyboard.press('Enter');
    await app.keyboard.insertText('<bogus-element/>');
    await app.getByTestId('xml-review').click();
    await expect(app.getByTestId('xml-diff')).toContainText('<bogus-element/>');
    await app.getByTestId('xml-apply').click();
    await expect(app.getByTestId('xml-error')).toContainText('bogus-element');
    await expect(app.getByTestId('xml-error')).toContainText(/line \d+/);
    await app.screenshot({ path: test.info().outputPath('xml-error.png'), fullPage: true });
    expect(await virsh(h1, 'dumpxml', '--inactive', uuid)).toBe(before);

    // Replace it with a description: defined, and libvirt's own additions shown.
    await editor.getByText('<bogus-element/>').click();
    await app.keyboard.press('End');
    await app.keyboard.press('Shift+Home');
    await app.keyboard.insertText('<description>from the editor</description>');
    await app.getByTestId('xml-review').click();
    await app.getByTestId('xml-apply').click();
    await expect(app.getByTestId('xml-stored')).toBeVisible();
    expect(await virsh(h1, 'dumpxml', '--inactive', uuid)).toContain('<description>from the editor</description>');
  } finally {
    await undefineGuest(h1, uuid);
  }
});

test('snapshots and clone from the VM page', async ({ app, core }) => {
  await addLabHost(core, h1);
  const name = `vd-e2e-snap-${Date.now()}`;
  const uuid = await defineGuest(h1, name);
  let cloneUuid: string | undefined;
  try {
    await openVm(app, name);
    await app.getByTestId('tab-snapshots').click();
    await app.getByTestId('snap-name').fill('first');
    await app.getByTestId('snap-create').click();
    await expect(app.getByTestId('snap-task')).toContainText('succeeded');
    await expect(app.getByTestId('snap-first')).toContainText('current');
    expect(await virsh(h1, 'snapshot-list', '--name', uuid)).toContain('first');
    await app.screenshot({ path: test.info().outputPath('snapshots.png'), fullPage: true });
    await virsh(h1, 'snapshot-delete', uuid, 'first');

    await app.getByTestId('vm-clone').click();
    await app.getByTestId('clone-name').fill(`${name}-copy`);
    await app.getByTestId('clone-start').click();
    await expect(app.getByTestId('clone-state')).toHaveText('succeeded', { timeout: 60_000 });
    await app.screenshot({ path: test.info().outputPath('clone.png') });
    cloneUuid = (await virsh(h1, 'domuuid', `${name}-copy`)).trim();
    expect(cloneUuid).not.toBe(uuid);
  } finally {
    if (cloneUuid) await virsh(h1, 'undefine', '--remove-all-storage', cloneUuid).catch(() => {});
    await undefineGuest(h1, uuid);
  }
});
