/**
 * Phone numbers to E.164 (`+61412345678`) for a small table of countries.
 *
 * Full numbering-plan validation (which ranges are allocated, mobile versus fixed, number
 * lengths per area code) is out of scope: it needs libphonenumber's metadata, which is
 * large and changes monthly. This module only normalises formatting, applies the national
 * trunk and international prefixes, and checks a coarse national-number shape per country
 * plus the E.164 length, which is enough to store a dialable, de-duplicable key.
 */
import { ValidationError } from '../errors';

interface NumberingPlan {
  readonly callingCode: string;
  /** Dialled before a national number inside the country (`0` in AU, `1` in NANP). */
  readonly trunkPrefix?: string;
  /** Dialled to leave the country; `00` is always recognised as well. */
  readonly internationalPrefixes: readonly string[];
  /** Coarse shape of the national significant number. */
  readonly national: RegExp;
}

const NANP: NumberingPlan = {
  callingCode: '1',
  trunkPrefix: '1',
  internationalPrefixes: ['011'],
  national: /^[2-9]\d{9}$/,
};

const PLANS = {
  AU: { callingCode: '61', trunkPrefix: '0', internationalPrefixes: ['0011'], national: /^[2-478]\d{8}$/ },
  NZ: { callingCode: '64', trunkPrefix: '0', internationalPrefixes: ['00'], national: /^[2-9]\d{6,9}$/ },
  US: NANP,
  CA: NANP,
  GB: { callingCode: '44', trunkPrefix: '0', internationalPrefixes: ['00'], national: /^[1-9]\d{8,9}$/ },
  IE: { callingCode: '353', trunkPrefix: '0', internationalPrefixes: ['00'], national: /^[1-9]\d{6,9}$/ },
  DE: { callingCode: '49', trunkPrefix: '0', internationalPrefixes: ['00'], national: /^[1-9]\d{5,13}$/ },
  FR: { callingCode: '33', trunkPrefix: '0', internationalPrefixes: ['00'], national: /^[1-9]\d{8}$/ },
  IN: { callingCode: '91', trunkPrefix: '0', internationalPrefixes: ['00'], national: /^[1-9]\d{9}$/ },
  SG: { callingCode: '65', internationalPrefixes: ['000', '001'], national: /^[3689]\d{7}$/ },
} as const satisfies Record<string, NumberingPlan>;

export type PhoneCountry = keyof typeof PLANS;
export const PHONE_COUNTRIES = Object.keys(PLANS) as PhoneCountry[];

export interface NormalisePhoneOptions {
  /** Country assumed for a number written in national form. Default `AU`. */
  defaultCountry?: PhoneCountry;
}

const PHONE_TEXT = /^\+?[\d\s().-]+$/;
const E164_DIGITS = /^[1-9]\d{7,14}$/;

/**
 * Normalises a phone number to E.164. Spaces, dashes, dots and parentheses are dropped;
 * `+`, the generic `00` and the country's own international prefix (`0011` from AU, `011`
 * from NANP) mark an international number; otherwise the national trunk prefix (`0`, or `1`
 * in NANP) is replaced by `defaultCountry`'s calling code. A stray trunk prefix after a
 * known country code (`+61 (0)4...`, `+44 020...`) is removed. The result has 8-15 digits.
 *
 * @throws ValidationError `INVALID_PHONE`; `UNSUPPORTED_COUNTRY` for a `defaultCountry`
 * outside {@link PHONE_COUNTRIES}
 */
export function normalisePhone(s: string, { defaultCountry = 'AU' }: NormalisePhoneOptions = {}): string {
  const plan: NumberingPlan | undefined = Object.hasOwn(PLANS, defaultCountry) ? PLANS[defaultCountry] : undefined;
  if (plan === undefined) throw new ValidationError('The default country is not supported', 'UNSUPPORTED_COUNTRY');
  const text = s.trim();
  if (text.length > 40 || !PHONE_TEXT.test(text)) throw invalidPhone();
  const digits = text.replace(/[\s().+-]/g, '');
  const idd = text.startsWith('+')
    ? ''
    : [...plan.internationalPrefixes, '00'].find((prefix) => digits.startsWith(prefix));
  let e164: string;
  if (idd !== undefined) {
    e164 = international(digits.slice(idd.length));
  } else {
    e164 = plan.callingCode + nationalNumber(plan, digits);
  }
  if (!E164_DIGITS.test(e164)) throw invalidPhone();
  return `+${e164}`;
}

function international(digits: string): string {
  const plan = Object.values(PLANS).find((p) => digits.startsWith(p.callingCode));
  return plan === undefined ? digits : plan.callingCode + nationalNumber(plan, digits.slice(plan.callingCode.length));
}

function nationalNumber(plan: NumberingPlan, digits: string): string {
  const { trunkPrefix } = plan;
  const withoutTrunk =
    trunkPrefix !== undefined && digits.startsWith(trunkPrefix) ? digits.slice(trunkPrefix.length) : digits;
  if (!plan.national.test(withoutTrunk)) throw invalidPhone();
  return withoutTrunk;
}

const invalidPhone = () => new ValidationError('The phone number is not valid', 'INVALID_PHONE');
