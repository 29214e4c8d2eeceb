import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const LAB_JSON = path.join(ROOT, '.lab', 'lab.json');

export interface LabHost {
  name: string;
  ip: string;
  port: number;
  netns: string;
  pid: number;
  hostKey: string;
  fingerprint: string;
  guests: string[];
}
export interface Lab {
  netns: string;
  /** The lab bridge's address in the lab namespace (where the core runs). */
  gateway: string;
  ssh: { dir: string; key: string; knownHosts: string; config: string };
  users: Record<string, { password: string }>;
  imagesDir: string;
  hosts: LabHost[];
}

export function readLab(): Lab {
  if (!existsSync(LAB_JSON)) throw new Error(`no lab: run \`npm run lab\` first (${LAB_JSON} missing)`);
  return JSON.parse(readFileSync(LAB_JSON, 'utf8')) as Lab;
}

export interface CoreProcess {
  /** The access link serve printed (token in the fragment). */
  url: string;
  /** Everything serve printed on stdout (fingerprint, metrics token file). */
  stdout: string;
  origin: string;
  token: string;
  configDir: string;
  knownHosts: string;
  logPath: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `virtdeck serve` as a user would, with its own config dir and a copy of
 * the lab's known_hosts (tests may add or break keys without touching the lab).
 */
export async function startCore(testInfo: { outputPath(...p: string[]): string }, opts: { knownHosts?: 'lab' | 'empty'; args?: string[] } = {}): Promise<CoreProcess> {
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'vd-e2e-'));
  const knownHosts = path.join(configDir, 'known_hosts');
  const lab = existsSync(LAB_JSON) ? readLab() : null;
  if (lab && (opts.knownHosts ?? 'lab') === 'lab') copyFileSync(lab.ssh.knownHosts, knownHosts);
  const logPath = testInfo.outputPath('core.log');
  const args = ['dist/main/cli.cjs', 'serve', '--port', '0', '--config-dir', configDir, '--known-hosts', knownHosts];
  if (lab) args.push('--ssh-config', lab.ssh.config);
  args.push(...(opts.args ?? []));
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, VIRTDECK_LOG: 'debug' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logPath);
  proc.stderr!.pipe(log);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      log.write(d);
      const m = /serving at (https?:\/\/\S+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code} before printing its URL; see ${logPath}`)));
  });
  const u = new URL(url);
  return {
    url,
    get stdout() {
      return out;
    },
    origin: u.origin,
    // The token rides in the fragment (docs/serve-security.md).
    token: new URLSearchParams(u.hash.slice(1)).get('token')!,
    configDir,
    knownHosts,
    logPath,
    proc,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

export const test = base.extend<{ core: CoreProcess; app: Page }>({
  // Playwright requires the destructuring pattern even when no fixture is used.
  // eslint-disable-next-line no-empty-pattern
  core: async ({}, use, testInfo) => {
    const core = await startCore(testInfo);
    await use(core);
    await core.stop();
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('core.log', { path: core.logPath, contentType: 'text/plain' });
  },
  app: async ({ page, core }, use) => {
    await page.goto(core.url);
    await expect(page.getByTestId('core-link')).toHaveText('Core connected');
    await use(page);
  },
});
export { expect };
