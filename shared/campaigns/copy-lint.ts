/**
 * The compliance lint of campaign copy (AI drafts and what a person approves of them). Pure:
 * the caller passes the workspace's forbidden claims (setting `campaigns.forbidden_claims`).
 *
 * - **Unsubscribe link and postal address**: nothing adds a footer to campaign mail (the sender
 *   adds only the `List-Unsubscribe` headers), so the HTML itself must carry
 *   `<a href="{{ unsubscribe_url }}">` and `{{ workspace.postalAddress }}`. The rule is the
 *   template save's (`missingMarketingParts`), so the lint never passes copy a template save
 *   would refuse, nor demands more than the send needs.
 * - **No deceptive reply or forward prefix**: a subject starting with `RE:`, `FW:`, `FWD:` or a
 *   common localized form (any case, `RE[2]:`, a full-width colon) pretends to continue a
 *   conversation (FTC CAN-SPAM: deceptive subject lines).
 * - **No forbidden claim**: each phrase the workspace listed, found case-insensitively (Unicode
 *   NFKC, runs of white space as one space) in a subject or in the HTML's visible text.
 */
import { htmlToText, missingMarketingParts } from '../email/templates';

export { FORBIDDEN_CLAIMS_SETTING, forbiddenClaimsValue } from './forbidden-claims';

export type CopyIssueCode = 'unsubscribe_link' | 'postal_address' | 'deceptive_subject_prefix' | 'forbidden_claim';

export interface CopyIssue {
  /** `subject`, `subjectVariants[n]` or `html`. */
  readonly field: string;
  readonly code: CopyIssueCode;
  readonly message: string;
  /** The forbidden phrase found. */
  readonly phrase?: string;
}

export interface CopyToLint {
  /** One subject line, or the variants in order. */
  readonly subjects: readonly string[];
  readonly html: string;
}

export interface CopyLintResult {
  readonly ok: boolean;
  readonly issues: readonly CopyIssue[];
}

/**
 * Reply and forward prefixes: English (RE, FW, FWD), German (AW, WG), Nordic (SV, VS, VB),
 * Dutch (ANTW, DOORST), French (TR), Spanish (RV), Portuguese (RES, ENC). Italian's one-letter
 * `R:`/`I:` are left out: too many honest subjects start with a letter and a colon.
 * The white space before a counter (`RE [2]:`) belongs to the optional counter: written as
 * `\s*(?:counter)?\s*`, a long run of spaces with no colon after it would be split between the
 * two `\s*` in every way (quadratic); this form matches the same subjects in linear time.
 */
const REPLY_PREFIX =
  /^[\s"'([]*(?:re|fwd?|aw|wg|sv|vs|vb|antw|doorst|tr|rv|res|enc)(?:\s*(?:\[\d+\]|\(\d+\)))?\s*[:：]/i;

const normalise = (text: string) => text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');

/** Lints `copy`; `forbiddenClaims` are the workspace's phrases. */
export function lintCopy(copy: CopyToLint, forbiddenClaims: readonly string[]): CopyLintResult {
  const issues: CopyIssue[] = [];
  const subjectField = (i: number) => (copy.subjects.length === 1 ? 'subject' : `subjectVariants[${i}]`);
  for (const part of missingMarketingParts({ subject: copy.subjects[0] ?? '', html: copy.html }, 'marketing')) {
    issues.push({ field: 'html', code: part.item, message: `The HTML needs ${part.message}` });
  }
  copy.subjects.forEach((subject, i) => {
    const prefix = REPLY_PREFIX.exec(subject);
    if (prefix) {
      issues.push({
        field: subjectField(i),
        code: 'deceptive_subject_prefix',
        message: `The subject starts with "${prefix[0].trim()}": it pretends to be a reply or a forward`,
      });
    }
  });
  const phrases = [...new Set(forbiddenClaims.map(normalise).map((p) => p.trim()))].filter((p) => p.length > 0);
  const texts = [
    ...copy.subjects.map((s, i) => ({ field: subjectField(i), text: normalise(s) })),
    { field: 'html', text: normalise(htmlToText(copy.html)) },
  ];
  for (const { field, text } of texts) {
    for (const phrase of phrases) {
      if (text.includes(phrase)) {
        issues.push({ field, code: 'forbidden_claim', phrase, message: `Contains "${phrase}", a forbidden claim` });
      }
    }
  }
  return { ok: issues.length === 0, issues };
}
