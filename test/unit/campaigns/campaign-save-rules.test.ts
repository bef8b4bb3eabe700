/**
 * What create, edit and publish refuse beyond the journey's graph rules, through the use cases
 * over an in-memory store (the same body parsing as the route):
 * - the campaign-wide goal (`rules.goal`) is checked as a node's condition is;
 * - a journey that mails may not be started by its own mail's interactions with re-entry
 *   `always` (it would enrol the contact again on every delivery, open or click, without end);
 * - a schedule trigger that can never launch (an `at` in the past, a cron for 31 February or for
 *   a year that is over) is refused when it is new or changed, and only then: an `at` that already
 *   fired leaves the campaign's other edits and publishes alone.
 */
import { describe, expect, it } from 'vitest';
import {
  type Campaign,
  type CampaignDeps,
  createCampaign,
  createCampaignBody,
  publishCampaign,
  updateCampaign,
  updateCampaignBody,
} from '../../../shared/campaigns/campaign';
import { MAIL_PRODUCED_INTERACTIONS } from '../../../shared/campaigns/trigger';
import { INTERACTION_TYPES } from '../../../shared/crm/model';
import { nextFire, parseSchedule } from '../../../shared/schedule-expression';
import { memoryCampaigns } from './campaign-world';

const WS = 'ws-rules';

function world(start = '2026-06-01T08:00:00Z') {
  let now = Date.parse(start);
  let ids = 0;
  const deps: CampaignDeps = {
    campaigns: memoryCampaigns(),
    now: () => new Date(now),
    realNow: () => new Date(now),
    newId: () => `c${++ids}`,
  };
  const create = (body: Record<string, unknown>) =>
    createCampaign(WS, 'u1', createCampaignBody.parse({ name: 'C', ...body }), deps);
  const patch = (id: string, body: Record<string, unknown>) =>
    updateCampaign(WS, id, updateCampaignBody.parse(body), deps);
  const publish = (id: string) => publishCampaign(WS, id, deps, async (j) => j);
  return { deps, create, patch, publish, advance: (ms: number) => (now += ms) };
}

/** The 400's problems, or 'saved'. */
async function outcome(run: () => Promise<unknown>) {
  try {
    await run();
    return 'saved';
  } catch (error) {
    const e = error as { code?: string; status?: number; details?: { problems?: unknown } };
    return { status: e.status, code: e.code, problems: e.details?.problems };
  }
}

