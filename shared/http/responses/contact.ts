/**
 * A contact as the API shows it: shared by the contacts and scoring answers, in a module of its
 * own so the scoring function bundles this and not every contacts answer.
 */
import * as z from 'zod';
import { CONTACT_STATUSES } from '../../crm/model';
import { EXAMPLE_TIME, EXAMPLE_WORKSPACE, id, instant } from './common';

export const tier = z.enum(['hot', 'warm', 'lukewarm', 'cold']);

export const contactSchema = z.looseObject({
  contactId: id,
  workspaceId: id,
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string(),
  phone: z.string().optional(),
  company: z.string().optional(),
  jobTitle: z.string().optional(),
  status: z.enum(CONTACT_STATUSES),
  tags: z.array(z.string()),
  customFields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  ownerUserId: z.string().optional(),
  score: z.number().min(0).max(100),
  tier,
  lastInteractionAt: instant.optional(),
  createdAt: instant,
  updatedAt: instant,
  deletedAt: instant.optional(),
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
