import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { pageQuery, queryInteger } from '../../../shared/http/query-numbers';

describe('numbers in a query string', () => {
  const page = z.object(pageQuery(100, 25));

  it('reads decimal digits and gives the default when the parameter is absent', () => {
    expect(page.parse({ limit: '10' })).toEqual({ limit: 10 });
    expect(page.parse({ limit: '100', cursor: 'abc' })).toEqual({ limit: 100, cursor: 'abc' });
    expect(page.parse({})).toEqual({ limit: 25 });
  });

  it.each(['0x10', '1e2', ' 7', '7 ', '0b11', '', '-1', '+5', '1.0', '10.5', 'Infinity', 'NaN', '１０', '0', '101'])(
    'refuses limit=%j',
    (limit) => {
      expect(page.safeParse({ limit }).success).toBe(false);
    },
  );

  it('never reads a long run of digits as an unsafe integer', () => {
    const version = queryInteger(1, 1_000_000);
    expect(version.safeParse('9007199254740993').success).toBe(false);
    expect(version.safeParse('000001').data).toBe(1);
  });
});
