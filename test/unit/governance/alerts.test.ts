import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../shared/errors';
import { acknowledgeAlert, alertStatus, listAlerts, resolveAlert } from '../../../shared/governance/alerts';
import { callerIn, MemoryAlerts } from './memory-stores';

const manager = callerIn('ws-a', ['alerts:read', 'alerts:manage'], 'sec-1');
const stranger = callerIn('ws-b', ['alerts:read', 'alerts:manage'], 'sec-b');

function seeded() {
  const alerts = new MemoryAlerts();
  const alert = {
    alertType: 'rate_limit_exceeded',
    title: 'flood',
    metadata: {},
  };
  alerts.add('ws-a', { ...alert, id: 'al-1', severity: 'medium', createdAt: '2026-03-01T10:00:00.000Z' });
  alerts.add('ws-a', { ...alert, id: 'al-2', severity: 'high', createdAt: '2026-03-01T11:00:00.000Z' });
  alerts.add('ws-b', { ...alert, id: 'al-b', severity: 'high', createdAt: '2026-03-01T12:00:00.000Z' });
  return alerts;
}

const at = (iso: string) => () => new Date(iso);

describe('security alerts', () => {
  it('acknowledges an alert of the workspace once; the first stamp stays', async () => {
    const alerts = seeded();

    const first = await acknowledgeAlert(manager, 'al-1', { alerts, now: at('2026-03-02T00:00:00.000Z') });
    const again = await acknowledgeAlert(callerIn('ws-a', [], 'sec-2'), 'al-1', {
      alerts,
      now: at('2026-03-03T00:00:00.000Z'),
    });

    expect(first).toMatchObject({
      status: 'acknowledged',
      acknowledgedAt: '2026-03-02T00:00:00.000Z',
      acknowledgedBy: 'sec-1',
    });
    expect(again).toMatchObject({ acknowledgedAt: '2026-03-02T00:00:00.000Z', acknowledgedBy: 'sec-1' });
  });

  it('resolves idempotently: a second resolve answers the same alert', async () => {
    const alerts = seeded();

    const first = await resolveAlert(manager, 'al-2', { alerts, now: at('2026-03-02T00:00:00.000Z') });
    const second = await resolveAlert(manager, 'al-2', { alerts, now: at('2026-03-05T00:00:00.000Z') });

    expect(first).toMatchObject({
      status: 'resolved',
      resolved: true,
      resolvedAt: '2026-03-02T00:00:00.000Z',
      resolvedBy: 'sec-1',
    });
    expect(second).toEqual(first);
  });

  it("answers 404 for another workspace's alert id and leaves that alert untouched", async () => {
    const alerts = seeded();
    const now = at('2026-03-02T00:00:00.000Z');

    for (const action of [acknowledgeAlert, resolveAlert]) {
      const attempt = action(manager, 'al-b', { alerts, now });
      await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
      await expect(attempt).rejects.toMatchObject({ code: 'ALERT_NOT_FOUND' });
    }
    const [theirs] = (await listAlerts(stranger, { limit: 10 }, { alerts })).alerts;
    expect(theirs).toMatchObject({ id: 'al-b', status: 'open', resolved: false });
    expect(theirs?.acknowledgedAt).toBeUndefined();
  });

  it('lists only the workspace alerts, newest first, by status', async () => {
    const alerts = seeded();
    await resolveAlert(manager, 'al-1', { alerts, now: at('2026-03-02T00:00:00.000Z') });

    const all = await listAlerts(manager, { limit: 10 }, { alerts });
    const open = await listAlerts(manager, { status: 'open', limit: 10 }, { alerts });

    expect(all.alerts.map((a) => a.id)).toEqual(['al-2', 'al-1']);
    expect(open.alerts.map((a) => a.id)).toEqual(['al-2']);
  });

  it('derives the status from the stamps', () => {
    expect(alertStatus({ resolved: false })).toBe('open');
    expect(alertStatus({ resolved: false, acknowledgedAt: 'x' })).toBe('acknowledged');
    expect(alertStatus({ resolved: true, acknowledgedAt: 'x' })).toBe('resolved');
  });
});
