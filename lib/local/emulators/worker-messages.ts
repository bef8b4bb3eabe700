/** The messages between the runtime and the emulator worker thread. */
export type ToWorker = { type: 'stop' };

export type FromWorker =
  | { type: 'log'; line: string }
  | {
      type: 'started';
      dynamodb: { endpoint: string };
      sqs: { endpoint: string };
      ses: { endpoint: string; outboxUrl: string };
      resend: { endpoint: string; apiKey: string; outboxUrl: string };
      smtp: { url: string; outboxUrl: string };
    }
  | { type: 'failed'; error: string }
  | { type: 'stopped'; error?: string };
