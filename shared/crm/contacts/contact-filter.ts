/** The contact filter of `GET /api/contacts/list`, also used to pick a campaign's audience. */
import * as z from 'zod';
import { CONTACT_STATUSES } from '../model';

const score = z.coerce.number().min(0).max(100);

export const contactFilterSchema = z.object({
  status: z.enum(CONTACT_STATUSES).optional(),
  tag: z.string().trim().toLowerCase().min(1).max(50).optional(),
  minScore: score.optional(),
  maxScore: score.optional(),
  tier: z.enum(['hot', 'warm', 'lukewarm', 'cold']).optional(),
  q: z.string().trim().min(1).max(100).optional(),
});
