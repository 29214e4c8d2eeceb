import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { test, expect, readLab, ROOT, type CoreProcess, type LabHost } from '../fixtures';
import { addLabHost, coreCall, inHost, virsh } from '../lab-tools';

// Virtual networks end to end (issue 9): a NAT network made in the UI, a
// static reservation, a real guest that gets exactly that address (its own
// serial console says so, and so does the VM's IP column), an overlapping
// subnet refused with its reason, a delete refused while a VM uses the network.
const run = promisify(execFile);
const lab = readLab();
const h1 = lab.hosts[0]! as LabHost & { network: { subnet: string } };
const stamp = Date.now().toString(36);
const NET = `vd-e2e-net ${stamp}`;
const GUEST = `vd-e2e-netguest-${stamp}`;
const SUBNET = '192.168.150.0/24';
const RESERVED = '192.168.150.50';

const termText = (page: Page, testId: string) => page.getByTestId(testId).locator('.xterm-rows').innerText();

async function connectedHost(core: CoreProcess): Promise<string> {
  const hostId = await addLabHost(core, h1);
  const state = await coreCall<{ status: string; reason?: string }>(core, 'hosts.connect', { hostId });
  expect(state.status, state.reason).toBe('connected');
  return hostId;
}

/** A diskless lab guest (the initramfs is its whole OS) on `default`, shut off; returns its MAC. */
async function defineGuest(): Promise<string> {
  const { stdout } = await run('bash', [path.join(ROOT, 'e2e/lab/guest-xml.sh'), GUEST]);
  const xml = stdout.replace(/<disk[\s\S]*?<\/disk>/, '');
  await inHost(h1, ['sh', '-c', 'f=$(mktemp) && cat >"$f" && virsh define "$f"; r=$?; rm -f "$f"; exit $r'], xml);
  const mac = /<mac address='([0-9a-f:]+)'/.exec(await virsh(h1, 'dumpxml', GUEST))?.[1];
  if (!mac) throw new Error('the guest has no MAC');
  return mac;
}

const ISO = `vd-e2e-iso-${stamp}`;
const OPEN = `vd-e2e-open-${stamp}`;
const LAN = `vd-e2e-lan-${stamp}`;
const BRIDGE = 'br-e2e';

test.afterAll(async () => {
  await virsh(h1, 'destroy', GUEST).catch(() => {});
  await virsh(h1, 'undefine', GUEST).catch(() => {});
  for (const n of [NET, ISO, OPEN, LAN]) {
    await virsh(h1, 'net-destroy', n).catch(() => {});
    await virsh(h1, 'net-undefine', n).catch(() => {});
  }
  await inHost(h1, ['ip', 'link', 'del', BRIDGE]).catch(() => {});
});

async function defineNetwork(xml: string): Promise<void> {
  await inHost(h1, ['sh', '-c', 'f=$(mktemp) && cat >"$f" && virsh net-define "$f"; r=$?; rm -f "$f"; exit $r'], xml);
}

