/**
 * Password strength, estimated by zxcvbn-ts with its common dictionaries (the most used
 * leaked passwords, diceware words, keyboard layouts), all offline. A maintained estimator
 * beats a list of our own: it also catches keyboard walks, sequences, repeats, dates, l33t
 * spellings and the user's own name or address, and it is updated as leaks are studied.
 *
 * The dictionaries are large (~400 KB), so they are loaded on first use (a dynamic import):
 * only a cold start that checks a password pays for them, never a log-in.
 */
import type { TranslationKeys, ZxcvbnFactory } from '@zxcvbn-ts/core';
import { ValidationError } from '../../errors';
import { assertPasswordPolicy } from './password';

/** zxcvbn's 3: "safely unguessable", about 10^8 to 10^10 guesses. */
export const MIN_PASSWORD_SCORE = 3;

/** Words anyone guessing a password of this service would try first. */
const SERVICE_WORDS = ['unite-hub', 'unitehub', 'unite hub', 'unite'];

export interface PasswordOwner {
  readonly email: string;
  readonly name?: string;
}

export interface PasswordStrength {
  /** 0 (too guessable) to 4 (very unguessable). */
  readonly score: number;
  readonly warning?: string;
  readonly suggestions: readonly string[];
}

let estimator: Promise<ZxcvbnFactory> | undefined;

/** Builds the estimator once per process (~50 ms), on first use. */
function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
    ]);
    return new ZxcvbnFactory({
      dictionary: common.dictionary,
      graphs: common.adjacencyGraphs,
      translations: ENGLISH,
    });
  })().catch((error: unknown) => {
    estimator = undefined;
    throw error;
  });
  return estimator;
}

/** How guessable `password` is for someone who knows the owner's email and name. */
export async function estimatePasswordStrength(password: string, owner: PasswordOwner): Promise<PasswordStrength> {
  const zxcvbn = await loadEstimator();
  const local = owner.email.split('@')[0] ?? '';
  const name = owner.name?.trim() ?? '';
  const userInputs = [owner.email, local, name, ...name.split(/\s+/), ...SERVICE_WORDS].filter((w) => w.length > 0);
  const result = zxcvbn.check(password.normalize('NFKC'), userInputs);
  return {
    score: result.score,
    ...(result.feedback.warning ? { warning: result.feedback.warning } : {}),
    suggestions: result.feedback.suggestions,
  };
}

/**
 * Every rule a new password must meet: the policy of `assertPasswordPolicy` (length, one
 * character repeated, the email itself), then a zxcvbn score of at least
 * {@link MIN_PASSWORD_SCORE}. Applied wherever a password is set.
 *
 * @throws ValidationError `WEAK_PASSWORD` (a policy rule), `PASSWORD_TOO_WEAK` (too guessable;
 * `details` has zxcvbn's score, warning and suggestions, never the password)
 */
export async function assertPasswordAcceptable(password: string, owner: PasswordOwner): Promise<void> {
  assertPasswordPolicy(password, owner.email);
  const strength = await estimatePasswordStrength(password, owner);
  if (strength.score >= MIN_PASSWORD_SCORE) return;
  const advice = [strength.warning, ...strength.suggestions].filter(Boolean).join(' ');
  throw new ValidationError(`The password is too easy to guess. ${advice}`.trim(), 'PASSWORD_TOO_WEAK', {
    details: { ...strength, minimumScore: MIN_PASSWORD_SCORE },
  });
}

/** zxcvbn ships translation keys only; these are the English texts of its feedback. */
const ENGLISH: TranslationKeys = {
  warnings: {
    straightRow: 'Straight rows of keys on your keyboard are easy to guess.',
    keyPattern: 'Short keyboard patterns are easy to guess.',
    simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
    extendedRepeat: 'Repeated character patterns like "abcabcabc" are easy to guess.',
    sequences: 'Common character sequences like "abc" are easy to guess.',
    recentYears: 'Recent years are easy to guess.',
    dates: 'Dates are easy to guess.',
    topTen: 'This is one of the ten most used passwords.',
    topHundred: 'This is one of the hundred most used passwords.',
    common: 'This is a commonly used password.',
    similarToCommon: 'This is similar to a commonly used password.',
    wordByItself: 'Single words are easy to guess.',
    namesByThemselves: 'Single names or surnames are easy to guess.',
    commonNames: 'Common names and surnames are easy to guess.',
    userInputs: 'The password should not contain your name, your email address or the name of this service.',
    pwned: 'This password was exposed by a data breach.',
  },
  suggestions: {
    l33t: 'Avoid predictable letter substitutions like "@" for "a".',
    reverseWords: 'Avoid reversed spellings of common words.',
    allUppercase: 'Capitalize some, but not all letters.',
    capitalization: 'Capitalize more than the first letter.',
    dates: 'Avoid dates and years that are associated with you.',
    recentYears: 'Avoid recent years.',
    associatedYears: 'Avoid years that are associated with you.',
    sequences: 'Avoid common character sequences.',
    repeated: 'Avoid repeated words and characters.',
    longerKeyboardPattern: 'Use longer keyboard patterns and change typing direction several times.',
    anotherWord: 'Add more words that are less common.',
    useWords: 'Use several words, but avoid common phrases.',
    noNeed: 'You can make a strong password without symbols, numbers or capital letters.',
    pwned: 'If you use this password elsewhere, change it there.',
  },
  timeEstimation: {
    ltSecond: 'less than a second',
    second: '{base} second',
    seconds: '{base} seconds',
    minute: '{base} minute',
    minutes: '{base} minutes',
    hour: '{base} hour',
    hours: '{base} hours',
    day: '{base} day',
    days: '{base} days',
    month: '{base} month',
    months: '{base} months',
    year: '{base} year',
    years: '{base} years',
    centuries: 'centuries',
  },
};
