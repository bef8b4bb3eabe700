/**
 * Credentials that were never verified buy nothing (issue 10, finding 1). With rate limits on,
 * a made-up key (`uh_` + 32 random hex, a new one per request), a key of an unknown format
 * and a real key after its revocation are sent to every declared route, and:
 * - the only rate-limit counters a request changes are its address's (`RL#ip:<address>#…`
 *   in the ephemeral table, read through the SDK): no key, user or other bucket appears;
 * - no state-changing route lets one past CSRF: without a token every one answers 403 `CSRF_*`
 *   (CSRF runs before authentication, see shared/http/http-function.ts);
 * - from one address, a fresh random key per request is refused once the address's limit is
 *   reached (`GET /api/csrf-token`: 20 a minute in the public tier; `POST /api/auth/password-reset`
 *   never mails, and is refused at the limit).
 *
 * Each request comes from an address of its own, named in `x-load-client` (the local load
 * mode's stand-in for CloudFront's viewer address), so the requests never limit each other
 * and each one's counters can be told apart.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouteDeclaration, routes } from '../../lib/definition';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import type { Runtime } from '../../lib/local/runtime';
import { createApiKey, revokeApiKey, type SignedInAccount, signedInAccount } from '../support/accounts';
import { startTestRuntime } from '../support/local-runtime';

const CLIENT_HEADER = 'x-load-client';

let runtime: Runtime;
let db: DynamoDBDocumentClient;
let owner: SignedInAccount;
let revokedKey: string;

beforeAll(async () => {
  runtime = await startTestRuntime(
    undefined,
    { RATE_LIMITS: 'on', TRUST_LOAD_CLIENT_HEADER: CLIENT_HEADER, LOG_LEVEL: 'WARN' },
    { seed: false },
  );
  db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb)));
  owner = await signedInAccount(runtime, 'forged-owner');
  const { key, keyId } = await createApiKey(runtime, owner);
  await revokeApiKey(runtime, owner, keyId);
  revokedKey = key;
});
afterAll(async () => {
  db?.destroy();
  await runtime?.stop();
});

const forgedKey = () => `uh_${randomBytes(16).toString('hex')}`;
const credentials: Array<{ name: string; authorization: () => string }> = [
  { name: 'a forged key (uh_ + 32 random hex)', authorization: () => `Bearer ${forgedKey()}` },
  { name: 'a key of an unknown format', authorization: () => `Bearer sk_live_${randomBytes(12).toString('hex')}` },
  { name: 'a revoked key', authorization: () => `Bearer ${revokedKey}` },
];

let addresses = 0;
/** A client address no other request of this file uses. */
const newAddress = () => {
  addresses += 1;
  return `10.${Math.floor(addresses / 65_536) % 256}.${Math.floor(addresses / 256) % 256}.${addresses % 256}`;
};

/** Every rate-limit (`RL#`) and abuse (`ABUSE#`) counter item, by key, as JSON of its counters. */
async function counters(): Promise<Map<string, string>> {
  const items = new Map<string, string>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: runtime.tables.ephemeral,
        FilterExpression: 'begins_with(pk, :rl) OR begins_with(pk, :abuse)',
        ExpressionAttributeValues: { ':rl': 'RL#', ':abuse': 'ABUSE#' },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const { pk, sk, expiresAt: _e, ...counts } of page.Items ?? [])
      items.set(`${pk}|${sk}`, JSON.stringify(counts));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The counter items a call created or changed. */
async function countersChangedBy(act: () => Promise<void>): Promise<string[]> {
  const before = await counters();
  await act();
  const after = await counters();
  return [...after].filter(([key, value]) => before.get(key) !== value).map(([key]) => key.split('|')[0] as string);
}

const stateChanging = (r: RouteDeclaration) => !['GET', 'HEAD'].includes(r.method);
const pathOf = (route: RouteDeclaration) =>
  route.path.replace('{workspaceId}', owner.workspaceId).replace(/\{[^}]+\}/g, 'probe-id');

async function call(route: RouteDeclaration, authorization: string | undefined, address: string) {
  const res = await fetch(`${runtime.url}${pathOf(route)}`, {
    method: route.method,
    headers: {
      ...(authorization === undefined ? {} : { authorization }),
      [CLIENT_HEADER]: address,
      ...(stateChanging(route) ? { 'content-type': 'application/json' } : {}),
    },
    ...(stateChanging(route) ? { body: '{}' } : {}),
  });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { code?: unknown }).code as string | undefined;
  } catch {}
  return { status: res.status, code, text };
}

