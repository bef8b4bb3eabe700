/**
 * The credential chain of the functions' bundles. Lambda hands every function its role's
 * credentials in environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN), valid for the life of the execution environment, so the SDK's default
 * chain (SSO, ini files, process, web identity, ECS/IMDS...) is dead weight there: about
 * 130 KB of every bundle. The CDK bundling aliases `@aws-sdk/credential-provider-node` to
 * this module (lib/cdk/house-function.ts); tests and the local runtime, which run the
 * sources with tsx, keep the real chain (the runtime sets dummy env credentials anyway).
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Same signature as the SDK's `defaultProvider`: credentials from the environment only. */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
export const credentialsWillNeedRefresh = (): boolean => false;
export const credentialsTreatedAsExpired = (): boolean => false;
