// Review round 19: this test failed at d10baec.
/**
 * Text a person wrote was cut with `String.slice` (UTF-16 code units) in several places, each able to
 * leave a lone surrogate where an emoji straddled the cut: the AI-copy template's name (refused by
 * its own schema on save-back), the workspace name and postal address every mail carries, a topic's
 * label, a launch's failure message. Every such cut now goes through one code-point-safe helper
 * (shared/security/cut-text.ts).
 */
import { describe, expect, it } from 'vitest';
import { launchFailureMessage } from '../../../shared/campaigns/enrol-audience-page';
import { senderProfile } from '../../../shared/email/sender-profile';
import { topicsFromSetting } from '../../../shared/email/topics';
import { cutText, cutTextWithEllipsis } from '../../../shared/security/cut-text';

/** No lone surrogate (with the `u` flag, `[\uD800-\uDFFF]` matches only an unpaired one). */
const wellFormed = (text: string) => !/[\uD800-\uDFFF]/u.test(text);

describe('cutting text a person wrote (r19d-fix)', () => {
  it('never keeps half of a surrogate pair, with or without an ellipsis', () => {
    const text = '𝒳a😀🎉b𠀀'.repeat(5);
    for (let max = 0; max <= text.length + 1; max++) {
      for (const cut of [cutText(text, max), cutTextWithEllipsis(text, max)]) {
        expect(wellFormed(cut), `cut at ${max}: ${cut}`).toBe(true);
        expect(cut.length).toBeLessThanOrEqual(Math.max(max, 0));
      }
    }
    expect(cutTextWithEllipsis('ab😀cd', 4)).toBe('ab…');
    expect(cutTextWithEllipsis('ab😀cd', 5)).toBe('ab😀…');
    expect(cutTextWithEllipsis('ab😀cd', 6)).toBe('ab😀cd');
  });

  it('keeps the workspace name and postal address well-formed in every mail', async () => {
    const profile = await senderProfile('ws-1', {
      workspaceName: async () => `${'a'.repeat(199)}😀`,
      settings: {
        get: async () => ({ valueJson: JSON.stringify(`${'b'.repeat(499)}😀 Main Street`), isSecret: false }) as never,
      },
    });
    expect(wellFormed(profile.name)).toBe(true);
    expect(wellFormed(profile.postalAddress ?? '')).toBe(true);
    expect(profile.name).toBe('a'.repeat(199));
  });

  it('keeps a topic label well-formed', () => {
    const [topic] = topicsFromSetting([{ id: 'news', label: `${'n'.repeat(99)}🎉 and more` }]);
    expect(wellFormed(topic?.label ?? '')).toBe(true);
  });

  it('keeps a launch failure message well-formed', () => {
    const message = launchFailureMessage({ Error: 'Error', Cause: `${'x'.repeat(291)}😀${'y'.repeat(50)}` });
    expect(wellFormed(message)).toBe(true);
    expect(message.endsWith('…')).toBe(true);
  });
});
