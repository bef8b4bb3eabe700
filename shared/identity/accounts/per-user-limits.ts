/**
 * What one user's session and device listings may hold (`GET /api/auth/sessions`,
 * `GET /api/auth/devices`, one body each). Sessions are not capped: they end on their own (7 days)
 * and a log-in never ends another (a shared account used by many clients at once, a load run, keeps
 * every session it opened); their listing answers the newest {@link SESSIONS_LISTED} and counts the
 * rest. Devices never end on their own: a new one past {@link MAX_TRUSTED_DEVICES} forgets the least
 * recently seen (audited). The user agent stored with each is cut. With the longest user agent each
 * listing weighs well under 1 MB as sent (a Lambda answers at most 6 MB; every `<` of a user agent is
 * sent as a 7-byte escape).
 */
import { cutText } from '../../security/cut-text';

/** Active sessions the listing shows, newest first; it counts the rest (`moreActive`). */
export const SESSIONS_LISTED = 100;

/** Trusted devices a user keeps: a new one past it forgets the least recently seen (`auth.device_forgotten`, `evict`). */
export const MAX_TRUSTED_DEVICES = 100;

/** The most of a user agent a session or device keeps (and shows): real ones are a few hundred characters. */
export const USER_AGENT_MAX_LENGTH = 512;

/** A user agent as sessions and devices store and show it: cut on a code-point boundary. */
export const storedUserAgent = (userAgent: string): string => cutText(userAgent, USER_AGENT_MAX_LENGTH);
