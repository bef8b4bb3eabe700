/**
 * A local-only fault switch in front of an emulated provider (SES, the Resend stand-in), so
 * failover and pacing can be shown live: `fail` (the provider is down: 500), `throttle` (too
 * fast: 429) or `hang` (requests never answered, until the client gives up or the emulator
 * stops); `off` serves normally.
 *
 * Set at start from an environment variable (`LOCAL_SES_FAULT`, `LOCAL_RESEND_FAULT`) and
 * flipped at run time, without a restart, either way:
 * - `curl -X PUT --data throttle <emulator endpoint>/_local/fault` (and `GET` to read it): on the
 *   emulator's own loopback port, never a route of the product API;
 * - writing the mode into `<dataDir>/<name>-fault` (e.g. `echo fail > .data/ses-fault`): the file
 *   is read when a request reaches the emulator (at most every 250 ms) and on every `GET` of the
 *   endpoint, so the `GET` answers the mode just written; the file is removed at start, so a
 *   restart begins with the variable's mode.
 * Either way the switch is the same: leaving `hang` ends the requests left hanging.
 */
import { readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeStateFile } from '../state-file';

export const FAULT_MODES = ['off', 'fail', 'throttle', 'hang'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export const FAULT_PATH = '/_local/fault';

export interface FaultSwitch {
  mode(): FaultMode;
  set(mode: FaultMode): void;
  /**
   * Serves `/_local/fault`; for other requests, answers the fault when one applies to them.
   * Returns true when the request was taken (answered or left hanging).
   */
  intercept(req: IncomingMessage, res: ServerResponse): boolean;
  /** Ends the hanging requests (on stop). */
  releaseHanging(): void;
}

export interface FaultSwitchOptions {
  /** Name in messages and in the control file (`<file>`), e.g. `ses`. */
  readonly name: string;
  /** Control file (`<dataDir>/<name>-fault`); absent: only the endpoint and the variable. */
  readonly file?: string;
  /** Initial mode (the environment variable's value). */
  readonly initial?: string;
  /** Which requests are API calls the fault applies to, and which of those a throttle applies to. */
  readonly applies: (req: IncomingMessage) => { api: boolean; send: boolean };
  /** Writes the provider's own error answer. */
  readonly answer: (res: ServerResponse, fault: 'fail' | 'throttle') => void;
  readonly log?: (msg: string) => void;
}

export function parseFaultMode(value: string | undefined, variable: string): FaultMode {
  const mode = (value ?? '').trim().toLowerCase() || 'off';
  if (!(FAULT_MODES as readonly string[]).includes(mode)) {
    throw new Error(`${variable} must be one of ${FAULT_MODES.join(', ')}; got "${value}"`);
  }
  return mode as FaultMode;
}

export function createFaultSwitch(opts: FaultSwitchOptions): FaultSwitch {
  const log = opts.log ?? (() => {});
  let current = parseFaultMode(opts.initial, `LOCAL_${opts.name.toUpperCase()}_FAULT`);
  if (opts.file) rmSync(opts.file, { force: true });
  // The file's text last acted on: only a change of it changes the mode (or logs a bad value once).
  let fileText: string | undefined;
  let checkedAt = 0;
  const hanging = new Set<ServerResponse>();

  const apply = (mode: FaultMode, from: string) => {
    if (mode !== current) log(`${opts.name}: fault switch ${current} -> ${mode}${from}`);
    current = mode;
    if (mode !== 'hang') releaseHanging();
  };

  /** Takes the file's mode; at most every 250 ms on the request path, every time when `now`. */
  const readFile = (now = false) => {
    if (!opts.file) return;
    const at = Date.now();
    if (!now && at - checkedAt < 250) return;
    checkedAt = at;
    try {
      const text = readFileSync(opts.file, 'utf8');
      // Empty: caught between `>`'s truncation and its write; the mode follows once written.
      if (text === fileText || text.trim() === '') return;
      fileText = text;
      apply(parseFaultMode(text, opts.file), ` (from ${opts.file})`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`${opts.name}: ${(error as Error).message}`);
    }
  };

  const set = (mode: FaultMode) => {
    apply(mode, '');
    if (opts.file) {
      // Keep the file in step, so a later edit of it is what changes the mode again.
      fileText = `${mode}\n`;
      writeStateFile(opts.file, fileText);
    }
  };

  const releaseHanging = () => {
    for (const res of hanging) res.destroy();
    hanging.clear();
  };

  const control = (req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method === 'GET') {
      readFile(true);
      return reply(200, { mode: current });
    }
    if (req.method !== 'PUT' && req.method !== 'POST') return reply(405, { message: 'GET or PUT' });
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      let value = body.trim();
      if (value.startsWith('{')) {
        try {
          value = String((JSON.parse(value) as { mode?: unknown }).mode ?? '');
        } catch {
          return reply(400, { message: 'Malformed JSON' });
        }
      }
      try {
        set(parseFaultMode(value, 'mode'));
        reply(200, { mode: current });
      } catch (error) {
        reply(400, { message: (error as Error).message });
      }
    });
  };

  return {
    mode: () => {
      readFile();
      return current;
    },
    set,
    releaseHanging,
    intercept(req, res) {
      if ((req.url ?? '').split('?')[0] === FAULT_PATH) {
        control(req, res);
        return true;
      }
      readFile();
      if (current === 'off') return false;
      const { api, send } = opts.applies(req);
      if (!api) return false;
      if (current === 'fail') {
        req.resume();
        opts.answer(res, 'fail');
        return true;
      }
      if (current === 'throttle') {
        if (!send) return false;
        req.resume();
        opts.answer(res, 'throttle');
        return true;
      }
      // hang: read the request, never answer.
      req.resume();
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return true;
    },
  };
}
