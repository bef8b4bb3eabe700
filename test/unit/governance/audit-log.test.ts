import { describe, expect, it } from 'vitest';
import { auditQueryPlan } from '../../../shared/adapters/dynamo-audit';
import { ValidationError } from '../../../shared/errors';
import { listAuditLog } from '../../../shared/governance/audit-log';
import { InvalidCursorError } from '../../../shared/governance/paging';
import type { AuditQuery, AuditReader } from '../../../shared/governance/ports';
import { callerIn } from './memory-stores';

describe('auditQueryPlan', () => {
  const base: AuditQuery = { workspaceId: 'ws-a', limit: 50 };

  it('filters by type through gsi1 and by actor or resource with a filter', () => {
    const plan = auditQueryPlan('audit', { ...base, eventType: 'api-keys.create', actorId: 'u-1', resourceId: 'k-1' });

    expect(plan.input.IndexName).toBe('gsi1');
    expect(plan.input.ExpressionAttributeNames).toMatchObject({ '#pk': 'gsi1pk', '#sk': 'gsi1sk' });
    expect(plan.input.ExpressionAttributeValues[':pk']).toBe('WS#ws-a#TYPE#api-keys.create');
    expect(plan.input.FilterExpression).toBe('#actorId = :actorId AND #resourceId = :resourceId');
    expect(plan.input.ScanIndexForward).toBe(false);
    expect(plan.filtered).toBe(true);
  });

  it('reads the workspace partition without a filter when none is given', () => {
    const plan = auditQueryPlan('audit', base);

    expect(plan.input.IndexName).toBeUndefined();
    expect(plan.input.FilterExpression).toBeUndefined();
    expect(plan.input.ExpressionAttributeValues[':pk']).toBe('WS#ws-a');
    // One entry past the page: read, it tells a next page exists (review round 20).
    expect(plan.input.Limit).toBe(51);
  });

  it('includes entries made exactly at `to`', () => {
    const to = '2026-01-01T00:00:00.000Z';
    const plan = auditQueryPlan('audit', { ...base, from: to, to });
    const sk = `${to}#entry`;
    const low = plan.input.ExpressionAttributeValues[':low'] as string;
    const high = plan.input.ExpressionAttributeValues[':high'] as string;

    expect(sk >= low && sk <= high).toBe(true);
    expect('2026-01-01T00:00:00.001Z#later' <= high).toBe(false);
  });
});

describe('listAuditLog', () => {
  const caller = callerIn('ws-a', ['audit:read']);
  const recording = () => {
    const queries: AuditQuery[] = [];
    const reader: AuditReader = {
      list: async (query) => {
        queries.push(query);
        return { items: [] };
      },
    };
    return { reader, queries };
  };

  it("scopes the query to the caller's workspace and normalises the date range", async () => {
    const { reader, queries } = recording();

    await listAuditLog(
      caller,
      { eventType: 'settings.put', from: '2026-03-01T10:00:00+01:00', to: '2026-03-01T10:00:00Z', limit: 10 },
      reader,
    );

    expect(queries).toEqual([
      {
        workspaceId: 'ws-a',
        eventType: 'settings.put',
        from: '2026-03-01T09:00:00.000Z',
        to: '2026-03-01T10:00:00.000Z',
        limit: 10,
      },
    ]);
  });

  it('refuses a range that ends before it starts (400 INVALID_RANGE)', async () => {
    const { reader, queries } = recording();
    const attempt = listAuditLog(
      caller,
      { from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z', limit: 10 },
      reader,
    );

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ code: 'INVALID_RANGE' });
    expect(queries).toEqual([]);
  });

  it('answers a bad cursor with 400 INVALID_CURSOR', async () => {
    const reader: AuditReader = {
      list: async () => {
        throw new InvalidCursorError();
      },
    };
    await expect(listAuditLog(caller, { limit: 10, cursor: 'x' }, reader)).rejects.toMatchObject({
      status: 400,
      code: 'INVALID_CURSOR',
    });
  });
});
