/**
 * DynamoDB emulator: dynalite (LevelDB on disk) behind a small HTTP front. The front hands
 * every request to dynalite's handler untouched except the two operations dynalite lacks, TransactWriteItems
 * and TransactGetItems, which it answers itself (see dynamodb-transact.ts). dynalite itself is
 * taught `ReturnValuesOnConditionCheckFailure` (condition-failure-item.ts).
 *
 * Local only: `GET /_local/data-dir` answers `{"dynamodb": <the real path of its LevelDB
 * directory>}`, i.e. `<DATA_DIR>/dynamodb`, so that a tool reading the tables here and files from
 * a data directory (`ops:export --endpoint`) can check that both are the same directory.
 */
import { mkdir, realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import dynalite from 'dynalite';
import { returnItemOnConditionFailure } from './condition-failure-item';
import { TransactionEngine } from './dynamodb-transact';
import { InProcessWire, sendWire, type WireObject, type WireResponse } from './dynamodb-wire';
import { closeLevelIteratorsOnReturn } from './level-iterators';
import { closeServer, endpointUrl, listen } from './net';
import { cacheDynaliteTables } from './table-cache';

export interface DynamoDbEmulator {
  endpoint: string;
  stop(): Promise<void>;
}

/** The local-only route naming the directory this emulator serves (no DynamoDB API call is a GET). */
export const DATA_DIR_IDENTITY_PATH = '/_local/data-dir';

const EMULATED_TARGETS = new Set(['DynamoDB_20120810.TransactWriteItems', 'DynamoDB_20120810.TransactGetItems']);

/** Starts dynalite on a private loopback port and the proxy on `host:port`. */
export async function startDynamoDb(opts: {
  path: string;
  host: string;
  port: number;
  log: (msg: string) => void;
}): Promise<DynamoDbEmulator> {
  await mkdir(opts.path, { recursive: true });
  const identity = JSON.stringify({ dynamodb: await realpath(opts.path) });
  closeLevelIteratorsOnReturn();
  cacheDynaliteTables();
  returnItemOnConditionFailure();
  // Tables become ACTIVE immediately: nothing local benefits from waiting for CREATING.
  const backend = dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await listen(backend, 0, '127.0.0.1');
  // Requests are handed to dynalite's own request listener on this thread instead of being
  // relayed over a second loopback connection: half the HTTP work per call. The transaction
  // engine's reads and writes call the same listener in memory (InProcessWire). The backend
  // listens on a private port only so that closing it closes LevelDB as dynalite does.
  const dynaliteHandler = backend.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
  const engine = new TransactionEngine(new InProcessWire(dynaliteHandler), opts.log);

  const proxy = createServer((req, res) => {
    if (req.method === 'GET' && req.url === DATA_DIR_IDENTITY_PATH) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(identity);
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    // Counted until the answer ends: LevelDB work outlives a dropped connection, and stop()
    // must not close the database under it (a transaction's reads and writes included).
    inFlight += 1;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      inFlight -= 1;
      if (inFlight === 0) for (const resolve of drained.splice(0)) resolve();
      return end(...args);
    }) as typeof res.end;
    if (req.method === 'POST' && EMULATED_TARGETS.has(target)) {
      answerTransaction(req, res, target, engine).catch((error: Error) => {
        opts.log(`dynamodb ${target} failed: ${error.stack ?? error.message}`);
        if (!res.headersSent) sendWire(res, internalError(error));
        else res.end();
      });
    } else {
      if (/\.(CreateTable|UpdateTable|DeleteTable)$/.test(target)) engine.forgetSchemas();
      dynaliteHandler(req, res);
    }
  });
  let inFlight = 0;
  const drained: Array<() => void> = [];
  /** Resolves when no request is inside dynalite, or after `ms` (a request whose body never came). */
  const idle = (ms: number) =>
    inFlight === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          drained.push(resolve);
          setTimeout(resolve, ms).unref();
        });
  let port: number;
  try {
    port = await listen(proxy, opts.port, opts.host);
  } catch (error) {
    await closeServer(backend);
    throw error;
  }

  return {
    endpoint: endpointUrl(opts.host, port),
    async stop() {
      await idle(2000);
      await closeServer(proxy);
      // dynalite's close() also closes LevelDB, which flushes its write buffer to disk.
      await closeServer(backend);
    },
  };
}

async function answerTransaction(
  req: IncomingMessage,
  res: ServerResponse,
  target: string,
  engine: TransactionEngine,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let body: WireObject;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') ?? {};
  } catch {
    sendWire(res, { status: 400, body: { __type: 'com.amazon.coral.service#SerializationException' } });
    return;
  }
  const response = target.endsWith('TransactWriteItems')
    ? await engine.transactWrite(body)
    : await engine.transactGet(body);
  sendWire(res, response);
}

function internalError(error: Error): WireResponse {
  return {
    status: 500,
    body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: error.message },
  };
}
