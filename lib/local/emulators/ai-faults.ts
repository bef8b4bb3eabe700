/**
 * The AI stand-ins' fault switch: what the next requests get instead of an answer, switchable at
 * run time for tests and demos, on the stand-in's own loopback port (never a product route), at
 * the same `/_local/fault` path as the email providers' switch (fault-switch.ts):
 *
 *   curl -X PUT --data rate-limit http://127.0.0.1:<port>/_local/fault
 *   curl -X PUT -d '{"mode":"rate-limit","count":5,"retryAfterSeconds":2}' http://127.0.0.1:<port>/_local/fault
 *   curl http://127.0.0.1:<port>/_local/fault          # {"mode":"off","remaining":null}
 *
 * Modes: `off` (alias `ok`), `rate-limit` (`429`, with `retry-after`), `overloaded` (`529`;
 * OpenRouter: 502), `server-error` (`500`), `spend-limit` (`402`: Anthropic's 429 with
 * `enforced_spend_limit_reached`, OpenRouter's 402), `credit-balance` (Anthropic's 400 "credit
 * balance is too low"), `auth` (401), `slow` (answers after `delayMs`, default 3 s), `hang`
 * (never answers), `malformed` (a 200 whose answer is cut-off JSON). `count` limits the fault to
 * the next n API requests, then the switch returns to `off`. The initial mode comes from
 * `LOCAL_ANTHROPIC_FAULT` / `LOCAL_OPENROUTER_FAULT`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FAULT_PATH } from './fault-switch';

export const AI_FAULT_MODES = [
  'off',
  'rate-limit',
  'overloaded',
  'server-error',
  'spend-limit',
  'credit-balance',
  'auth',
  'slow',
  'hang',
  'malformed',
] as const;
export type AiFaultMode = (typeof AI_FAULT_MODES)[number];

const ALIASES: Readonly<Record<string, AiFaultMode>> = {
  ok: 'off',
  '429': 'rate-limit',
  '529': 'overloaded',
  '500': 'server-error',
  '402': 'spend-limit',
  '401': 'auth',
};

export interface AiFaultSetting {
  readonly mode: AiFaultMode;
  /** API requests left to fault; undefined: until switched off. */
  readonly count?: number;
  /** `retry-after` of a rate-limit answer, in seconds; default 1. */
  readonly retryAfterSeconds?: number;
  /** How long `slow` waits before answering; default 3000. */
  readonly delayMs?: number;
}

export interface AiFaultSwitch {
  /** The setting for the current API request, counting it; `off` when none applies. */
  take(): AiFaultSetting;
  current(): AiFaultSetting & { readonly remaining: number | null };
  set(setting: AiFaultSetting): void;
  /** Serves `/_local/fault`; true when the request was that. */
  control(req: IncomingMessage, res: ServerResponse): boolean;
}

export function parseAiFaultMode(value: string | undefined, variable: string): AiFaultMode {
  const raw = (value ?? '').trim().toLowerCase() || 'off';
  const mode = ALIASES[raw] ?? raw;
  if (!(AI_FAULT_MODES as readonly string[]).includes(mode)) {
    throw new Error(`${variable} must be one of ${AI_FAULT_MODES.join(', ')}; got "${value}"`);
  }
  return mode as AiFaultMode;
}

export function createAiFaultSwitch(name: string, initial: string | undefined, log: (msg: string) => void) {
  let setting: AiFaultSetting = { mode: parseAiFaultMode(initial, `LOCAL_${name.toUpperCase()}_FAULT`) };
  let remaining: number | undefined;

  const set = (next: AiFaultSetting) => {
    if (next.mode !== setting.mode) log(`${name}: fault switch ${setting.mode} -> ${next.mode}`);
    setting = next;
    remaining = next.count;
  };

  const control = (req: IncomingMessage, res: ServerResponse): boolean => {
    if ((req.url ?? '').split('?')[0] !== FAULT_PATH) return false;
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET') {
      reply(200, { ...setting, remaining: remaining ?? null });
      return true;
    }
    if (req.method !== 'PUT' && req.method !== 'POST') {
      reply(405, { message: 'GET, PUT or POST' });
      return true;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      try {
        set(parseSetting(body));
        reply(200, { ...setting, remaining: remaining ?? null });
      } catch (error) {
        reply(400, { message: (error as Error).message });
      }
    });
    return true;
  };

  return {
    take(): AiFaultSetting {
      if (setting.mode === 'off') return setting;
      const applied = setting;
      if (remaining !== undefined) {
        remaining -= 1;
        if (remaining <= 0) set({ mode: 'off' });
      }
      return applied;
    },
    current: () => ({ ...setting, remaining: remaining ?? null }),
    set,
    control,
  } satisfies AiFaultSwitch;
}

function parseSetting(body: string): AiFaultSetting {
  const text = body.trim();
  if (!text.startsWith('{')) return { mode: parseAiFaultMode(text, 'mode') };
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error('Malformed JSON');
  }
  const positive = (key: string, max: number): number | undefined => {
    const v = value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) {
      throw new Error(`${key} must be a number from 0 to ${max}`);
    }
    return v;
  };
  const count = positive('count', 1_000_000);
  const retryAfterSeconds = positive('retryAfterSeconds', 3600);
  const delayMs = positive('delayMs', 600_000);
  return {
    mode: parseAiFaultMode(String(value.mode ?? ''), 'mode'),
    ...(count === undefined || count === 0 ? {} : { count: Math.floor(count) }),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    ...(delayMs === undefined ? {} : { delayMs }),
  };
}

/** A request body past the stand-in's limit: each stand-in answers it as its API does (413). */
export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The request body exceeds ${maxBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a request body as text, up to `maxBytes`. Past it, the rest is read and dropped (so the
 * client, still sending, gets the answer rather than a reset connection) and the promise rejects
 * with {@link BodyTooLargeError}.
 */
export function readBody(req: IncomingMessage, maxBytes = 8 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => {
      if (size > maxBytes) reject(new BodyTooLargeError(maxBytes));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** A rough token count (about four characters a token), as both stand-ins report usage. */
export const tokensOf = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

/** Cuts a JSON text in the middle: what `malformed` answers. */
export const cutJson = (text: string): string => text.slice(0, Math.max(1, Math.floor(text.length / 2)));
