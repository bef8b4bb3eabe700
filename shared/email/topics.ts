/**
 * A workspace's marketing topics, for the preferences page of `/u/{token}`: the setting
 * `email.topics` (`PUT /api/settings/email.topics`), a JSON list of topic ids or of
 * `{id, label}`. A send names its topic (`topic` on the queue message); an address that opted
 * out of it gets no marketing mail of that topic (suppression-rules.ts).
 */
import { cutText } from '../security/cut-text';
import { TOPIC_ID_PATTERN } from './suppression-rules';

export const EMAIL_TOPICS_SETTING = 'email.topics';
const MAX_TOPICS = 50;

export interface Topic {
  readonly id: string;
  readonly label: string;
}

/** The topics of the setting's value; entries that are not a topic are skipped, never an error. */
export function topicsFromSetting(value: unknown): Topic[] {
  if (!Array.isArray(value)) return [];
  const topics: Topic[] = [];
  for (const entry of value) {
    const id = typeof entry === 'string' ? entry : (entry as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || !TOPIC_ID_PATTERN.test(id) || topics.some((t) => t.id === id)) continue;
    const label = (entry as { label?: unknown } | null)?.label;
    topics.push({ id, label: typeof label === 'string' && label.trim() ? cutText(label.trim(), 100) : id });
    if (topics.length === MAX_TOPICS) break;
  }
  return topics;
}
