/**
 * Settings every SDK client needs to talk to the embedded emulators: the emulators accept any
 * SigV4 signature, so fixed dummy credentials keep the developer's real AWS profile out of play.
 */
import { KeyedSha256 } from '../../../shared/aws/keyed-sha256';

export const LOCAL_REGION = 'us-east-1';
/**
 * The one fake account id of every local ARN and queue URL (dynalite's own default, and
 * LocalStack's): SQS queue URLs, Lambda, Step Functions, EventBridge, Scheduler and SES.
 */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Client configuration for an AWS SDK v3 client pointed at one emulator endpoint. */
export function localClientConfig(endpoint: string): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  sha256: typeof KeyedSha256;
} {
  return { endpoint, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS }, sha256: KeyedSha256 };
}

/** Physical name of a declared table or queue in the local runtime. */
export function localResourceName(namePrefix: string, name: string): string {
  return `${namePrefix}${name}`;
}
