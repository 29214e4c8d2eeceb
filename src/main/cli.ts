import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfigDir } from './paths';
import { serve } from './serve';
import { createLogger } from './util/log';
import { VERSION } from './version';

const USAGE = `virtdeck ${VERSION}

Usage:
  virtdeck serve [--listen ADDR] [--port N] [--config-dir DIR]
                 [--ssh-config FILE] [--known-hosts FILE]... [--metrics]
      Runs the core headless and serves the UI to a browser behind a
      per-start token. Binds 127.0.0.1 unless --listen says otherwise.
      SSH settings default to ~/.ssh/config and ~/.ssh/known_hosts.
      --metrics also serves GET /metrics (Prometheus text) behind the
      same token (Authorization: Bearer <token>).
  virtdeck --version
`;

function isLoopback(addr: string): boolean {
  return addr === 'localhost' || addr === '::1' || addr.startsWith('127.');
}

async function main(argv: string[]): Promise<number> {
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
      metrics: { type: 'boolean', default: false },
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
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be 0-65535, got ${values.port}\n`);
    return 2;
  }
  const log = createLogger('core');
  if (!isLoopback(values.listen)) {
    log.warn(`listening on ${values.listen}: anyone who can reach it and learns the token controls your hosts. Prefer an SSH tunnel to 127.0.0.1.`);
  }
  // The bundle lives in dist/main; the UI in dist/renderer next to it.
  const staticDir = values['static-dir'] ?? path.resolve(__dirname, '..', 'renderer');
  if (!existsSync(path.join(staticDir, 'index.html'))) log.warn(`no UI at ${staticDir}: run \`npm run build\``);
  const served = await serve({
    host: values.listen,
    port,
    configDir: values['config-dir'] ?? defaultConfigDir(),
    staticDir,
    log,
    ssh: { configPath: values['ssh-config'], knownHostsPaths: values['known-hosts'] },
    metricsEndpoint: values.metrics,
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') throw new Error(`port ${port} on ${values.listen} is in use: pass --port N (0 picks a free one)`);
    throw e;
  });
  process.stdout.write(`VirtDeck ${VERSION} serving at ${served.url}\n`);
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

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`virtdeck: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
