import type { Page } from '@playwright/test';
import { test, expect, readLab } from '../fixtures';
import { addLabHost, coreCall } from '../lab-tools';
import { isAllowedText } from '../../src/renderer/i18n/allow';

// Issue 14, Chinese UI: switch to Simplified Chinese, walk the tree, a VM page,
// a host page, a wizard dialog and the audit page, and fail on any Latin-script
// word that is neither on the shared allow-list (VNC, MiB, libvirt...) nor a
// name from the lab (hosts, VMs, networks, pools). Data shown as data (mono
// cells: UUIDs, MACs, paths, XML; <code>; chips with tags) is left out.
const lab = readLab();
const h1 = lab.hosts[0]!;

/** Visible text of a region without its data cells, one entry per line. */
async function visibleText(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).first().evaluate((root) => {
    const clone = root.cloneNode(true) as HTMLElement;
    clone.querySelectorAll('.mono, code, pre, kbd, .chip, .cm-host, .recharts-wrapper, option, [aria-hidden="true"], [translate="no"]').forEach((e) => e.remove());
    // Attributes a person reads too: tooltips, placeholders, accessible names.
    const attrs = [...root.querySelectorAll('[title], [placeholder], [aria-label]')]
      .filter((e) => !e.closest('.mono, code, pre, .chip, .cm-host, [translate="no"]'))
      .flatMap((e) => ['title', 'placeholder', 'aria-label'].map((a) => e.getAttribute(a) ?? ''));
    document.body.appendChild(clone);
    const text = clone.innerText;
    clone.remove();
    return [...text.split('\n'), ...attrs].map((l) => l.trim()).filter(Boolean);
  });
}

// Messages the core wrote (a host's connection error) may stay as they come; only our UI must be translated.
function untranslated(lines: string[], names: ReadonlySet<string>, coreMessages: ReadonlySet<string>): string[] {
  return lines.filter((l) => !coreMessages.has(l) && !isAllowedText(l, names));
}

test('the UI in Simplified Chinese shows no English on the tree, VM, host, wizard and audit pages', async ({ app, core }, testInfo) => {
  const hostId = await addLabHost(core, h1);
  await expect(app.getByTestId(`host-status-${hostId}`)).toHaveAttribute('data-status', 'connected');
  // Names that are data: hosts, VMs, networks, pools and the user, split into the words the check sees.
  const { domains: vms } = await coreCall<{ domains: Array<{ name: string }> }>(core, 'domains.list', { hostId });
  const names = new Set<string>([...lab.hosts.flatMap((h) => [h.name, h.ip]), hostId, ...vms.map((v) => v.name), 'default']);
  const hosts = await coreCall<Array<{ config: { name: string }; state: { reason?: string } }>>(core, 'hosts.list', {});
  for (const h of hosts) names.add(h.config.name);
  const coreMessages = new Set(hosts.flatMap((h) => (h.state.reason ? [h.state.reason] : [])));
  for (const n of [...names]) for (const w of n.split(/[^A-Za-z0-9_]+/)) if (w) names.add(w);

  await app.getByTestId('language-picker').selectOption('zh-CN');
  await expect(app.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(app.getByTestId('open-audit')).toHaveText('审计日志');

  const check = async (what: string, selector: string) => {
    const bad = untranslated(await visibleText(app, selector), names, coreMessages);
    expect(bad, `${what}: English left on screen`).toEqual([]);
  };

  // The tree with the lab's VMs, and the frame around it.
  const web = vms.find((v) => v.name.endsWith('-web'))!.name;
  await expect(app.getByTestId(`vm-state-${web}`)).toHaveText('运行中');
  await check('tree', '.sidebar');
  await check('top bar', '.topbar');
  await check('status bar', '.statusbar');
  await app.screenshot({ path: testInfo.outputPath('zh-tree.png') });

  // A VM page: overview (details, metrics), then each tab.
  await app.getByTestId(`vm-row-${web}`).click();
  await expect(app.getByTestId('vm-header-state')).toHaveText('运行中');
  await expect(app.getByTestId('vm-metrics')).toBeVisible();
  await check('VM overview', '.main-panel');
  await app.screenshot({ path: testInfo.outputPath('zh-vm.png') });
  await app.getByTestId('tab-settings').click();
  await expect(app.getByTestId('vm-settings')).toBeVisible();
  await check('VM settings', '.main-panel');
  await app.getByTestId('tab-snapshots').click();
  await expect(app.getByTestId('tab-snapshots')).toHaveAttribute('aria-selected', 'true');
  await check('VM snapshots', '.main-panel');

  // The host page: info cards, charts, VM table, networks.
  await app.getByTestId(`host-row-${hostId}`).click();
  await expect(app.getByTestId('host-info')).toBeVisible();
  await check('host page', '.main-panel');
  await app.screenshot({ path: testInfo.outputPath('zh-host.png') });

  // A wizard: adding a host.
  await app.getByTestId('add-host-open').click();
  const dialog = app.locator('dialog[open]');
  await expect(dialog).toBeVisible();
  await check('add-host wizard', 'dialog[open]');
  await app.screenshot({ path: testInfo.outputPath('zh-wizard.png') });
  await app.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // The audit page with the host add recorded.
  await app.getByTestId('open-audit').click();
  await expect(app.getByTestId('audit-row').first()).toBeVisible();
  await check('audit page', '.main-panel');
  await app.screenshot({ path: testInfo.outputPath('zh-audit.png') });

  // The task drawer: titles and phases the core wrote come as messages and
  // show in Chinese (a fully allocated volume is a task), with names as data.
  const vol = `vdzh${Date.now()}.img`; // a dotted name: the check reads it as data
  const made = await coreCall<{ taskId: string }>(core, 'volumes.create', { hostId, pool: 'default', name: vol, format: 'raw', capacity: 1 << 20, preallocation: 'full' });
  try {
    await app.getByTestId('task-count').click();
    const row = app.getByTestId(`task-${made.taskId}`);
    await expect(row).toHaveAttribute('data-state', 'succeeded');
    await expect(row.locator('.task-title')).toHaveText(`在 default 中创建 ${vol}（raw，完全分配）`);
    await expect(row.getByTestId('task-phase')).toHaveText('完成');
    await check('task drawer', '[data-testid="task-drawer"]');
    await app.screenshot({ path: testInfo.outputPath('zh-tasks.png') });
    await app.getByTestId('task-count').click();
  } finally {
    await coreCall(core, 'volumes.delete', { hostId, pool: 'default', name: vol }).catch(() => undefined);
  }

  // And back: English returns without a reload.
  await app.getByTestId('language-picker').selectOption('en');
  await expect(app.getByTestId('open-audit')).toHaveText('Audit log');
});
