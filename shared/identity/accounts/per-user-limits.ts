/**
 * What one user's sessions and trusted devices may grow to. Their listings (`GET /api/auth/sessions`,
 * `GET /api/auth/devices`) answer everything in one body, so they are bounded by construction: a
 * log-in past the cap ends the oldest (audited), and the user agent stored with each is cut. At the
 * caps, with the longest user agent, each listing weighs well under 1 MB as sent (a Lambda answers
 * at most 6 MB; every `<` of a user agent is sent as a 7-byte escape).
 */
import { cutText } from '../../security/cut-text';

/** Active sessions a user keeps: a new one past it ends the oldest (`auth.session_revoked`, `evict`). */
export const MAX_ACTIVE_SESSIONS = 100;

/** Trusted devices a user keeps: a new one past it forgets the least recently seen (`auth.device_forgotten`, `evict`). */
export const MAX_TRUSTED_DEVICES = 100;

/** The most of a user agent a session or device keeps (and shows): real ones are a few hundred characters. */
export const USER_AGENT_MAX_LENGTH = 512;

/** A user agent as sessions and devices store and show it: cut on a code-point boundary. */
export const storedUserAgent = (userAgent: string): string => cutText(userAgent, USER_AGENT_MAX_LENGTH);