/** Waits out the end of a fixed window, so a burst is counted in one window. */
async function awayFromWindowEdge(windowSeconds: number, marginMs = 8000) {
  const left = windowSeconds * 1000 - (Date.now() % (windowSeconds * 1000));
  if (left < marginMs) await new Promise((r) => setTimeout(r, left + 100));
}

describe.each(credentials)('$name', ({ authorization }) => {
  it('changes no rate-limit counter but its address’s, on every declared route', async () => {
    const strangers: string[] = [];
    for (const route of routes) {
      const address = newAddress();
      const changed = await countersChangedBy(async () => {
        const res = await call(route, authorization(), address);
        expect(res.status, `${route.id}: ${res.text}`).toBeLessThan(500);
      });
      strangers.push(...changed.filter((pk) => !pk.startsWith(`RL#ip:${address}#`)).map((pk) => `${route.id}: ${pk}`));
      // Every counted route was counted against the address (health without a query is exempt).
      if (route.rateTier !== 'exempt') {
        expect(
          changed.some((pk) => pk.startsWith(`RL#ip:${address}#`)),
          route.id,
        ).toBe(true);
      }
    }
    expect(strangers, 'counters of a client other than the address').toEqual([]);
  });

  it('gets no state-changing route past CSRF, and no signed-in route past authentication', async () => {
    const answers: string[] = [];
    for (const route of routes) {
      const res = await call(route, authorization(), newAddress());
      // A HEAD answer has no body (RFC 9110), so no code to read: its status is checked below.
      if (res.status >= 400 && route.method !== 'HEAD') {
        expect(typeof res.code, `${route.id}: ${res.text}`).toBe('string');
      }
      if (stateChanging(route) && route.path.startsWith('/api/')) {
        answers.push(
          `${route.id} ${res.status} ${res.status === 403 && res.code?.startsWith('CSRF_') ? 'CSRF' : res.code}`,
        );
      } else if (route.auth === 'user') {
        expect(res.status, `${route.id}: ${res.text}`).toBe(401);
      } else {
        // A public route answers a request with the credential exactly as one without it
        // (the credential buys nothing; `probe-id` may itself be refused, e.g. as a token).
        const plain = await call(route, undefined, newAddress());
        expect(`${res.status} ${res.code}`, `${route.id}: ${res.text}`).toBe(`${plain.status} ${plain.code}`);
        expect(res.status, `${route.id}: ${res.text}`).toBeLessThan(500);
      }
    }
    const stateChangingRoutes = routes.filter((r) => stateChanging(r) && r.path.startsWith('/api/'));
    // A provider webhook (CSRF off: no browser calls it) is refused by its own signature check instead.
    const ownGuard: Readonly<Record<string, string>> = {
      'hooks.resend': '401 INVALID_WEBHOOK_SIGNATURE',
      // The token in the path is the credential: a wrong one is not found.
      'hooks.campaign': '404 WEBHOOK_NOT_FOUND',
    };
    expect(answers).toEqual(stateChangingRoutes.map((r) => `${r.id} ${r.csrf ? '403 CSRF' : ownGuard[r.id]}`));
  });
});

describe('one address, a new random key per request', () => {
  it('GET /api/csrf-token is refused after the public tier’s 20 a minute', async () => {
    await awayFromWindowEdge(60);
    const address = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await fetch(`${runtime.url}/api/csrf-token`, {
        headers: { authorization: `Bearer ${forgedKey()}`, [CLIENT_HEADER]: address },
      });
      statuses.push(res.status);
      if (res.status === 429) expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    expect(statuses).toEqual([...Array(20).fill(200), ...Array(5).fill(429)]);
  });

  it('POST /api/auth/password-reset without cookie, token or Origin never mails, and is refused at the limit', async () => {
    await awayFromWindowEdge(3600);
    const address = newAddress();
    const answers: string[] = [];
    const changed = await countersChangedBy(async () => {
      for (let i = 0; i < 55; i++) {
        const res = await fetch(`${runtime.url}/api/auth/password-reset`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${forgedKey()}`,
            [CLIENT_HEADER]: address,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ email: owner.email }),
        });
        const body = (await res.json()) as { code?: string };
        answers.push(`${res.status} ${body.code}`);
      }
    });
    expect(
      answers.filter((a) => !/^(403 CSRF_|429 )/.test(a)),
      'answers other than CSRF or rate-limit refusals',
    ).toEqual([]);
    // The email tier allows 50 an hour per address: at least the last 5 are rate-limited.
    expect(answers.slice(-5).every((a) => a.startsWith('429 '))).toBe(true);
    expect(
      changed.filter((pk) => !pk.startsWith(`RL#ip:${address}#`) && !pk.startsWith(`ABUSE#ip:${address}#`)),
    ).toEqual([]);
  });
});
