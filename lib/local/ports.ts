/**
 * Where the local runtime's servers listen. `npm start` gives every emulator and stand-in a
 * fixed port, so a restart prints the same endpoints (an AWS CLI profile or a saved
 * `--endpoint-url` keeps working): a block of {@link PORT_BLOCK} ports from a base port, one
 * fixed offset per server. The base follows `PORT`, so a second instance on another `PORT`
 * gets a block of its own: `20000 + 20 × (PORT mod 1000)` (PORT=3008: 20160-20171,
 * PORT=3010: 20200-20211), below Linux's ephemeral range for the usual PORTs. An explicit
 * `EMULATOR_BASE_PORT` overrides it; base 0 means "any free port" (the tests' default).
 */

/** Each server's offset from the base port. */
export const PORT_OFFSETS = {
  dynamodb: 0,
  sqs: 1,
  ses: 2,
  resend: 3,
  smtp: 4,
  smtpOutbox: 5,
  stepFunctions: 6,
  eventBridge: 7,
  scheduler: 8,
  anthropic: 9,
  openrouter: 10,
  outbox: 11,
} as const;

export type LocalServer = keyof typeof PORT_OFFSETS;
export type LocalPorts = Readonly<Record<LocalServer, number>>;

/** Ports reserved per instance (room for servers added later without moving the others). */
export const PORT_BLOCK = 20;
const DEFAULT_BASE_FLOOR = 20_000;

/** The default base port for an API on `apiPort`; 0 (free ports) when the API's port is 0. */
export function defaultEmulatorBasePort(apiPort: number): number {
  return apiPort === 0 ? 0 : DEFAULT_BASE_FLOOR + PORT_BLOCK * (apiPort % 1000);
}

/**
 * `EMULATOR_BASE_PORT` when set (a whole number, 0 or a base whose block fits under 65536),
 * else {@link defaultEmulatorBasePort}.
 * @throws Error naming the variable for a malformed value.
 */
export function emulatorBasePort(value: string | undefined, apiPort: number): number {
  if (value === undefined || value.trim() === '') return defaultEmulatorBasePort(apiPort);
  const base = Number(value);
  const highest = 65_535 - (PORT_BLOCK - 1);
  if (!Number.isInteger(base) || base < 0 || base > highest) {
    throw new Error(`EMULATOR_BASE_PORT must be 0 (any free port) or a port from 1 to ${highest}, got "${value}"`);
  }
  return base;
}

/** Every server's port for `base`; all 0 (any free port) when `base` is 0. */
export function localPorts(base: number): LocalPorts {
  return Object.fromEntries(
    Object.entries(PORT_OFFSETS).map(([name, offset]) => [name, base === 0 ? 0 : base + offset]),
  ) as Record<LocalServer, number>;
}
