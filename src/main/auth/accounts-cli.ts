import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isAppFailure } from '../../shared/ipc/result';
import { AccountNameSchema, ALL_HOSTS, PasswordSchema, RoleSchema, ScopeHostsSchema, ScopeTagsSchema, type Account } from '../../shared/model/account';
import { silentLogger } from '../util/log';
import { AccountService } from './service';

export const ACCOUNTS_USAGE = `Usage:
  virtdeck accounts list [--json]
  virtdeck accounts add NAME --role admin|operator|helpdesk|readonly
                        [--hosts ID,ID|*] [--tags TAG,TAG] [--password-stdin]
  virtdeck accounts set NAME [--role ROLE] [--hosts ID,ID|*] [--tags TAG,TAG]
  virtdeck accounts passwd NAME [--password-stdin]
  virtdeck accounts disable NAME | enable NAME | logout NAME | remove NAME
  Every command takes --config-dir DIR (default: serve's).

  Team accounts for \`virtdeck serve\`. Once an enabled admin exists, serve asks
  every browser to sign in, and its printed access token stops working. The
  password is asked twice on the terminal, or read from the first line of
  stdin with --password-stdin. A running serve picks changes up within
  seconds; changing an account ends its sessions.
  --hosts: host ids (as in the UI), or * for every host. --tags: VMs carrying
  one of these tags are allowed on any host.
`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Asks on the terminal without echo; rejects when there is no terminal. */
  askPassword(prompt: string): Promise<string>;
  /** All of stdin. */
  readStdin(): Promise<string>;
}

const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((x) => x.trim()).filter(Boolean));

function describe(a: Account): string {
  const scope = a.role === 'admin' ? 'everything' : [a.hosts.includes(ALL_HOSTS) ? 'all hosts' : a.hosts.length ? `hosts ${a.hosts.join(', ')}` : '', a.tags.length ? `tags ${a.tags.join(', ')}` : ''].filter(Boolean).join('; ') || 'nothing yet';
  const last = a.lastLoginAt ? `last sign-in ${new Date(a.lastLoginAt).toISOString().slice(0, 16).replace('T', ' ')}` : 'never signed in';
  return `${a.name.padEnd(20)} ${a.role.padEnd(9)} ${a.disabled ? 'DISABLED ' : ''}${scope} (${last})`;
}

