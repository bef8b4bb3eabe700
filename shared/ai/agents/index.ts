/**
 * The agents by name, the input each accepts from a caller (zod-validated), and how a request
 * becomes the agent's input: a contact named by id is read in the caller's workspace only, so a
 * request can never reach another workspace's data whatever id it sends.
 */
import * as z from 'zod/mini';
import { ContactNotFoundError } from '../../crm/contacts/errors';
import type { ContactStore, InteractionStore } from '../../crm/contacts/ports';
import type { Contact } from '../../crm/model';
import type { AiProvider } from '../ports';
import { type AgentResult, type RunAgentOptions, runAgent } from './agent';
import { contactIntelligenceAgent, contactIntelligenceInput, MAX_TIMELINE } from './contact-intelligence';
import {
  contentPersonalisationAgent,
  contentPersonalisationInput,
  type PersonalisationContact,
} from './content-personalisation';
import { emailIntentAgent, emailIntentInput } from './email-intent';

export { type Agent, type AgentResult, type AgentRun, runAgent } from './agent';

export const agents = {
  'email-intent': emailIntentAgent,
  'content-personalisation': contentPersonalisationAgent,
  'contact-intelligence': contactIntelligenceAgent,
} as const;

/** `{agent, input}` of a call, each agent with its own input schema. */
export const agentRequestOptions = [
  z.strictObject({ agent: z.literal('email-intent'), input: emailIntentInput }),
  z.strictObject({ agent: z.literal('content-personalisation'), input: contentPersonalisationInput }),
  z.strictObject({ agent: z.literal('contact-intelligence'), input: contactIntelligenceInput }),
] as const;
export const agentRequest = z.discriminatedUnion('agent', agentRequestOptions);
export type AgentRequest = z.infer<typeof agentRequest>;

export interface AgentDataDeps {
  readonly contacts: Pick<ContactStore, 'get'>;
  readonly interactions: Pick<InteractionStore, 'timeline'>;
}

/** A live contact of the workspace. @throws ContactNotFoundError (404) otherwise. */
async function liveContact(workspaceId: string, contactId: string, deps: AgentDataDeps): Promise<Contact> {
  const contact = await deps.contacts.get(workspaceId, contactId);
  if (!contact || contact.deletedAt) throw new ContactNotFoundError();
  return contact;
}

const personalisationFacts = (c: Contact): PersonalisationContact => ({
  ...(c.firstName ? { firstName: c.firstName } : {}),
  ...(c.lastName ? { lastName: c.lastName } : {}),
  ...(c.company ? { company: c.company } : {}),
  ...(c.jobTitle ? { jobTitle: c.jobTitle } : {}),
  status: c.status,
  tags: c.tags.slice(0, 50),
});

/** The stored contact a request names, if any. */
export const contactIdOf = (request: AgentRequest): string | undefined =>
  request.agent === 'email-intent' ? undefined : request.input.contactId;

/** Checks what a request names exists (a contact), without running anything. @throws ContactNotFoundError. */
export async function assertRequestable(workspaceId: string, request: AgentRequest, deps: AgentDataDeps) {
  const contactId = contactIdOf(request);
  if (contactId !== undefined) await liveContact(workspaceId, contactId, deps);
}

/**
 * Reads what the request names (in `workspaceId` only) and runs its agent.
 * @throws ContactNotFoundError, and what {@link runAgent} throws (AiProviderError).
 */
export async function runRequestedAgent(
  workspaceId: string,
  request: AgentRequest,
  provider: AiProvider,
  deps: AgentDataDeps,
  options: RunAgentOptions = {},
): Promise<AgentResult<unknown>> {
  switch (request.agent) {
    case 'email-intent':
      return runAgent(emailIntentAgent, request.input, provider, options);
    case 'content-personalisation': {
      const { contactId, contact, goal, tone, product } = request.input;
      const facts = contactId ? personalisationFacts(await liveContact(workspaceId, contactId, deps)) : (contact ?? {});
      return runAgent(
        contentPersonalisationAgent,
        { contact: facts, goal, tone, ...(product ? { product } : {}) },
        provider,
        options,
      );
    }
    case 'contact-intelligence': {
      const contact = await liveContact(workspaceId, request.input.contactId, deps);
      const page = await deps.interactions.timeline(workspaceId, contact.contactId, { limit: MAX_TIMELINE });
      return runAgent(
        contactIntelligenceAgent,
        { contact, timeline: page.interactions, moreInteractions: page.nextCursor !== undefined },
        provider,
        options,
      );
    }
  }
}
