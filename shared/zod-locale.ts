/**
 * zod's English messages ("Too small: expected string to have >=1 characters", ...). Classic
 * `zod` installed them on its own; `zod/mini` does not, and without them every issue reads
 * "Invalid input". Imported for its effect by the modules that parse at the edges
 * (shared/config.ts, which every function loads and parses at cold start,
 * shared/http/operation.ts, shared/queue/queue-function.ts), so it runs before any parse.
 * Only the English locale is imported (not `z.locales`, which holds them all).
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());
