/** An AI copy draft of a campaign email node, as the API shows it (campaigns and ai functions). */
import * as z from 'zod/mini';
import { EXAMPLE_TIME, id } from './common';

export const aiDraft = z.looseObject({
  campaignId: id,
  nodeId: z.string(),
  draftId: id,
  subjectLines: z.array(z.string()),
  body: z.string(),
  callToAction: z.string(),
  html: z.string(),
  provider: z.string(),
  model: z.string(),
});

export const exampleAiDraft = {
  campaignId: '21851a54-ddb6-413d-b8f8-c09474074ca3',
  nodeId: 'welcome',
  draftId: 'd-5c2a',
  request: { goal: 'Welcome new trial users', tone: 'friendly' },
  subjectLines: ['Welcome aboard', 'Your trial starts now'],
  body: 'Thanks for trying us.',
  callToAction: 'Start your tour',
  html: '<p>Thanks for trying us.</p>',
  provider: 'anthropic',
  model: 'claude-haiku',
  createdAt: EXAMPLE_TIME,
};
