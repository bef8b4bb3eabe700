// Review round 21: this test failed at 0391036.
/**
 * The local fault switch's control file (`echo fail > DATA_DIR/ses-fault`) is the same switch as
 * `PUT /_local/fault`: `GET /_local/fault` answers the mode the file holds now (it answered the
 * previous mode until the next API call), and leaving `hang` through the file ends the requests
 * left hanging, as leaving it through the endpoint does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFaultSwitch, FAULT_PATH, type FaultSwitch } from '../../../lib/local/emulators/fault-switch';

let dir: string;
let file: string;
let server: Server;
let fault: FaultSwitch;
let endpoint: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fault-switch-'));
  file = join(dir, 'ses-fault');
  fault = createFaultSwitch({
    name: 'ses',
    file,
    applies: () => ({ api: true, send: true }),
    answer: (res, kind) => res.writeHead(kind === 'fail' ? 500 : 429).end(kind),
  });
  server = createServer((req, res) => {
    if (!fault.intercept(req, res)) res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  fault.releaseHanging();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const modeNow = async () => ((await (await fetch(`${endpoint}${FAULT_PATH}`)).json()) as { mode: string }).mode;

describe('the fault switch file', () => {
  it('GET /_local/fault answers the mode just written to the file, before any API call', async () => {
    expect(await modeNow()).toBe('off');
    writeFileSync(file, 'fail\n');
    expect(await modeNow()).toBe('fail');
    writeFileSync(file, 'throttle\n');
    expect(await modeNow()).toBe('throttle');
    expect((await fetch(`${endpoint}/v2/email/outbound-emails`, { method: 'POST' })).status).toBe(429);
  });

  it('leaving hang through the file ends the hanging requests', async () => {
    writeFileSync(file, 'hang\n');
    expect(await modeNow()).toBe('hang');
    const hanging = fetch(`${endpoint}/v2/email/outbound-emails`, { method: 'POST', body: 'x' }).then(
      () => 'answered',
      () => 'ended',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    writeFileSync(file, 'off\n');
    expect(await modeNow()).toBe('off');
    const outcome = await Promise.race([
      hanging,
      new Promise((resolve) => setTimeout(() => resolve('still hanging'), 2000)),
    ]);
    expect(outcome).toBe('ended');
    expect((await fetch(`${endpoint}/v2/email/outbound-emails`, { method: 'POST' })).status).toBe(200);
  });
});
