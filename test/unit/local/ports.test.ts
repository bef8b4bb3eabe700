import { describe, expect, it } from 'vitest';
import {
  defaultEmulatorBasePort,
  emulatorBasePort,
  localPorts,
  PORT_BLOCK,
  PORT_OFFSETS,
} from '../../../lib/local/ports';

describe('the local port plan', () => {
  it('gives `npm start` on 3008 a fixed block, the same on every start', () => {
    expect(defaultEmulatorBasePort(3008)).toBe(20160);
    expect(localPorts(emulatorBasePort(undefined, 3008))).toMatchObject({ dynamodb: 20160, sqs: 20161, outbox: 20171 });
  });

  it('moves the block with PORT, so instances side by side never share a port', () => {
    const blockOf = (port: number) => {
      const base = defaultEmulatorBasePort(port);
      return new Set(Array.from({ length: PORT_BLOCK }, (_, i) => base + i));
    };
    for (const [a, b] of [
      [3008, 3009],
      [3008, 3010],
      [3000, 3999],
    ] as const) {
      const shared = [...blockOf(a)].filter((p) => blockOf(b).has(p));
      expect(shared, `PORT=${a} and PORT=${b}`).toEqual([]);
      expect(blockOf(b).has(b)).toBe(false);
    }
  });

  it('fits every server in the block, each on its own port', () => {
    const ports = Object.values(localPorts(20160));
    expect(new Set(ports).size).toBe(Object.keys(PORT_OFFSETS).length);
    expect(Math.max(...ports)).toBeLessThan(20160 + PORT_BLOCK);
  });

  it('takes EMULATOR_BASE_PORT over the default, 0 meaning any free port', () => {
    expect(emulatorBasePort('40000', 3008)).toBe(40000);
    expect(Object.values(localPorts(emulatorBasePort('0', 3008)))).toEqual(Object.keys(PORT_OFFSETS).map(() => 0));
    expect(emulatorBasePort(undefined, 0)).toBe(0);
  });

  it.each(['abc', '-1', '1.5', '65530'])('refuses EMULATOR_BASE_PORT=%s, naming the variable', (value) => {
    expect(() => emulatorBasePort(value, 3008)).toThrow(/EMULATOR_BASE_PORT/);
  });
});
