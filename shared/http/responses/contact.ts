/**
 * A contact as the API shows it: shared by the contacts and scoring answers, in a module of its
 * own so the scoring function bundles this and not every contacts answer.
 */
import * as z from 'zod/mini';
import { CONTACT_STATUSES } from '../../crm/model';
import { EXAMPLE_TIME, EXAMPLE_WORKSPACE, id, instant } from './common';

export const tier = z.enum(['hot', 'warm', 'lukewarm', 'cold']);

export const contactSchema = z.looseObject({
  contactId: id,
  workspaceId: id,
  firstName: z.optional(z.string()),
  lastName: z.optional(z.string()),
  email: z.string(),
  phone: z.optional(z.string()),
  company: z.optional(z.string()),
  jobTitle: z.optional(z.string()),
  status: z.enum(CONTACT_STATUSES),
  tags: z.array(z.string()),
  customFields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  ownerUserId: z.optional(z.string()),
  score: z.number().check(z.gte(0), z.lte(100)),
  tier,
  lastInteractionAt: z.optional(instant),
  createdAt: instant,
  updatedAt: instant,
  deletedAt: z.optional(instant),
});

export const EXAMPLE_CONTACT_ID = 'e0365558-79fa-4bc7-8327-d7d342c45164';
export const exampleContact = {
  contactId: EXAMPLE_CONTACT_ID,
  workspaceId: EXAMPLE_WORKSPACE,
  firstName: 'Ada',
  email: 'ada@example.com',
  status: 'lead',
  tags: ['vip'],
  customFields: { seats: 4 },
  score: 0,
  tier: 'cold',
  createdAt: EXAMPLE_TIME,
  updatedAt: EXAMPLE_TIME,
};
