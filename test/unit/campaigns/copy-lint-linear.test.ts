/**
 * The copy lint in linear time: on HTML as long as approved copy may be, made of openings that
 * never close, and on a subject whose reply-prefix check once split a run of spaces between two
 * `\s*` in every way. The quadratic versions take many seconds to minutes on these, past the
 * test timeout; no wall-clock time is asserted (a regression shows as a timeout).
 */
import { describe, expect, it } from 'vitest';
import { lintCopy } from '../../../shared/campaigns/copy-lint';

const footer = '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>';
const LENGTH = 500_000;
const longest = (piece: string) => piece.repeat(Math.ceil(LENGTH / piece.length)).slice(0, LENGTH);

describe('lintCopy on adversarial input', () => {
  it.each([
    ['<a ', longest('<a ')],
    ['<!--', longest('<!--')],
    ['<script', longest('<script')],
    ['<style', longest('<style')],
    ['<head', longest('<head')],
    ['<', longest('<')],
    ['<a href={{unsubscribe_url|', longest('<a href={{unsubscribe_url|')],
  ])('completes on HTML of unclosed "%s"', (_label, padding) => {
    const { issues } = lintCopy({ subjects: ['Spring'], html: `${footer}${padding}` }, ['guaranteed']);
    expect(issues).toEqual([]);
  });

  it('completes on a subject of a prefix and a long run of spaces, and still finds prefixes', () => {
    expect(lintCopy({ subjects: [`Re${' '.repeat(100_000)}x`], html: footer }, []).ok).toBe(true);
    expect(lintCopy({ subjects: [`Re${' '.repeat(100_000)}[2] :x`], html: footer }, []).issues).toEqual([
      expect.objectContaining({ code: 'deceptive_subject_prefix' }),
    ]);
  });
});
