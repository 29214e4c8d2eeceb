import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AnyAuthMethod, AuthenticationType } from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../util/log';
import type { PromptReply, PromptRequest } from '../prompts';
import { MemorySecretStore, secretKeys } from '../secrets';
import { AuthFlow } from './auth';

// The auth order and its prompts, driven the way ssh2 drives authHandler
// (methodsLeft from the server after each failure). Keys are real files from
// ssh-keygen, one of them encrypted.

const home = mkdtempSync(path.join(os.tmpdir(), 'vd-auth-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
mkdirSync(path.join(home, '.ssh'));
const encKey = path.join(home, 'enc_key');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'right horse', '-f', encKey]);
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(home, '.ssh', 'id_ed25519')]);

function flow(replies: Array<Partial<PromptReply>>, opts: { identityFiles?: string[]; identitiesOnly?: boolean; agent?: string } = {}) {
  const asked: PromptRequest[] = [];
  const secrets = new MemorySecretStore();
  const carry = new Map<string, string>();
  const f = new AuthFlow(
    { hostId: 'h1', user: 'ann', hostname: 'kvm1', port: 22, identityFiles: opts.identityFiles ?? [], identitiesOnly: opts.identitiesOnly ?? false },
    {
      home,
      agent: opts.agent,
      secrets,
      carry,
      log: silentLogger,
      ask: async (req) => {
        asked.push(req);
        return { accept: true, answers: [], outcome: 'answered', ...replies.shift() };
      },
    },
  );
  const step = (left: AuthenticationType[] | null) =>
    new Promise<AnyAuthMethod | false>((resolve) => f.handler(left as AuthenticationType[], false, (m) => resolve(m as AnyAuthMethod | false)));
  return { f, step, asked, secrets, carry };
}

describe('AuthFlow', () => {
  it('none, agent, config key (asking its passphrase), default keys, then password', async () => {
    const { f, step, asked, secrets } = flow(
      [{ answers: ['wrong'] }, { answers: ['right horse'], remember: true }, { answers: ['pw1'], remember: true }],
      { identityFiles: [encKey], agent: '/run/agent.sock' },
    );
    expect(await step(null)).toEqual({ type: 'none', username: 'ann' });
    const left: AuthenticationType[] = ['publickey', 'password'];
    expect(await step(left)).toEqual({ type: 'agent', username: 'ann', agent: '/run/agent.sock' });
    const enc = await step(left);
    expect(enc).toMatchObject({ type: 'publickey', username: 'ann' });
    expect(asked.map((a) => a.message)).toEqual([`Passphrase for key ~/enc_key`, `Wrong passphrase. Passphrase for key ~/enc_key`]);
    expect(await secrets.get(secretKeys.passphrase(encKey))).toBe('right horse');
    expect(await step(left)).toMatchObject({ type: 'publickey' }); // ~/.ssh/id_ed25519, unencrypted: no prompt
    expect(asked).toHaveLength(2);
    expect(await step(left)).toEqual({ type: 'password', username: 'ann', password: 'pw1' });
    expect(asked[2]).toEqual({ hostId: 'h1', kind: 'password', message: 'Password for ann@kvm1', remember: secrets.remembers() });
    await f.succeeded();
    expect(await secrets.get(secretKeys.password('ann', 'kvm1', 22))).toBe('pw1');
    expect(f.tried).toEqual(['agent', 'publickey', 'publickey', 'password']);
  });

  it('skips what the server does not accept and ends after three passwords', async () => {
    const { step, asked } = flow([{ answers: ['a'] }, { answers: ['b'] }, { answers: ['c'] }]);
    await step(null);
    for (const pw of ['a', 'b', 'c']) expect(await step(['password'])).toMatchObject({ type: 'password', password: pw });
    expect(await step(['password'])).toBe(false);
    expect(asked.map((a) => a.message)).toEqual(['Password for ann@kvm1', ...Array(2).fill('Permission denied, try again. Password for ann@kvm1')]);
  });

  it('IdentitiesOnly: no agent, no default keys', async () => {
    const { step } = flow([], { identityFiles: [path.join(home, 'missing')], identitiesOnly: true, agent: '/run/agent.sock' });
    await step(null);
    expect(await step(['publickey'])).toBe(false);
  });

  it('keyboard-interactive routes fields with their echo flags to one prompt', async () => {
    const { step, asked } = flow([{ answers: ['123456', 'yes'] }]);
    await step(null);
    const m = await step(['keyboard-interactive']);
    expect(m).toMatchObject({ type: 'keyboard-interactive' });
    const answers = await new Promise<string[]>((resolve) =>
      (m as Extract<AnyAuthMethod, { type: 'keyboard-interactive' }>).prompt(
        'Two-factor',
        'Enter the code from your app',
        '',
        [
          { prompt: 'Code: ', echo: false },
          { prompt: 'Trust this device? ', echo: true },
        ],
        resolve,
      ),
    );
    expect(answers).toEqual(['123456', 'yes']);
    expect(asked[0]).toEqual({
      hostId: 'h1',
      kind: 'keyboard-interactive',
      message: 'Two-factor\nEnter the code from your app',
      fields: [
        { prompt: 'Code: ', echo: false },
        { prompt: 'Trust this device? ', echo: true },
      ],
    });
  });

  it('a dismissed password prompt ends auth as CANCELLED', async () => {
    const { f, step } = flow([{ accept: false, outcome: 'cancelled' }]);
    await step(null);
    expect(await step(['password'])).toBe(false);
    expect(f.failure).toMatchObject({ error: { code: 'CANCELLED' }, retry: 'never' });
  });

  it('a password answered before the server hung up is reused from the carry', async () => {
    const { step, carry, asked } = flow([]);
    carry.set(secretKeys.password('ann', 'kvm1', 22), 'typed-earlier');
    await step(null);
    expect(await step(['password'])).toMatchObject({ password: 'typed-earlier' });
    expect(asked).toHaveLength(0);
  });

  it('keeps nothing the user did not ask to remember (only the carry, for a redial within this attempt)', async () => {
    const { f, step, asked, secrets, carry } = flow([{ answers: ['right horse'] }, { answers: ['pw1'] }], { identityFiles: [encKey] });
    await step(null);
    expect(await step(['publickey', 'password'])).toMatchObject({ type: 'publickey' });
    expect(asked[0]).toMatchObject({ kind: 'passphrase', remember: { persistent: false, note: expect.stringMatching(/memory/) } });
    expect(await step(['publickey', 'password'])).toMatchObject({ type: 'publickey' }); // ~/.ssh/id_ed25519
    expect(await step(['password'])).toMatchObject({ type: 'password', password: 'pw1' });
    await f.succeeded();
    expect(secrets.size).toBe(0);
    expect(carry.get(secretKeys.password('ann', 'kvm1', 22))).toBe('pw1');
  });

  it('a password the user asked to remember and carried over a redial is stored once it worked', async () => {
    const first = flow([{ answers: ['pw1'], remember: true }]);
    await first.step(null);
    await first.step(['password']);
    // sshd hung up before answering: a new flow on the same carry.
    const again = flow([]);
    for (const [k, v] of first.carry) again.carry.set(k, v);
    await again.step(null);
    expect(await again.step(['password'])).toMatchObject({ password: 'pw1' });
    expect(again.asked).toHaveLength(0);
    await again.f.succeeded();
    expect(await again.secrets.get(secretKeys.password('ann', 'kvm1', 22))).toBe('pw1');
  });
});
