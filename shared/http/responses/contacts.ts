/** Success answers of the contacts routes (functions/contacts.ts). */
import * as z from 'zod/mini';
import type { SuccessResponse } from '../operation';
import { EXAMPLE_TIME, EXAMPLE_USER, EXAMPLE_WORKSPACE, id, instant, page } from './common';
import { contactSchema, EXAMPLE_CONTACT_ID, exampleContact, tier } from './contact';

const oneContact = z.object({ contact: contactSchema });

export const contactCreated = {
  status: 201,
  description: 'The new contact',
  schema: oneContact,
  example: { contact: exampleContact },
} satisfies SuccessResponse;

export const contactAnswer = {
  status: 200,
  description: 'The contact',
  schema: oneContact,
  example: { contact: exampleContact },
} satisfies SuccessResponse;

export const contactsPage = {
  status: 200,
  description: 'A page of contacts; pass `nextCursor` as `cursor` for the next one',
  schema: page('contacts', contactSchema),
  example: { contacts: [exampleContact], nextCursor: 'eyJrIjoiLi4uIn0' },
} satisfies SuccessResponse;

export const contactsCsv = {
  status: 200,
  description: 'The matching contacts as CSV (header row first); `x-total-count` gives the count',
  contentType: 'text/csv',
  schema: z.string(),
  example: 'email,firstName,lastName\r\nada@example.com,Ada,Lovelace\r\n',
} satisfies SuccessResponse;

export const importReport = {
  status: 200,
  description: 'What the import did, row by row for the failures',
  schema: z.looseObject({
    rows: z.number().check(z.int()),
    created: z.number().check(z.int()),
    updated: z.number().check(z.int()),
    unchanged: z.number().check(z.int()),
    failed: z.number().check(z.int()),
    errors: z.array(
      z.looseObject({
        line: z.number().check(z.int()),
        errors: z.array(z.looseObject({ field: z.string(), message: z.string() })),
      }),
    ),
    durationMs: z.number(),
  }),
  example: {
    rows: 2,
    created: 1,
    updated: 0,
    unchanged: 0,
    failed: 1,
    errors: [{ line: 3, errors: [{ field: 'email', message: 'Not a valid email address' }] }],
    durationMs: 31,
  },
} satisfies SuccessResponse;

export const contactDeleted = { status: 204, description: 'Deleted (restorable)' } satisfies SuccessResponse;

const interaction = z.looseObject({
  interactionId: id,
  workspaceId: id,
  contactId: id,
  type: z.string(),
  occurredAt: instant,
  metadata: z.record(z.string(), z.unknown()),
  source: z.optional(z.string()),
});
const exampleInteraction = {
  interactionId: 'ef4ad7db-bb54-4414-ba57-ef7825931c4c',
  workspaceId: EXAMPLE_WORKSPACE,
  contactId: EXAMPLE_CONTACT_ID,
  type: 'email_opened',
  occurredAt: EXAMPLE_TIME,
  metadata: {},
  source: EXAMPLE_USER,
};

export const interactionRecorded = {
  status: 201,
  description: 'The interaction and the score it moved (a replay of the same key answers the same)',
  schema: z.object({
    interaction,
    score: z.optional(
      z.looseObject({
        score: z.number(),
        tier,
        previousScore: z.optional(z.number()),
        previousTier: z.optional(tier),
      }),
    ),
  }),
  example: {
    interaction: exampleInteraction,
    score: { score: 23, tier: 'cold', previousScore: 0, previousTier: 'cold' },
  },
} satisfies SuccessResponse;

export const timelinePage = {
  status: 200,
  description: 'Interactions, newest first',
  schema: page('interactions', interaction),
  example: { interactions: [exampleInteraction] },
} satisfies SuccessResponse;

export const consentList = {
  status: 200,
  description: 'A page of consent given and withdrawn, oldest first; pass `nextCursor` as `cursor` for the next one',
  schema: page(
    'consent',
    z.looseObject({
      consentId: id,
      workspaceId: id,
      contactId: id,
      action: z.enum(['given', 'withdrawn']),
      source: z.string(),
      at: instant,
      recordedAt: instant,
      ip: z.optional(z.string()),
    }),
  ),
  example: {
    consent: [
      {
        consentId: '52558a5f-5b15-4772-80e2-08970d728cd0',
        workspaceId: EXAMPLE_WORKSPACE,
        contactId: EXAMPLE_CONTACT_ID,
        action: 'given',
        source: 'form',
        at: EXAMPLE_TIME,
        recordedAt: EXAMPLE_TIME,
        ip: '203.0.113.7',
      },
    ],
  },
} satisfies SuccessResponse;
