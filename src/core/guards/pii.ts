import type { JsonValue } from '../types';
import type { GuardFinding } from './sanitize';

export type PiiKind = 'email' | 'card' | 'phone' | 'iban' | 'ssn' | 'jwt' | 'secret' | 'sensitive_key';

const marker = (kind: PiiKind) => `[redacted:${kind}]`;

// Each detector runs only when a cheap pre-check on the string passes: most values are short
// ids and words, and the pipeline's budget per event is about a microsecond.
const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)(?:\[(?:IPv6:)?[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{2,59}))/g;
const CARD = /(?<![\d.])\d(?:[ -]?\d){12,18}(?![\d.])/g;
const PHONE = /(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?(?:\(\d{1,4}\)|\d{1,4})){2,6}(?!\d)/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g;
const SSN = /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/g;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const SECRET =
  /\b(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|AKIA[0-9A-Z]{16}|xox[abposr]-[A-Za-z0-9-]{8,})\b|\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g;
const SECRET_HINT = /sk_|rk_|gh[pousr]_|github_pat_|AKIA|xox|Bearer/;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

function isCard(match: string): boolean {
  const digits = match.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  const first = digits.charCodeAt(0) - 48;
  return first >= 2 && first <= 6 && luhn(digits);
}

function isIban(match: string): boolean {
  const compact = match.replace(/ /g, '');
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

function isPhone(match: string): boolean {
  let digits = 0;
  for (let i = 0; i < match.length; i++) if (match.charCodeAt(i) >= 48 && match.charCodeAt(i) <= 57) digits++;
  return digits >= 8 && digits <= 15;
}

// Which detectors a string needs, from one pass over its characters: most values are short ids
// and words that need none, and those must cost no allocation.
const JWT_CHECK = 1;
const SECRET_CHECK = 2;
const EMAIL_CHECK = 4;
const CARD_CHECK = 8;
const PHONE_CHECK = 16;
const IBAN_CHECK = 32;
const SSN_CHECK = 64;

function checksFor(text: string): number {
  let digits = 0;
  let at = false;
  let plus = false;
  let dash = false;
  // A secret prefix has an underscore (sk_, ghp_, github_pat_) or starts AKIA, xox or Bearer.
  let secretHint = false;
  let percent = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 64) at = true;
    else if (c === 43) plus = true;
    else if (c === 45) dash = true;
    else if (c === 37) percent = true;
    else if (c === 95) secretHint = true;
    else if (c === 65 || c === 66 || c === 120) {
      const next = text.charCodeAt(i + 1);
      if ((c === 65 && next === 75) || (c === 66 && next === 101) || (c === 120 && next === 111)) secretHint = true;
    }
  }
  let checks = 0;
  if (text.length >= 16 && text.includes('eyJ')) checks |= JWT_CHECK;
  if (text.length >= 12 && secretHint && SECRET_HINT.test(text)) checks |= SECRET_CHECK;
  if (at || (percent && text.includes('%40'))) checks |= EMAIL_CHECK;
  if (digits >= 13) checks |= CARD_CHECK;
  if (plus && digits >= 8) checks |= PHONE_CHECK;
  if (digits >= 2 && text.length >= 15) checks |= IBAN_CHECK;
  if (digits >= 9 && dash) checks |= SSN_CHECK;
  return checks;
}

function runChecks(text: string, checks: number, kinds: PiiKind[]): string {
  let value = text;
  const apply = (check: number, pattern: RegExp, kind: PiiKind, accept?: (match: string) => boolean) => {
    if (!(checks & check)) return;
    let hit = false;
    value = value.replace(pattern, (match) => {
      if (accept && !accept(match)) return match;
      hit = true;
      return marker(kind);
    });
    if (hit) kinds.push(kind);
  };
  apply(JWT_CHECK, JWT, 'jwt');
  apply(SECRET_CHECK, SECRET, 'secret');
  apply(EMAIL_CHECK, EMAIL, 'email');
  apply(CARD_CHECK, CARD, 'card', isCard);
  apply(PHONE_CHECK, PHONE, 'phone', isPhone);
  apply(IBAN_CHECK, IBAN, 'iban', isIban);
  apply(SSN_CHECK, SSN, 'ssn');
  return value;
}

/** Whether any detector would look at this string (a cheap pre-check; false means clean). */
export function mayHoldPii(text: string): boolean {
  return checksFor(text) !== 0;
}

/** Replaces the personal data inside one string; returns the same string when there is none. */
export function redactString(text: string): { value: string; kinds: PiiKind[] } {
  const kinds: PiiKind[] = [];
  const checks = checksFor(text);
  return { value: checks ? runChecks(text, checks, kinds) : text, kinds };
}

