/**
 * Queued AI calls. A caller enqueues a call; the ai-call worker runs it against the
 * configured provider and stores the result once. Provider retries, the circuit breaker
 * and the fallback provider plug in behind {@link AiProvider}.
 */
import * as z from 'zod';

export const aiCallMessage = z.object({
  workspaceId: z.string().min(1).max(128),
  callId: z.string().min(1).max(128),
  agent: z.enum(['email-intent', 'content-personalisation', 'contact-intelligence']),
  prompt: z.string().min(1).max(100_000),
});
export type AiCallMessage = z.infer<typeof aiCallMessage>;

export interface AiCompletion {
  readonly provider: string;
  readonly model: string;
  readonly text: string;
  /** True when no real model answered (no key configured): callers must say so to users. */
  readonly offline: boolean;
}

export interface AiProvider {
  readonly name: string;
  complete(prompt: string): Promise<AiCompletion>;
}

export interface AiCallResults {
  has(workspaceId: string, callId: string): Promise<boolean>;
  /** Stores the first result; a second store for the same call is ignored. */
  save(message: AiCallMessage, completion: AiCompletion, completedAt: string): Promise<void>;
}

/** Runs a call unless its result exists (a redelivered message costs no second model call). */
export async function runAiCall(
  message: AiCallMessage,
  deps: { provider: AiProvider; results: AiCallResults; now: () => Date },
): Promise<'completed' | 'duplicate'> {
  if (await deps.results.has(message.workspaceId, message.callId)) return 'duplicate';
  const completion = await deps.provider.complete(message.prompt);
  await deps.results.save(message, completion, deps.now().toISOString());
  return 'completed';
}

/**
 * The provider used when no API key is configured: deterministic, no network, and
 * explicit that it is offline, so nothing downstream mistakes it for a model's answer.
 */
export const offlineProvider: AiProvider = {
  name: 'offline',
  async complete(prompt) {
    return {
      provider: 'offline',
      model: 'none',
      offline: true,
      text: `AI is offline: no provider key is configured. The request (${prompt.length} characters) was recorded but not analysed.`,
    };
  },
};
