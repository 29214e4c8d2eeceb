import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { processIo, runAccountsCli } from './auth/accounts-cli';
import { hasExplicitPort, isWildcard, parseAllowHost, tlsPlan } from './ipc/listen';
import { selfSignedTls, tlsFromFiles, type TlsMaterial } from './ipc/tls';
import { defaultConfigDir } from './paths';
import { sshCryptoPath } from './hosts/ssh/crypto-path';
import { serve } from './serve';
import { createLogger } from './util/log';
import { VERSION } from './version';

const USAGE = `virtdeck ${VERSION}

Usage:
  virtdeck serve [--listen ADDR] [--port N] [--config-dir DIR]
                 [--ssh-config FILE] [--known-hosts FILE]...
                 [--tls-cert FILE --tls-key FILE | --tls | --insecure]
                 [--allow-host NAME[:PORT]]...
                 [--metrics [--metrics-token-file FILE]]
                 [--accounts] [--session-idle MIN] [--session-max HOURS]
      Runs the core headless and serves the UI to a browser. Prints an
      access link that carries a per-start token; open it in a browser.
      Binds 127.0.0.1 unless --listen says otherwise.
      SSH settings default to ~/.ssh/config and ~/.ssh/known_hosts.

      Off loopback, serve speaks HTTPS: with --tls-cert/--tls-key, or with
      a self-signed certificate kept in the config dir, whose SHA-256
      fingerprint it prints (compare it with what the browser shows).
      Plain HTTP off loopback needs --insecure. --tls forces HTTPS on
      loopback too.
      --allow-host NAME: also answer to this name (DNS name, reverse proxy);
      by default only the listen address, localhost and 127.0.0.1 work.
      --metrics serves GET /metrics (Prometheus text) to a read-only scrape
      token: Authorization: Bearer <token>, read from --metrics-token-file
      or from <config-dir>/metrics-token (made on first use).

      Team accounts (see \`virtdeck accounts\`): once an enabled admin
      account exists, every browser signs in with an account and the access
      token no longer works. --accounts refuses to start without one.
      Sessions end after --session-idle minutes unused (default 30) and
      --session-max hours in any case (default 12).
  virtdeck accounts ...   (virtdeck accounts --help)
  virtdeck --version
`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'accounts') {
    const i = argv.indexOf('--config-dir');
    const dir = argv.find((a) => a.startsWith('--config-dir='))?.slice('--config-dir='.length) ?? (i >= 0 ? argv[i + 1] : undefined);
    return runAccountsCli(argv.slice(1), dir ?? defaultConfigDir(), processIo());
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      listen: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '7420' },
      'config-dir': { type: 'string' },
      'static-dir': { type: 'string' },
      'ssh-config': { type: 'string' },
      'known-hosts': { type: 'string', multiple: true },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      tls: { type: 'boolean', default: false },
      insecure: { type: 'boolean', default: false },
      'allow-host': { type: 'string', multiple: true },
      metrics: { type: 'boolean', default: false },
      'metrics-token-file': { type: 'string' },
      accounts: { type: 'boolean', default: false },
      'session-idle': { type: 'string' },
      'session-max': { type: 'string' },
      version: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (values.help || positionals[0] !== 'serve') {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const usage = (msg: string) => {
    process.stderr.write(`virtdeck serve: ${msg}\n`);
    return 2;
  };
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(`--port must be 0-65535, got ${values.port}`);
  const allowHosts: string[] = [];
  for (const a of values['allow-host'] ?? []) {
    const parsed = parseAllowHost(a);
    if (typeof parsed !== 'string') return usage(parsed.error);
    allowHosts.push(parsed);
  }
  const plan = tlsPlan({ listen: values.listen, tlsCert: values['tls-cert'], tlsKey: values['tls-key'], tls: values.tls, insecure: values.insecure });
  if ('error' in plan) return usage(plan.error);
  if (values['metrics-token-file'] && !values.metrics) return usage('--metrics-token-file needs --metrics');
  const idleMin = Number(values['session-idle'] ?? 30);
  const maxHours = Number(values['session-max'] ?? 12);
  if (!(idleMin >= 1 && idleMin <= 24 * 60)) return usage(`--session-idle takes minutes (1-1440), got ${values['session-idle']}`);
  if (!(maxHours > 0 && maxHours <= 24 * 30)) return usage(`--session-max takes hours (up to 720), got ${values['session-max']}`);

  const log = createLogger('core');
  const configDir = values['config-dir'] ?? defaultConfigDir();
  let tls: TlsMaterial | undefined;
  if (plan.kind === 'files') tls = await tlsFromFiles(plan.cert, plan.key);
  else if (plan.kind === 'self-signed') tls = await selfSignedTls(configDir, certificateNames(values.listen, allowHosts), log.child('tls'));
  else if (plan.warning) log.warn(plan.warning);
  // The bundle lives in dist/main; the UI in dist/renderer next to it.
  const staticDir = values['static-dir'] ?? path.resolve(__dirname, '..', 'renderer');
  if (!existsSync(path.join(staticDir, 'index.html'))) log.warn(`no UI at ${staticDir}: run \`npm run build\``);
  const served = await serve({
    host: values.listen,
    port,
    configDir,
    staticDir,
    log,
    ssh: { configPath: values['ssh-config'], knownHostsPaths: values['known-hosts'] },
    metricsEndpoint: values.metrics,
    scrapeTokenFile: values['metrics-token-file'],
    tls,
    allowHosts,
    requireAccounts: values.accounts,
    accounts: { sessionLimits: { idleMs: idleMin * 60_000, maxMs: maxHours * 3_600_000 } },
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') throw new Error(`port ${port} on ${values.listen} is in use: pass --port N (0 picks a free one)`);
    throw e;
  });
  process.stdout.write(`VirtDeck ${VERSION} serving at ${served.url}\n`);
  log.info(`SSH encryption: ssh2 ${sshCryptoPath()}`);
  if (served.accountsMode) process.stdout.write('Sign in with a VirtDeck account (accounts mode: the access token is off).\n');
  if (served.fingerprint) process.stdout.write(`SHA-256 fingerprint: ${served.fingerprint}\n  (the certificate's; compare it with what the browser shows before you trust it)\n`);
  if (served.scrapeTokenFile) process.stdout.write(`Prometheus: GET ${served.origin}/metrics with the bearer token in ${served.scrapeTokenFile}\n`);
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    log.info('shutting down');
    void served.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return -1; // keep running
}

/** Every name a browser may reach us by, for the self-signed certificate. */
function certificateNames(listen: string, allowHosts: readonly string[]): string[] {
  const names = ['localhost', '127.0.0.1', '::1', ...allowHosts.map((h) => (hasExplicitPort(h) ? h.replace(/:\d+$/, '') : h).replace(/^\[|\]$/g, ''))];
  if (isWildcard(listen)) {
    names.push(os.hostname());
    for (const list of Object.values(os.networkInterfaces())) for (const i of list ?? []) if (!i.internal) names.push(i.address);
  } else names.push(listen);
  return [...new Set(names.map((n) => n.toLowerCase()))];
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`virtdeck: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
