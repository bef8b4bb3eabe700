/**
 * The SES v2 client of shared/aws/ses.ts, loaded on first use: functions that send a mail on a
 * few routes only (identity, workspaces) or probe SES in the deep health check (system) do not
 * read the SES package (~60 KB minified) at cold start. The bundles split at this `import()`.
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';

export const lazySes = (): Promise<SESv2Client> => import('../aws/ses').then((m) => m.ses);