const exitOnly = [
  { id: 'start', kind: 'trigger', next: 'done' },
  { id: 'done', kind: 'exit' },
];
const mailing = (on?: unknown) => ({
  nodes: [
    { id: 'start', kind: 'trigger', ...(on ? { on } : {}), next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
});
const scheduled = (on: unknown) => ({ nodes: [{ ...exitOnly[0], on }, exitOnly[1]] });
const deep = (levels: number) => {
  let c: unknown = { type: 'tag', tag: 'x' };
  for (let i = 0; i < levels; i++) c = { type: 'not', of: c };
  return c;
};

describe('rules.goal is checked as a node condition is', () => {
  it('refuses email activity of a node that is not there, or not an email node, naming rules.goal', async () => {
    const w = world();
    for (const node of ['no-such-node', 'done']) {
      const goal = { if: { type: 'email-activity', node, activity: 'clicked' }, withinDays: 30 };
      expect(await outcome(() => w.create({ journey: { nodes: exitOnly }, rules: { goal } }))).toEqual({
        status: 400,
        code: 'INVALID_JOURNEY',
        problems: [
          { field: 'rules.goal', message: `Asks about email activity of "${node}", which is not an email node` },
        ],
      });
    }
    const fine = { if: { type: 'email-activity', node: 'mail', activity: 'clicked' }, withinDays: 30 };
    expect(await outcome(() => w.create({ journey: mailing(), rules: { goal: fine } }))).toBe('saved');
  });

  it('refuses a goal nested deeper than a node condition may be', async () => {
    const w = world();
    const asNode = await outcome(() =>
      w.create({
        journey: {
          nodes: [
            { id: 'start', kind: 'trigger', next: 'c' },
            { id: 'c', kind: 'condition', if: deep(8), yes: 'done', no: 'done' },
            { id: 'done', kind: 'exit' },
          ],
        },
      }),
    );
    const asGoal = await outcome(() =>
      w.create({ journey: { nodes: exitOnly }, rules: { goal: { if: deep(8), withinDays: 30 } } }),
    );
    expect(asNode).toMatchObject({
      status: 400,
      problems: [{ node: 'c', message: expect.stringMatching(/nest deeper/) }],
    });
    expect(asGoal).toMatchObject({
      status: 400,
      problems: [{ field: 'rules.goal', message: expect.stringMatching(/nest deeper/) }],
    });
    expect(
      await outcome(() => w.create({ journey: { nodes: exitOnly }, rules: { goal: { if: deep(3), withinDays: 30 } } })),
    ).toBe('saved');
  });

  it('checks the goal against the journey on every edit of either, and on publish', async () => {
    const w = world();
    const goal = { if: { type: 'email-activity', node: 'mail', activity: 'opened' }, withinDays: 30 };
    const c = await w.create({ journey: mailing(), rules: { goal } });
    // The journey loses the node the goal asks about.
    expect(await outcome(() => w.patch(c.campaignId, { journey: { nodes: exitOnly } }))).toMatchObject({
      status: 400,
      problems: [{ field: 'rules.goal' }],
    });
    // The rules bring a goal about a node the journey lacks.
    const bad = { if: { type: 'email-activity', node: 'gone', activity: 'opened' }, withinDays: 30 };
    expect(await outcome(() => w.patch(c.campaignId, { rules: { goal: bad } }))).toMatchObject({
      status: 400,
      problems: [{ field: 'rules.goal' }],
    });
    expect(await outcome(() => w.patch(c.campaignId, { name: 'Renamed' }))).toBe('saved');
    // A draft stored before the check is refused on publish.
    const stored = (await w.deps.campaigns.get(WS, c.campaignId)) as Campaign;
    await w.deps.campaigns.replace({
      ...stored,
      rules: { ...stored.rules, goal: bad } as Campaign['rules'],
      revision: stored.revision + 1,
    });
    expect(await outcome(() => w.publish(c.campaignId))).toMatchObject({
      status: 400,
      problems: [{ field: 'rules.goal' }],
    });
  });
});

describe('a journey its own mail would start again, without end', () => {
  it('refuses each interaction campaign mail produces as trigger, with re-entry always, naming the trigger', async () => {
    const w = world();
    for (const interaction of MAIL_PRODUCED_INTERACTIONS) {
      const found = await outcome(() =>
        w.create({ journey: mailing({ type: 'interaction', interaction }), rules: { reentry: { mode: 'always' } } }),
      );
      expect(found).toMatchObject({ status: 400, code: 'INVALID_JOURNEY' });
      const [problem, ...more] = (found as { problems: { node: string; message: string }[] }).problems;
      expect(more).toEqual([]);
      expect(problem?.node).toBe('start');
      expect(problem?.message).toContain(`"${interaction}"`);
      expect(problem?.message).toMatch(/node "mail".*re-entry "always"/);
    }
    expect(MAIL_PRODUCED_INTERACTIONS).toEqual(
      expect.arrayContaining(['email_delivered', 'email_opened', 'email_clicked', 'email_bounced']),
    );
  });

  it('allows what cannot loop: another interaction, re-entry never or after, a journey that sends no mail', async () => {
    const w = world();
    const others = INTERACTION_TYPES.filter((t) => !MAIL_PRODUCED_INTERACTIONS.includes(t));
    for (const interaction of others) {
      expect(
        await outcome(() =>
          w.create({ journey: mailing({ type: 'interaction', interaction }), rules: { reentry: { mode: 'always' } } }),
        ),
        interaction,
      ).toBe('saved');
    }
    const delivered = { type: 'interaction', interaction: 'email_delivered' };
    for (const reentry of [{ mode: 'never' }, { mode: 'after', days: 7 }]) {
      expect(await outcome(() => w.create({ journey: mailing(delivered), rules: { reentry } }))).toBe('saved');
    }
    const noMail = { nodes: [{ ...exitOnly[0], on: delivered }, exitOnly[1]] };
    expect(await outcome(() => w.create({ journey: noMail, rules: { reentry: { mode: 'always' } } }))).toBe('saved');
  });

  it('refuses the edit that closes the loop (rules or journey), and a stored loop on publish', async () => {
    const w = world();
    const opened = { type: 'interaction', interaction: 'email_opened' };
    const c = await w.create({ journey: mailing(opened), rules: { reentry: { mode: 'never' } } });
    expect(await outcome(() => w.patch(c.campaignId, { rules: { reentry: { mode: 'always' } } }))).toMatchObject({
      status: 400,
      problems: [{ node: 'start' }],
    });
    const manual = await w.create({ journey: mailing(), rules: { reentry: { mode: 'always' } } });
    expect(await outcome(() => w.patch(manual.campaignId, { journey: mailing(opened) }))).toMatchObject({
      status: 400,
      problems: [{ node: 'start' }],
    });
    const stored = (await w.deps.campaigns.get(WS, c.campaignId)) as Campaign;
    await w.deps.campaigns.replace({
      ...stored,
      rules: { ...stored.rules, reentry: { mode: 'always' } },
      revision: stored.revision + 1,
    });
    expect(await outcome(() => w.publish(c.campaignId))).toMatchObject({ status: 400, problems: [{ node: 'start' }] });
  });
});

describe('a schedule that can never launch', () => {
  it('is refused on create, naming the trigger node: a past `at`, 31 February, a year that is over', async () => {
    const w = world();
    for (const on of [
      { type: 'schedule', at: '2001-01-01T09:00:00Z' },
      { type: 'schedule', at: '2026-06-01T08:00:00Z' },
      { type: 'schedule', cron: '0 9 31 2 ? *' },
      { type: 'schedule', cron: '0 9 30,31 2 ? *', timeZone: 'Europe/Berlin' },
      { type: 'schedule', cron: '0 9 * * ? 2001' },
      { type: 'schedule', cron: '0 9 * * ? 2020-2025' },
    ]) {
      const found = await outcome(() => w.create({ journey: scheduled(on) }));
      expect(found, JSON.stringify(on)).toMatchObject({
        status: 400,
        code: 'INVALID_JOURNEY',
        problems: [{ node: 'start', message: expect.stringMatching(/would never launch/) }],
      });
    }
  });

  it('judges the slot on the real clock, as the trigger sync does, not on campaign time (TIME_SCALE)', async () => {
    const w = world();
    const scaled: CampaignDeps = { ...w.deps, now: () => new Date('2027-01-01T00:00:00Z') };
    const body = createCampaignBody.parse({
      name: 'Scaled',
      journey: scheduled({ type: 'schedule', at: '2026-06-01T09:00:00Z' }),
    });
    expect(await outcome(() => createCampaign(WS, 'u1', body, scaled))).toBe('saved');
  });

  it('takes any schedule with a slot ahead, years ahead included', async () => {
    const w = world();
    for (const on of [
      { type: 'schedule', at: '2026-06-01T08:01:00Z' },
      { type: 'schedule', cron: '0 9 29 2 ? *' },
      { type: 'schedule', cron: '0 9 1 1 ? 2040' },
      { type: 'schedule', cron: '0 9 ? * MON *' },
    ]) {
      expect(await outcome(() => w.create({ journey: scheduled(on) })), JSON.stringify(on)).toBe('saved');
    }
    expect(nextFire(parseSchedule('cron(0 9 1 1 ? 2040)'), new Date('2026-06-01T00:00:00Z'))?.toISOString()).toBe(
      '2040-01-01T09:00:00.000Z',
    );
    expect(nextFire(parseSchedule('cron(0 9 31 2 ? *)'), new Date('2026-06-01T00:00:00Z'))).toBeUndefined();
  });

  it('an `at` that fired does not block later edits or publishes; changing the trigger to one that cannot fire does', async () => {
    const w = world();
    const at = { type: 'schedule', at: '2026-06-02T09:00:00Z' };
    const c = await w.create({ journey: mailing(at) });
    await w.publish(c.campaignId);
    w.advance(7 * 86_400_000); // the one-off launch is behind us
    expect(await outcome(() => w.patch(c.campaignId, { name: 'Spring, sent' }))).toBe('saved');
    expect(await outcome(() => w.patch(c.campaignId, { rules: { timeZone: 'Europe/Berlin' } }))).toBe('saved');
    const edited = mailing(at);
    (edited.nodes[1] as { templateId: string }).templateId = 't2';
    expect(await outcome(() => w.patch(c.campaignId, { journey: edited }))).toBe('saved');
    expect(await outcome(() => w.publish(c.campaignId))).toBe('saved');
    // A new trigger that cannot fire is refused, on edit...
    const past = { type: 'schedule', at: '2026-06-05T09:00:00Z' };
    expect(await outcome(() => w.patch(c.campaignId, { journey: mailing(past) }))).toMatchObject({
      status: 400,
      problems: [{ node: 'start', message: expect.stringMatching(/2026-06-05T09:00:00Z.*not in the future/) }],
    });
    // ...and a draft whose new `at` passed before it was published, on publish.
    const later = await w.create({ journey: mailing({ type: 'schedule', at: '2026-06-09T09:00:00Z' }) });
    w.advance(2 * 86_400_000);
    expect(await outcome(() => w.publish(later.campaignId))).toMatchObject({
      status: 400,
      problems: [{ node: 'start', message: expect.stringMatching(/not in the future/) }],
    });
  });
});

describe('a PATCH of the rules', () => {
  const cap = { max: 2, per: 'day' };
  const window = { weekdays: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 };

  it('merges them key by key: a rule given replaces that rule, null removes it, the rest stay', async () => {
    const w = world();
    const created = await w.create({
      journey: mailing(),
      rules: { timeZone: 'Europe/Berlin', frequencyCap: cap, sendWindow: window, reentry: { mode: 'always' } },
    });
    const moved = await w.patch(created.campaignId, { rules: { timeZone: 'Europe/Paris' } });
    expect(moved.rules).toEqual({
      timeZone: 'Europe/Paris',
      frequencyCap: cap,
      sendWindow: window,
      reentry: { mode: 'always' },
    });
    const nothing = await w.patch(created.campaignId, { rules: {} });
    expect(nothing.rules).toEqual(moved.rules);
    const removed = await w.patch(created.campaignId, { rules: { sendWindow: null, timeZone: null, reentry: null } });
    expect(removed.rules).toEqual({ timeZone: 'UTC', frequencyCap: cap, reentry: { mode: 'never' } });
  });

  it('refuses a bad rule with a 400 and changes nothing', async () => {
    const w = world();
    const created = await w.create({ journey: mailing(), rules: { frequencyCap: cap } });
    expect(() => updateCampaignBody.parse({ rules: { frequencyCap: { max: 0, per: 'day' } } })).toThrow();
    expect(() => updateCampaignBody.parse({ rules: { unknownRule: 1 } })).toThrow();
    expect((await w.deps.campaigns.get(WS, created.campaignId))?.rules).toEqual(created.rules);
  });
});