/** `virtdeck accounts …`: exit code 0 on success, 1 on a refused change, 2 on bad usage. */
export async function runAccountsCli(argv: string[], configDir: string, io: CliIo, opts: { hashParams?: { ln: number; r: number; p: number } } = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        hosts: { type: 'string' },
        tags: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'config-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`virtdeck accounts: ${(e as Error).message}\n${ACCOUNTS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, rawName] = positionals;
  if (values.help || !command) {
    io.out(ACCOUNTS_USAGE);
    return values.help ? 0 : 2;
  }
  const usage = (msg: string) => {
    io.err(`virtdeck accounts ${command}: ${msg}\n`);
    return 2;
  };
  const needsName = command !== 'list';
  const name = needsName ? AccountNameSchema.safeParse(rawName ?? '') : undefined;
  if (name && !name.success) return usage(rawName ? name.error.issues[0]!.message : 'give the account name');
  const role = values.role === undefined ? undefined : RoleSchema.safeParse(values.role);
  if (role && !role.success) return usage(`--role must be one of ${RoleSchema.options.join(', ')}`);
  const scope = z.object({ hosts: ScopeHostsSchema.optional(), tags: ScopeTagsSchema.optional() }).safeParse({ hosts: list(values.hosts), tags: list(values.tags) });
  if (!scope.success) return usage(scope.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; '));

  const password = async (): Promise<string | number> => {
    let pw: string;
    if (values['password-stdin']) pw = (await io.readStdin()).split(/\r?\n/)[0] ?? '';
    else {
      try {
        pw = await io.askPassword(`Password for ${name!.data}: `);
        if ((await io.askPassword('Again: ')) !== pw) return usage('the two passwords differ');
      } catch (e) {
        return usage(`${(e as Error).message}: use --password-stdin`);
      }
    }
    const ok = PasswordSchema.safeParse(pw);
    return ok.success ? pw : usage(`password: ${ok.error.issues[0]!.message}`);
  };

  const svc = await AccountService.open({ configDir, log: silentLogger, hashParams: opts.hashParams, refreshMs: 3_600_000 });
  try {
    const n = name?.data ?? '';
    switch (command) {
      case 'list': {
        const all = svc.list();
        if (values.json) io.out(JSON.stringify(all.map(({ sessions: _s, ...a }) => a), null, 1) + '\n');
        else if (!all.length) io.out(`No accounts in ${svc.store.file}: serve uses its printed access token.\n`);
        else io.out(all.map(describe).join('\n') + '\n');
        return 0;
      }
      case 'add': {
        if (!role) return usage('--role is required');
        const pw = await password();
        if (typeof pw === 'number') return pw;
        const a = await svc.create({ name: n, password: pw, role: role.data, hosts: scope.data.hosts ?? [], tags: scope.data.tags ?? [] });
        io.out(`Created ${describe(a)}\n`);
        if (a.role === 'admin') io.out('serve now asks every browser to sign in (a running serve switches within seconds).\n');
        return 0;
      }
      case 'set': {
        const patch = { ...(role ? { role: role.data } : {}), ...(scope.data.hosts ? { hosts: scope.data.hosts } : {}), ...(scope.data.tags ? { tags: scope.data.tags } : {}) };
        if (!Object.keys(patch).length) return usage('nothing to change: give --role, --hosts or --tags');
        io.out(`Changed ${describe(await svc.update(n, patch))}\n`);
        return 0;
      }
      case 'passwd': {
        const pw = await password();
        if (typeof pw === 'number') return pw;
        await svc.setPassword(n, pw);
        io.out(`Password of ${n} changed; its sessions end.\n`);
        return 0;
      }
      case 'disable':
      case 'enable':
        io.out(`${command === 'disable' ? 'Disabled' : 'Enabled'} ${describe(await svc.update(n, { disabled: command === 'disable' }))}\n`);
        return 0;
      case 'logout':
        // Sessions live inside the running serve: it notices the mark in the file and ends them.
        await svc.logoutEverywhereOnDisk(n);
        io.out(`Every session of ${n} ends (a running serve notices within seconds).\n`);
        return 0;
      case 'remove':
        await svc.remove(n);
        io.out(`Removed ${n}.\n`);
        return 0;
      default:
        return usage(`unknown command; see virtdeck accounts --help`);
    }
  } catch (e) {
    if (isAppFailure(e) || e instanceof z.ZodError || e instanceof Error) {
      io.err(`virtdeck accounts ${command}: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    svc.dispose();
  }
}

/** The real terminal: passwords read in raw mode without echo (no library needed for a line of input). */
export function processIo(): CliIo {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    askPassword(prompt) {
      const stdin = process.stdin;
      if (!stdin.isTTY) return Promise.reject(new Error('no terminal to ask the password on'));
      process.stderr.write(prompt);
      return new Promise((resolve, reject) => {
        let text = '';
        stdin.setRawMode(true);
        stdin.resume();
        const done = (e?: Error) => {
          stdin.off('data', onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write('\n');
          if (e) reject(e);
          else resolve(text);
        };
        const onData = (buf: Buffer) => {
          for (const ch of buf.toString('utf8')) {
            if (ch === '\r' || ch === '\n') return done();
            if (ch === '\u0003') return done(new Error('cancelled'));
            if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
            else if (ch >= ' ') text += ch;
          }
        };
        stdin.on('data', onData);
      });
    },
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin as AsyncIterable<Buffer>) chunks.push(c);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
