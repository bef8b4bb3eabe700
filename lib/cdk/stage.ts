/**
 * What differs between deployment stages. Everything stage-specific is decided here, so
 * the stacks read one object instead of branching on the stage name.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageSettings {
  readonly stage: Stage;
  /** Tables, queues, the settings key and log groups: prod keeps them when a stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  readonly logRetention: RetentionDays;
  /** Stage-wide API Gateway ceiling; per-client limits live in the function edge. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logLevel: 'DEBUG' | 'INFO';
  /** Days CloudFront access logs are kept in the log bucket. */
  readonly edgeLogDays: number;
  /**
   * Days KMS waits before deleting a key the stack removed (7 to 30). Only reached where
   * `removalPolicy` is DESTROY: prod retains its keys, so 30 (KMS's default) is never used.
   */
  readonly keyPendingWindowDays: number;
  /** Days the domain-events archive keeps every event for replay. */
  readonly eventArchiveDays: number;
  /**
   * Requests per client IP in 5 minutes above which the edge WAF blocks that IP: a coarse
   * ceiling well above any rate tier of the function edge, which sets the real limits.
   */
  readonly edgeRateLimitPer5Minutes: number;
}

const settings: Record<Stage, StageSettings> = {
  dev: {
    stage: 'dev',
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    logRetention: RetentionDays.ONE_MONTH,
    throttle: { rateLimit: 100, burstLimit: 200 },
    logLevel: 'DEBUG',
    edgeLogDays: 30,
    keyPendingWindowDays: 7,
    eventArchiveDays: 7,
    edgeRateLimitPer5Minutes: 2000,
  },
  prod: {
    stage: 'prod',
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    logRetention: RetentionDays.THREE_MONTHS,
    throttle: { rateLimit: 1000, burstLimit: 2000 },
    logLevel: 'INFO',
    edgeLogDays: 365,
    keyPendingWindowDays: 30,
    eventArchiveDays: 30,
    edgeRateLimitPer5Minutes: 6000,
  },
};

/** Reads `-c stage=...`; an unknown stage is a typo, so it fails the synth loudly. */
export function parseStage(value: unknown): Stage {
  const stage = value ?? 'dev';
  if (typeof stage === 'string' && (STAGES as readonly string[]).includes(stage)) return stage as Stage;
  throw new Error(`Unknown stage "${String(stage)}": use -c stage=${STAGES.join('|')}`);
}

export const stageSettings = (stage: Stage): StageSettings => settings[stage];

/** `UniteHub-dev-Data`: stack names carry the stage so both stages can share an account. */
export const stackName = (stage: Stage, part: 'Data' | 'App' | 'EdgeWaf' | 'EdgeLogs'): string =>
  `UniteHub-${stage}-${part}`;
