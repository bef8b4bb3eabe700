/** Success answers of the scoring routes (functions/scoring.ts). */
import * as z from 'zod/mini';
import type { SuccessResponse } from '../operation';
import { EXAMPLE_TIME, instant } from './common';
import { contactSchema, exampleContact } from './contact';

export const contactScore = {
  status: 200,
  description: 'The score, its tier and groups, and the ledger that explains it (newest first, a page)',
  schema: z.looseObject({
    contactId: z.string(),
    score: z.number(),
    tier: z.string(),
    model: z.string(),
    groups: z.record(z.string(), z.number()),
    asOf: z.optional(instant),
    rulesVersion: z.number().check(z.int()),
    ledger: z.array(
      z.looseObject({
        at: instant,
        ruleId: z.optional(z.string()),
        rule: z.optional(z.string()),
        points: z.number(),
        scoreAfter: z.optional(z.number()),
      }),
    ),
    nextCursor: z.optional(z.string()),
  }),
  example: {
    contactId: exampleContact.contactId,
    score: 23,
    tier: 'cold',
    model: 'rules',
    groups: { fit: 50, engagement: 5 },
    asOf: EXAMPLE_TIME,
    rulesVersion: 0,
    ledger: [
      {
        at: EXAMPLE_TIME,
        interactionId: 'ef4ad7db-bb54-4414-ba57-ef7825931c4c',
        ruleId: 'email-opened',
        rule: 'email_opened +5',
        group: 'engagement',
        points: 5,
        scoreBefore: 20,
        scoreAfter: 23,
      },
    ],
  },
} satisfies SuccessResponse;

export const hotLeads = {
  status: 200,
  description: 'Contacts in the hot tier, best first',
  schema: z.object({ contacts: z.array(contactSchema), nextCursor: z.optional(z.string()) }),
  example: { contacts: [{ ...exampleContact, score: 91, tier: 'hot' }] },
} satisfies SuccessResponse;

const rules = z.looseObject({ interactionRules: z.array(z.looseObject({ id: z.string(), points: z.number() })) });

export const scoringRules = {
  status: 200,
  description: 'The rules in force and their version (send it back as `expectedVersion`)',
  schema: z.looseObject({ version: z.number().check(z.int()), rules }),
  example: {
    version: 0,
    rules: {
      interactionRules: [
        { id: 'email-opened', type: 'email_opened', points: 5, maxPerDay: 15, repeatable: true, group: 'engagement' },
      ],
    },
  },
} satisfies SuccessResponse;

export const rulesReplaced = {
  status: 202,
  description: 'The new version; scores are recomputed in the background',
  schema: z.looseObject({
    version: z.number().check(z.int()),
    recompute: z.optional(z.looseObject({ jobId: z.string() })),
  }),
  example: { version: 1, recompute: { jobId: '19af6934-5cca-4d42-ab01-6d0d12705ba4' } },
} satisfies SuccessResponse;
