/**
 * The local restore drill (docs/runbooks/restore.md): contacts created over HTTP, `npm run
 * ops:export` through the running runtime's DynamoDB endpoint, `npm run ops:import` into a new
 * data directory, a runtime started on the copy: the same session reads the same contacts. (The
 * table comparison `ops:restore` runs after a cloud restore: test/integration/table-restore.test.ts.)
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser } from '../support/identity';
import { freePortBlock, okJson, startTestRuntime } from '../support/local-runtime';

const run = promisify(execFile);
const cli = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'bin/ops-backup.ts', ...args], { timeout: 30_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-backup-'));
const running: Runtime[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  fs.rmSync(work, { recursive: true, force: true });
});

describe('local backup and restore', () => {
  it('a runtime on an imported copy serves the same contacts to the same session', async () => {
    // The restarted runtime reuses the first one's ports: this process's functions keep their clients.
    const base = await freePortBlock();
    const original = path.join(work, 'original');
    const first = await startTestRuntime(original, { RATE_LIMITS: 'off' }, { emulatorBasePort: base });
    running.push(first);
    const user = await newUser(first, 'backup');
    const api = (runtime: Runtime, url: string, init: RequestInit = {}) =>
      fetch(`${runtime.url}${url}`, { ...init, headers: as(user, { 'x-workspace-id': user.workspaceId }) });
    const ids: string[] = [];
    for (const body of [
      { email: 'ada@example.com', firstName: 'Ada', company: 'Analytical', tags: ['vip'] },
      { email: 'grace@example.com', firstName: 'Grace', phone: '+1 (415) 555-2671', customFields: { rank: 'Admiral' } },
      { email: 'linus@example.com', lastName: 'Torvalds', status: 'customer' },
    ]) {
      const created = await okJson(
        await api(first, '/api/contacts', { method: 'POST', body: JSON.stringify(body) }),
        201,
      );
      ids.push(created.contact.contactId);
    }
    const read = async (runtime: Runtime) => ({
      contacts: await Promise.all(
        ids.map(async (id) => (await okJson(await api(runtime, `/api/contacts/${id}`))).contact),
      ),
      list: (await okJson(await api(runtime, '/api/contacts/list'))).contacts,
    });
    const before = await read(first);
    expect(before.list).toHaveLength(3);

    // Export through the running runtime's DynamoDB API, files from its data dir.
    const backup = path.join(work, 'backup.jsonl');
    const exported = await cli([
      'export',
      '--out',
      backup,
      '--endpoint',
      first.endpoints.dynamodb,
      '--data-dir',
      original,
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/table core: \d+ item/);
    expect(exported.stdout).toContain('files: secret.key, demo-account.json');
    expect(fs.statSync(backup).mode & 0o777).toBe(0o600);
    await first.stop();

    const copy = path.join(work, 'copy');
    const imported = await cli(['import', '--in', backup, '--data-dir', copy]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(fs.readFileSync(path.join(copy, 'secret.key'), 'utf8')).toBe(
      fs.readFileSync(path.join(original, 'secret.key'), 'utf8'),
    );
    // A second import into the now non-empty directory is refused.
    const again = await cli(['import', '--in', backup, '--data-dir', copy]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not empty');

    // Seeding on: the copy's demo-account.json keeps the demo owner from being signed up again.
    const second = await startTestRuntime(copy, { RATE_LIMITS: 'off' }, { emulatorBasePort: base });
    running.push(second);
    expect(second.demo?.email).toBe('demo@unite-hub.local');
    const after = await read(second);
    expect(after).toEqual(before);
  });
});
