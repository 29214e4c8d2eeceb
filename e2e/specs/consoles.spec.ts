import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import { test, expect, readLab, ROOT, type CoreProcess, type LabHost } from '../fixtures';
import { addLabHost, coreCall } from '../lab-tools';

// Consoles end to end: a VNC display, a serial console and a host shell of
// lab-1, all over the core's one SSH connection. Each test uses its own
// diskless guest (the initramfs is the whole OS) so lab guests stay untouched.
const run = promisify(execFile);
const lab = readLab();
// lab.json also records where each host's serial logs land on this machine.
const h1 = lab.hosts[0]! as LabHost & { serialLogDir: string };
const VNC_PASSWORD = 'e2e-Pw!';
const LAB_SH = path.join(ROOT, 'e2e/lab/lab.sh');

/** argv inside a lab host's namespaces (nsenter, no SSH: it must not count as a session). */
function inHost(host: LabHost, argv: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('bash', [LAB_SH, 'in', host.name, '--', ...argv], { timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${argv.join(' ')} on ${host.name}: ${stderr || err.message}`)) : resolve(stdout),
    );
    child.stdin!.end(input ?? '');
  });
}
const virsh = (host: LabHost, ...args: string[]) => inHost(host, ['virsh', ...args]);

async function defineConsoleGuest(host: LabHost, name: string): Promise<string> {
  const { stdout } = await run('bash', [path.join(ROOT, 'e2e/lab/guest-xml.sh'), name]);
  const xml = stdout.replace(/<disk[\s\S]*?<\/disk>/, '').replace("<graphics type='vnc'", `<graphics type='vnc' passwd='${VNC_PASSWORD}'`);
  // Through a temp file: node's stdin pipe is a socket, which `virsh define /dev/stdin` cannot open.
  await inHost(host, ['sh', '-c', 'f=$(mktemp) && cat >"$f" && virsh define "$f"; r=$?; rm -f "$f"; exit $r'], xml);
  await virsh(host, 'start', name);
  await run('bash', [path.join(ROOT, 'e2e/lab/lab.sh'), 'wait-guest', host.name, name, '60']);
  return (await virsh(host, 'domuuid', name)).trim();
}

async function connectedHost(core: CoreProcess): Promise<string> {
  const hostId = await addLabHost(core, h1);
  const state = await coreCall<{ status: string; reason?: string }>(core, 'hosts.connect', { hostId });
  expect(state.status, state.reason).toBe('connected');
  return hostId;
}

const serialLog = (name: string) => readFile(path.join(h1.serialLogDir, `${name}-serial.log`), 'utf8').catch(() => '');

/** Pixels of noVNC's canvas that are not the black of a text console. */
const litPixels = (page: Page) =>
  page.getByTestId('console-vnc-canvas').evaluate((el) => {
    const c = el.querySelector('canvas');
    if (!c || c.width === 0) return 0;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i]! + d[i + 1]! + d[i + 2]! > 60) n++;
    return n;
  });

const termText = (page: Page, testId: string) => page.getByTestId(testId).locator('.xterm-rows').innerText();

/** The core's TCP connections to a host's sshd, and the sshd processes holding them (inside the host). */
async function sshFootprint(core: CoreProcess, host: LabHost): Promise<{ connections: number; sshdPids: string[]; allSshd: number }> {
  const { stdout } = await run('ss', ['-Htnp', 'state', 'established', `( dport = :22 and dst ${host.ip} )`]);
  const ports = stdout
    .split('\n')
    .filter((l) => l.includes(`pid=${core.proc.pid},`))
    .map((l) => l.trim().split(/\s+/)[2]!.split(':').pop()!);
  const inside = await inHost(host, ['ss', '-Htnp', 'state', 'established', '( sport = :22 )']);
  const sshdPids = inside
    .split('\n')
    .filter((l) => ports.some((p) => l.trim().split(/\s+/)[3]?.endsWith(`:${p}`)))
    .flatMap((l) => [...l.matchAll(/pid=(\d+)/g)].map((m) => m[1]!))
    .sort();
  const ps = await inHost(host, ['ps', '-eo', 'args']);
  const allSshd = ps.split('\n').filter((l) => l.startsWith('sshd:') && !l.includes('[listener]')).length;
  return { connections: ports.length, sshdPids, allSshd };
}

test.describe('consoles', () => {
  let name: string;
  let uuid: string;
  test.beforeEach(async () => {
    name = `vd-con-${Date.now().toString(36)}`;
    uuid = await defineConsoleGuest(h1, name);
  });
  test.afterEach(async () => {
    await virsh(h1, 'destroy', uuid).catch(() => {});
    await virsh(h1, 'undefine', uuid);
  });

  test('VNC shows the guest screen, survives a power cycle, and explains a wrong password', async ({ app, core }) => {
    const hostId = await connectedHost(core);
    // The palette: Ctrl+Shift+K, the name, Enter.
    await app.keyboard.press('Control+Shift+K');
    await app.getByTestId('quick-console-input').fill(name);
    await app.screenshot({ path: test.info().outputPath('quick-console.png') });
    await app.getByTestId('quick-console-input').press('Enter');
    await expect(app).toHaveURL(new RegExp(`#/console/${hostId}/${uuid}$`));
    const status = app.getByTestId('console-status');
    await expect(status).toHaveAttribute('data-phase', 'open');
    await expect.poll(() => litPixels(app), { message: 'kernel text on the VNC screen' }).toBeGreaterThan(2000);
    await app.screenshot({ path: test.info().outputPath('vnc.png') });

    // Paste as keystrokes: the VGA console runs a shell too; what it echoes to ttyS0 lands in the serial log on the host.
    const marker = `vnc-typed-${Date.now() % 100000}`;
    await app.getByTestId('vnc-clipboard-toggle').click();
    await app.getByTestId('vnc-clipboard-text').fill(`echo ${marker} $((6*7)) >/dev/ttyS0\n`);
    await app.getByTestId('vnc-type-text').click();
    await expect.poll(() => serialLog(name), { message: 'typed command ran in the guest' }).toContain(`${marker} 42`);
    // View only: nothing can be typed into the guest.
    await app.getByTestId('vnc-view-only').check();
    await expect(app.getByTestId('vnc-type-text')).toBeDisabled();
    await app.getByTestId('vnc-view-only').uncheck();

    // Its own window: the same console route in a new tab, a second (shared) VNC client.
    const [popup] = await Promise.all([app.context().waitForEvent('page'), app.getByTestId('console-new-window').click()]);
    await expect(popup.getByTestId('console-status')).toHaveAttribute('data-phase', 'open');
    await expect.poll(() => litPixels(popup)).toBeGreaterThan(2000);
    await popup.close();

    // Guest off: a clear message and a Start button; starting reconnects by itself.
    await virsh(h1, 'destroy', name);
    await expect(status).toHaveAttribute('data-phase', 'guest-off');
    await expect(status).toContainText(`${name} is off`);
    await app.getByTestId('console-start').click();
    await expect(status).toHaveAttribute('data-phase', 'open');
    await expect.poll(() => litPixels(app)).toBeGreaterThan(500);

    // The display's password changed behind libvirt's back: the XML one is refused.
    await virsh(h1, 'qemu-monitor-command', '--hmp', name, 'set_password vnc other-pw');
    await app.getByRole('button', { name: 'Reconnect' }).click();
    await expect(status).toHaveAttribute('data-phase', 'auth');
    await expect(status).toContainText('The VNC password was refused');
    await app.screenshot({ path: test.info().outputPath('vnc-wrong-password.png') });
    await app.getByTestId('vnc-password').fill('other-pw');
    await app.getByTestId('vnc-password').press('Enter');
    await expect(status).toHaveAttribute('data-phase', 'open');
  });

  test('serial console: typing reaches the guest shell and the answer comes back; take over', async ({ app, core }) => {
    const hostId = await connectedHost(core);
    // From the VM's page in the tree.
    await app.getByTestId(`vm-row-${name}`).click();
    await expect(app.getByTestId('vm-open-serial')).toBeEnabled();
    await app.screenshot({ path: test.info().outputPath('vm-page.png') });
    await app.getByTestId('vm-open-serial').click();
    await expect(app).toHaveURL(new RegExp(`#/console/${hostId}/${uuid}/serial$`));
    await expect(app.getByTestId('console-status')).toHaveAttribute('data-phase', 'open');
    await app.getByTestId('console-serial').click();
    await app.keyboard.press('Enter');
    await app.keyboard.type('echo hi-$RANDOM');
    await app.keyboard.press('Enter');
    // The expanded value, not the typed line: digits where $RANDOM was.
    await expect.poll(async () => /^hi-(\d+)\s*$/m.exec(await termText(app, 'console-serial'))?.[1]).toMatch(/^\d+$/);
    await app.screenshot({ path: test.info().outputPath('serial.png') });

    // A second window finds the console busy and takes it over.
    const other = await app.context().newPage();
    await other.goto(`${core.origin}/#/console/${hostId}/${uuid}/serial`);
    await expect(other.getByTestId('console-status')).toHaveAttribute('data-phase', 'busy');
    await expect(other.getByTestId('console-status')).toContainText('Another client holds');
    await other.screenshot({ path: test.info().outputPath('serial-busy.png') });
    await other.getByTestId('console-takeover').click();
    await expect(other.getByTestId('console-status')).toHaveAttribute('data-phase', 'open');
    await expect(app.getByTestId('console-status')).toHaveAttribute('data-phase', 'taken-over');
    await other.close();
  });

  test('host shell runs a command; three consoles add no SSH session', async ({ app, core }) => {
    const hostId = await connectedHost(core);
    const before = await sshFootprint(core, h1);
    expect(before.connections).toBe(1);

    await app.getByTestId(`host-row-${hostId}`).click();
    await app.getByTestId('host-open-shell').click();
    await expect(app).toHaveURL(new RegExp(`#/shell/${hostId}$`));
    await expect(app.getByTestId('console-status')).toHaveAttribute('data-phase', 'open');
    await app.getByTestId('console-shell').click();
    await app.keyboard.type('echo "on $(uname -n): $((6*7))"; stty size');
    await app.keyboard.press('Enter');
    await expect.poll(() => termText(app, 'console-shell')).toContain(`on ${h1.name}: 42`);
    await app.screenshot({ path: test.info().outputPath('shell.png') });
    // Resizing the window resizes the remote pty.
    const sizes = async () => [...(await termText(app, 'console-shell')).matchAll(/^(\d+) (\d+)\s*$/gm)].map((m) => `${m[1]} ${m[2]}`);
    const [first] = await sizes();
    await app.setViewportSize({ width: 900, height: 560 });
    await app.keyboard.type('stty size');
    await app.keyboard.press('Enter');
    await expect.poll(async () => (await sizes()).length).toBe(2);
    expect((await sizes())[1]).not.toBe(first);

    const vnc = await app.context().newPage();
    await vnc.goto(`${core.origin}/#/console/${hostId}/${uuid}`);
    const serial = await app.context().newPage();
    await serial.goto(`${core.origin}/#/console/${hostId}/${uuid}/serial`);
    for (const p of [vnc, serial]) await expect(p.getByTestId('console-status')).toHaveAttribute('data-phase', 'open');
    await expect.poll(() => litPixels(vnc)).toBeGreaterThan(500);

    const after = await sshFootprint(core, h1);
    test.info().annotations.push({ type: 'ssh', description: `before ${JSON.stringify(before)} after ${JSON.stringify(after)}` });
    console.log(`ssh footprint before ${JSON.stringify(before)}, with 3 consoles open ${JSON.stringify(after)}`);
    expect(after.connections).toBe(1);
    expect(after.sshdPids).toEqual(before.sshdPids);
  });

  test('a console token works once; missing and unknown ones are refused', async ({ core }) => {
    const hostId = await connectedHost(core);
    const ticket = await coreCall<{ url: string; password?: string }>(core, 'consoles.openVnc', { hostId, uuid });
    expect(ticket.url).toMatch(/^\/console\/[A-Za-z0-9_-]{43}$/);
    expect(ticket.password).toBe(VNC_PASSWORD);
    const wsUrl = core.origin.replace('http', 'ws');
    const open = (p: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(wsUrl + p, { origin: core.origin });
        ws.once('open', () => {
          resolve('open');
          ws.close();
        });
        ws.once('unexpected-response', (_q, res) => resolve(`HTTP ${res.statusCode}`));
        ws.once('error', (e) => resolve(`error ${e.message}`));
      });
    expect(await open(ticket.url)).toBe('open');
    expect(await open(ticket.url)).toBe('HTTP 403');
    expect(await open('/console/')).toBe('HTTP 403');
    expect(await open(`/console/${'x'.repeat(43)}`)).toBe('HTTP 403');
  });
});
