/**
 * Helper process for clock-rewinds-after-kill.test.ts (not a test): the accelerated campaign
 * clock of the local runtime (TIME_SCALE=3600) on DATA_DIR, as lib/local/runtime.ts starts it.
 * Prints `{"realMs":…,"clockMs":…,"scale":…}` once started and runs until killed.
 */
import { startClockOrigin } from '../../lib/local/clock-origin';

const origin = startClockOrigin(process.env.DATA_DIR as string, 3600);
process.stdout.write(`${JSON.stringify({ realMs: origin.realMs, clockMs: origin.clockMs, scale: origin.scale })}\n`);
setInterval(() => undefined, 60_000);
