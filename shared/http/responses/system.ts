/** Success answers of the system routes (functions/system.ts). */
import * as z from 'zod/mini';
import type { SuccessResponse } from '../operation';
import { EXAMPLE_TIME, instant } from './common';

export const healthReport = {
  status: 200,
  description: 'Healthy or degraded (an unhealthy report answers 503 with the same body)',
  schema: z.looseObject({
    status: z.enum(['healthy', 'degraded', 'unhealthy']),
    timestamp: instant,
    uptime: z.number(),
    environment: z.string(),
    version: z.string(),
    checks: z.record(
      z.string(),
      z.looseObject({ status: z.enum(['ok', 'error']), latencyMs: z.number(), message: z.optional(z.string()) }),
    ),
  }),
  example: {
    status: 'healthy',
    timestamp: EXAMPLE_TIME,
    uptime: 42.5,
    environment: 'local',
    version: '0.1.0',
    checks: { dynamodb: { status: 'ok', latencyMs: 4 } },
  },
} satisfies SuccessResponse;

export const alive = { status: 200, description: 'Alive (no body)' } satisfies SuccessResponse;

export const csrfToken = {
  status: 200,
  description: 'The token to send as `x-csrf-token`; also set as the `csrf-token` cookie',
  schema: z.looseObject({ token: z.string(), headerName: z.literal('x-csrf-token') }),
  example: { token: '9f2c4e7a1b3d5f6081a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708', headerName: 'x-csrf-token' },
} satisfies SuccessResponse;

export const statusPageAnswer = {
  status: 200,
  description: 'A small HTML page naming the service, its version and stage',
  contentType: 'text/html',
  schema: z.string(),
  example: '<!doctype html><title>unite-hub</title>',
} satisfies SuccessResponse;
