/** The messages between the runtime and the emulator worker thread. */
import type { EmulatorLinks } from './index';

export type ToWorker = { type: 'stop' } | { type: 'configure'; links: EmulatorLinks };

export type FromWorker =
  | { type: 'log'; line: string }
  | {
      type: 'started';
      dynamodb: { endpoint: string };
      sqs: { endpoint: string };
      ses: { endpoint: string; outboxUrl: string };
      resend: { endpoint: string; apiKey: string; outboxUrl: string; webhookSecret: string };
      smtp: { url: string; outboxUrl: string };
    }
  | { type: 'failed'; error: string }
  | { type: 'configured'; error?: string }
  | { type: 'stopped'; error?: string };
