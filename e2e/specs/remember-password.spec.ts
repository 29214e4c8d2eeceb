import { test, expect, readLab } from '../fixtures';
import { coreCall } from '../lab-tools';

// A password is kept after its connection only when the user ticks "Remember"
// in the prompt (the lab's helpdesk user logs in by password only).

test('a password is remembered only when "Remember" is ticked', async ({ app, core }) => {
  const lab = readLab();
  const h1 = lab.hosts[0]!;
  const added = await coreCall<{ config: { id: string } }>(core, 'hosts.add', {
    name: 'helpdesk on lab-1',
    target: { transport: 'ssh', hostname: h1.ip, port: h1.port, user: 'helpdesk' },
    autoConnect: false,
  });
  const hostId = added.config.id;
  const status = app.getByTestId(`host-status-${hostId}`);
  const reconnect = async () => {
    await coreCall(core, 'hosts.disconnect', { hostId });
    void coreCall(core, 'hosts.connect', { hostId }).catch(() => {});
  };

  void coreCall(core, 'hosts.connect', { hostId }).catch(() => {});
  const dialog = app.getByTestId('prompt-dialog');
  await expect(dialog).toBeVisible();
  await expect(app.getByTestId('prompt-remember')).not.toBeChecked();
  // serve mode keeps secrets in memory only, and says so.
  await expect(app.getByTestId('prompt-remember-note')).toHaveText(/memory until VirtDeck stops/);
  await dialog.screenshot({ path: test.info().outputPath('password-prompt.png') });
  await app.getByTestId('prompt-field-0').fill(lab.users.helpdesk!.password);
  await app.getByTestId('prompt-accept').click();
  await expect(status).toHaveText(/connected/i);

  // Not ticked: the next connection asks again.
  await reconnect();
  await expect(dialog).toBeVisible();
  await app.getByTestId('prompt-field-0').fill(lab.users.helpdesk!.password);
  await app.getByTestId('prompt-remember').check();
  await app.getByTestId('prompt-accept').click();
  await expect(status).toHaveText(/connected/i);

  // Ticked: the next connection does not ask.
  await coreCall(core, 'hosts.disconnect', { hostId });
  await expect(coreCall(core, 'hosts.connect', { hostId })).resolves.toMatchObject({ status: 'connected' });
  await expect(dialog).toHaveCount(0);
});