// Keys are judged by their words (camelCase, snake_case, kebab-case, dots): a key is sensitive when
// its LAST word names contact data or a secret (`user_email`, `access_token`, `x-api-key`) or its
// last two words form a known compound (`email_address`, `phone_number`, `card_number`). So counts
// and flags that merely mention a word (`token_count`, `max_tokens`, `emailed`) pass.
const SENSITIVE_LAST_WORDS = new Set([
  'email', 'emails', 'phone', 'telephone', 'password', 'passwd', 'passcode', 'ssn', 'cvv', 'cvc', 'token', 'secret',
  'authorization', 'cookie', 'cookies', 'apikey', 'iban',
]);
const SENSITIVE_COMPOUNDS = new Set([
  'email address', 'e mail', 'phone number', 'mobile number', 'card number', 'credit card', 'api key', 'access key', 'private key',
  'secret key', 'password hash', 'social security', 'security number', 'account number', 'routing number', 'set cookie',
]);

const keyCache = new Map<string, boolean>();

export function isSensitiveKey(key: string): boolean {
  const cached = keyCache.get(key);
  if (cached !== undefined) return cached;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const last = words[words.length - 1] ?? '';
  const sensitive = SENSITIVE_LAST_WORDS.has(last) || (words.length >= 2 && SENSITIVE_COMPOUNDS.has(`${words[words.length - 2]} ${last}`));
  if (keyCache.size > 10_000) keyCache.clear(); // bounded: keys come from catalogs, but hostile input should not grow it
  keyCache.set(key, sensitive);
  return sensitive;
}

/**
 * Replaces personal data in a JSON-safe object. Keys in `allow` (at any depth) pass untouched.
 * Returns the same object when nothing was found. Only strings are scanned: a number cannot hold
 * an e-mail, and card-length numbers are not even exact in JavaScript.
 */
export function redactPii(value: Record<string, JsonValue>, allow: ReadonlySet<string>): { value: Record<string, JsonValue>; findings: GuardFinding[] } {
  const findings: GuardFinding[] = [];
  const out = redactObject(value, '', allow, findings);
  return { value: out, findings };
}

function redactObject(input: Record<string, JsonValue>, path: string, allow: ReadonlySet<string>, findings: GuardFinding[]): Record<string, JsonValue> {
  let out: Record<string, JsonValue> | undefined;
  for (const key in input) {
    if (allow.has(key)) continue;
    const original = input[key];
    const childPath = path === '' ? key : `${path}.${key}`;
    let next: JsonValue;
    if (original !== null && original !== '' && isSensitiveKey(key)) {
      next = marker('sensitive_key');
      findings.push({ path: childPath, kind: 'pii', detail: 'sensitive_key' });
    } else {
      next = redactValue(original, childPath, allow, findings);
    }
    if (next !== original) (out ??= { ...input })[key] = next;
  }
  return out ?? input;
}

function redactValue(value: JsonValue, path: string, allow: ReadonlySet<string>, findings: GuardFinding[]): JsonValue {
  if (typeof value === 'string') {
    if (value.length < 6) return value;
    const checks = checksFor(value);
    if (checks === 0) return value;
    const kinds: PiiKind[] = [];
    const redacted = runChecks(value, checks, kinds);
    for (const kind of kinds) findings.push({ path, kind: 'pii', detail: kind });
    return redacted;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: JsonValue[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = redactValue(value[i], `${path}.${i}`, allow, findings);
      if (next !== value[i]) (out ??= value.slice())[i] = next;
    }
    return out ?? value;
  }
  return redactObject(value, path, allow, findings);
}

/**
 * Redacts a URL's query values: under a sensitive key (`?token=…`) whole, and personal data in any
 * value (`?ref=jane%40example.com`). For what posthog-js records by itself ($current_url, $referrer).
 */
export function redactUrl(url: string): { value: string; kinds: PiiKind[] } {
  const kinds: PiiKind[] = [];
  const value = url.replace(/([?&#])([^=&#]+)=([^&#]*)/g, (whole, sep: string, key: string, raw: string) => {
    let name = key;
    try {
      name = decodeURIComponent(key);
    } catch {
      // keep the raw key
    }
    if (raw !== '' && isSensitiveKey(name)) {
      kinds.push('sensitive_key');
      return `${sep}${key}=${encodeURIComponent(marker('sensitive_key'))}`;
    }
    return whole;
  });
  const scanned = redactString(value);
  return { value: scanned.value, kinds: kinds.concat(scanned.kinds) };
}