test('a NAT network created in the UI with a reservation gives a lab guest that exact IP; overlaps and deletes in use are refused', async ({ app, core }) => {
  test.setTimeout(240_000);
  const hostId = await connectedHost(core);
  const mac = await defineGuest();

  // The host page lists its networks; create one from there.
  await app.getByTestId(`host-row-${hostId}`).click();
  const netRow = app.getByTestId('network-row-default');
  await expect(netRow).toContainText('NAT');
  await expect(app.getByTestId('network-state-default')).toHaveText('active');
  await expect(netRow).toContainText(h1.network.subnet);
  await app.getByTestId('network-create-open').click();
  const dialog = app.getByTestId('network-create-dialog');
  // The first free subnet is offered and checked against the host.
  await expect(app.getByTestId('net-create-cidr')).toHaveValue(/^192\.168\.\d+\.0\/24$/);
  await expect(app.getByTestId('net-create-cidr-ok')).toBeVisible();
  await app.getByTestId('net-create-name').fill(NET);

  // A subnet overlapping `default` is refused with the reason, before anything is made.
  const overlapping = h1.network.subnet.replace('.0/24', '.128/25');
  await app.getByTestId('net-create-cidr').fill(overlapping);
  await expect(app.getByTestId('net-create-cidr-error')).toHaveText(`${overlapping} overlaps network 'default' (${h1.network.subnet}, NAT on virbr0)`);
  await app.getByTestId('network-create-submit').click();
  await expect(app.getByTestId('network-create-submit')).toBeDisabled();
  await dialog.screenshot({ path: test.info().outputPath('create-overlap.png') });

  await app.getByTestId('net-create-cidr').fill(SUBNET);
  await expect(app.getByTestId('net-create-cidr-ok')).toBeVisible();
  await expect(app.getByTestId('net-create-dhcp-start')).toHaveValue('192.168.150.2');
  await app.getByTestId('net-create-dhcp-start').fill('192.168.150.100');
  await app.getByTestId('net-create-dhcp-end').fill('192.168.150.199');
  await dialog.screenshot({ path: test.info().outputPath('create-ok.png') });
  await app.getByTestId('network-create-submit').click();

  // The task runs; the network's page opens when it is done.
  await expect(app.getByTestId('network-page')).toBeVisible();
  await expect(app.getByTestId('network-title')).toHaveText(NET);
  await expect(app.getByTestId('network-page-state')).toHaveText('active');
  await expect(app.getByTestId('network-cidr')).toHaveText(SUBNET);

  // Reserve .50 for the guest's NIC, picked by VM.
  await app.getByTestId('reservation-add').click();
  await app.getByTestId('reservation-vm').selectOption({ label: `${GUEST} — ${mac} (on default)` });
  await expect(app.getByTestId('reservation-mac')).toHaveValue(mac);
  await expect(app.getByTestId('reservation-ip')).toHaveValue('192.168.150.2'); // the first free address outside the DHCP range
  await app.getByTestId('reservation-ip').fill(RESERVED);
  await app.getByTestId('reservation-submit').click();
  const resRow = app.getByTestId(`reservation-row-${mac}`);
  await expect(resRow).toContainText(RESERVED);
  await expect(resRow).toContainText(GUEST);
  await expect(resRow).toContainText('not requested yet');

  // Plug the guest into the network, then start it from its own page.
  await app.getByTestId('network-attach-open').click();
  await app.getByTestId('network-attach-nic').selectOption({ label: `${GUEST} — ${mac} (now on network 'default', shutoff)` });
  await app.getByTestId('network-attach-submit').click();
  await expect(app.getByTestId('network-attach-result')).toContainText('takes effect when the VM next starts');
  await app.getByTestId('network-attach-dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(app.getByTestId(`network-user-${GUEST}`)).toContainText(mac);
  await app.getByTestId(`network-user-${GUEST}`).getByRole('button', { name: GUEST }).click();
  await app.getByTestId('vm-action-start').click();
  await expect(app.getByTestId('vm-header-state')).toHaveText('running');

  // The lease arrives 10-40 s after boot under TCG; the IP shows without a reload.
  await expect(app.getByRole('region', { name: 'Addresses' })).toContainText(RESERVED, { timeout: 90_000 });
  await app.screenshot({ path: test.info().outputPath('vm-ip.png') });

  // The guest's own serial console agrees.
  await app.getByTestId('vm-open-serial').click();
  await expect(app.getByTestId('console-status')).toHaveAttribute('data-phase', 'open');
  await app.getByTestId('console-serial').click();
  await app.keyboard.press('Enter');
  await app.keyboard.type('ip -4 addr show dev eth0 | grep inet');
  await app.keyboard.press('Enter');
  await expect.poll(() => termText(app, 'console-serial'), { timeout: 20_000 }).toMatch(new RegExp(`inet ${RESERVED.replace(/\./g, '\\.')}/24`));
  await app.screenshot({ path: test.info().outputPath('serial-ip.png') });
  await app.goBack();

  // The host's VM table (the IP column) and the network page agree too.
  await app.getByTestId(`host-row-${hostId}`).click();
  await expect(app.getByTestId(`host-vm-row-${GUEST}`)).toContainText(RESERVED);
  await app.getByTestId(`network-open-${NET}`).click();
  await expect(app.getByTestId(`lease-row-${RESERVED}`)).toContainText(GUEST);
  await expect(resRow).toContainText('leased');
  await app.screenshot({ path: test.info().outputPath('network-page.png'), fullPage: true });

  // Deleting the network while the guest uses it is refused, naming the guest.
  await app.getByTestId('network-delete').click();
  await expect(app.getByTestId('network-delete-refused')).toContainText(GUEST);
  await expect(app.getByTestId('confirm-ok')).toHaveCount(0);
  await app.getByTestId('confirm-dialog').screenshot({ path: test.info().outputPath('delete-refused.png') });
  await app.getByTestId('confirm-cancel').click();
  // The core refuses too, whoever asks.
  await expect(coreCall(core, 'networks.delete', { hostId, name: NET })).rejects.toThrow(`CONFLICT Network '${NET}' is in use by VM '${GUEST}' (running)`);

  // Once the guest is gone the network can go.
  await virsh(h1, 'destroy', GUEST);
  await virsh(h1, 'undefine', GUEST);
  await app.getByTestId('network-delete').click();
  await expect(app.getByTestId('confirm-ok')).toBeEnabled();
  await app.getByTestId('confirm-ok').click();
  await expect(app.getByTestId('host-overview')).toBeVisible();
  await expect(app.getByTestId(`network-row-${NET}`)).toHaveCount(0);
});

test('every kind of network is listed and follows changes made outside; a host bridge takes a VM', async ({ app, core }) => {
  const hostId = await connectedHost(core);
  await defineNetwork(`<network><name>${ISO}</name><ip address='10.97.1.1' prefix='24'/></network>`);
  await defineNetwork(`<network><name>${OPEN}</name><forward mode='open'/><ip address='10.97.2.1' prefix='24'/></network>`);
  await inHost(h1, ['sh', '-c', `ip link add ${BRIDGE} type bridge && ip addr add 172.31.9.1/24 dev ${BRIDGE} && ip link set ${BRIDGE} up`]);
  await defineNetwork(`<network><name>${LAN}</name><forward mode='bridge'/><bridge name='${BRIDGE}'/></network>`);
  const mac = await defineGuest();

  await app.getByTestId(`host-row-${hostId}`).click();
  await expect(app.getByTestId(`network-row-${ISO}`)).toContainText('Isolated');
  await expect(app.getByTestId(`network-row-${ISO}`)).toContainText('no DHCP');
  await expect(app.getByTestId(`network-row-${OPEN}`)).toContainText('Open');
  await expect(app.getByTestId(`network-row-${LAN}`)).toContainText('Bridge');
  await expect(app.getByTestId(`network-row-${LAN}`)).toContainText(BRIDGE);
  await expect(app.getByTestId(`network-state-${ISO}`)).toHaveText('inactive');

  // Started from the UI; stopped outside it: the row follows libvirt's events, no reload.
  await app.getByTestId(`network-start-${ISO}`).click();
  await expect(app.getByTestId(`network-state-${ISO}`)).toHaveText('active');
  await virsh(h1, 'net-destroy', ISO);
  await expect(app.getByTestId(`network-state-${ISO}`)).toHaveText('inactive');
  await virsh(h1, 'net-start', LAN);
  await expect(app.getByTestId(`network-state-${LAN}`)).toHaveText('active');
  // Stopping asks first (no running VM is on it here).
  await app.getByTestId(`network-stop-${LAN}`).click();
  await expect(app.getByTestId('confirm-dialog')).toContainText('No running VM is on it');
  await app.getByTestId('confirm-ok').click();
  await expect(app.getByTestId(`network-state-${LAN}`)).toHaveText('inactive');

  // The host's own interfaces, read-only: libvirt's list with addresses from `ip`.
  await app.getByTestId('host-interfaces').locator('summary').click();
  await expect(app.getByTestId('host-interfaces-source')).toContainText("libvirt's interface driver");
  await expect(app.getByTestId('iface-row-virbr0')).toContainText("of network 'default'");
  await expect(app.getByTestId(`iface-row-${BRIDGE}`)).toContainText('172.31.9.1/24');
  await expect(app.getByTestId('iface-attach-virbr0')).toHaveCount(0); // a network's own bridge: attach to the network instead
  await app.getByTestId('host-networks').screenshot({ path: test.info().outputPath('host-networks.png') });

  // A VM plugged straight into the host bridge.
  await app.getByTestId(`iface-attach-${BRIDGE}`).click();
  await app.getByTestId('network-attach-nic').selectOption({ label: `${GUEST} — ${mac} (now on network 'default', shutoff)` });
  await app.getByTestId('network-attach-submit').click();
  await expect(app.getByTestId('network-attach-result')).toContainText(`is now on bridge '${BRIDGE}'`);
  expect(await virsh(h1, 'domiflist', GUEST)).toMatch(new RegExp(`bridge\\s+${BRIDGE}\\s+virtio\\s+${mac}`));
});
