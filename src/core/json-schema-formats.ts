// The string formats compileJsonSchema checks. Each check reads its RFC's grammar piece by piece and
// accepts what Ajv with ajv-formats ("full" mode) accepts, so a generated client agrees with Ajv
// (test/import-model/json-schema-formats.test.ts compares them). Characters are ASCII only, letters in
// either case.

type CharTest = (char: string) => boolean;

const isDigit: CharTest = (char) => char >= '0' && char <= '9';
const isLetter: CharTest = (char) => (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z');
const isAlphanumeric: CharTest = (char) => isDigit(char) || isLetter(char);
const isHexDigit: CharTest = (char) => isDigit(char) || (char >= 'a' && char <= 'f') || (char >= 'A' && char <= 'F');

/** Every character of `text` passes `test` (an empty text passes). */
function every(text: string, test: CharTest): boolean {
  for (const char of text) if (!test(char)) return false;
  return true;
}

const isDigits = (text: string, length: number) => text.length === length && every(text, isDigit);

// ---- RFC 3339 date and time -----------------------------------------------------------------------

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/** full-date: YYYY-MM-DD, a day that exists in that month (29 February only in leap years). */
function date(text: string): boolean {
  if (text.length !== 10 || text[4] !== '-' || text[7] !== '-') return false;
  const [yearText, monthText, dayText] = [text.slice(0, 4), text.slice(5, 7), text.slice(8)];
  if (!isDigits(yearText, 4) || !isDigits(monthText, 2) || !isDigits(dayText, 2)) return false;
  const [year, month, day] = [Number(yearText), Number(monthText), Number(dayText)];
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]);
}

/** The zone of a full-time: "Z", or a sign, two hour digits and optionally two minute digits (with or without ":"). */
function zoneOffset(text: string): { sign: number; hour: number; minute: number } | undefined {
  if (text === 'Z' || text === 'z') return { sign: 1, hour: 0, minute: 0 };
  if (text[0] !== '+' && text[0] !== '-') return undefined;
  const sign = text[0] === '-' ? -1 : 1;
  const hourText = text.slice(1, 3);
  const minuteText = text[3] === ':' ? text.slice(4) : text.slice(3);
  if (!isDigits(hourText, 2) || (text.length > 3 && !isDigits(minuteText, 2))) return undefined;
  const offset = { sign, hour: Number(hourText), minute: minuteText ? Number(minuteText) : 0 };
  return offset.hour <= 23 && offset.minute <= 59 ? offset : undefined;
}

/** full-time: HH:MM:SS[.fraction] and a zone. Second 60 (a leap second) only in the last minute of a UTC day. */
function time(text: string): boolean {
  if (text[2] !== ':' || text[5] !== ':') return false;
  const [hourText, minuteText] = [text.slice(0, 2), text.slice(3, 5)];
  // Seconds run to the zone: two digits, then optionally "." and one or more digits.
  let zoneStart = 8;
  if (text[8] === '.') {
    zoneStart = 9;
    while (zoneStart < text.length && isDigit(text[zoneStart])) zoneStart++;
    if (zoneStart === 9) return false;
  }
  const secondText = text.slice(6, zoneStart);
  if (!isDigits(hourText, 2) || !isDigits(minuteText, 2) || !isDigits(secondText.slice(0, 2), 2)) return false;
  const zone = zoneOffset(text.slice(zoneStart));
  if (!zone) return false;
  const [hour, minute, second] = [Number(hourText), Number(minuteText), Number(secondText)];
  if (hour <= 23 && minute <= 59 && second < 60) return true;
  // Leap second: moved to UTC the wall clock must read 23:59 (of this day, or hour -1: of the day before).
  // The minutes move first and borrow at most one hour, as Ajv computes it.
  let utcMinute = minute - zone.sign * zone.minute;
  let utcHour = hour - zone.sign * zone.hour;
  if (utcMinute < 0) {
    utcMinute += 60;
    utcHour -= 1;
  }
  return utcMinute === 59 && (utcHour === 23 || utcHour === -1) && second < 61;
}

/** date-time: full-date, one separator ("T", "t" or white space, as Ajv allows), full-time. */
function dateTime(text: string): boolean {
  const separator = text.charAt(10);
  return (separator === 'T' || separator === 't' || /^\s$/.test(separator)) && date(text.slice(0, 10)) && time(text.slice(11));
}

// ---- Host names and IP addresses ------------------------------------------------------------------

/** An RFC 1123 label: letters, digits and inner hyphens, starting and ending with a letter or digit. */
function isLabel(label: string, maxLength: number): boolean {
  return (
    label.length >= 1 &&
    label.length <= maxLength &&
    isAlphanumeric(label[0]) &&
    isAlphanumeric(label[label.length - 1]) &&
    every(label, (char) => isAlphanumeric(char) || char === '-')
  );
}

/** RFC 1123 host name: labels of 1 to 63 characters, 253 at most in all, one trailing dot allowed. */
function hostname(text: string): boolean {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  return name.length <= 253 && name.split('.').every((label) => isLabel(label, 63));
}

/** A decimal octet of a dotted quad, 0 to 255; `leadingZeros` allows "010" (as RFC 3986 hosts do in Ajv). */
function isOctet(text: string, leadingZeros: boolean): boolean {
  if (text.length < 1 || text.length > 3 || !every(text, isDigit)) return false;
  if (!leadingZeros && text.length > 1 && text[0] === '0') return false;
  return Number(text) <= 255;
}

const isDottedQuad = (text: string, leadingZeros = false) => {
  const octets = text.split('.');
  return octets.length === 4 && octets.every((octet) => isOctet(octet, leadingZeros));
};

/**
 * RFC 4291 IPv6 text form: eight groups of 1 to 4 hex digits, or fewer around one "::" that stands for
 * at least one zero group; the last two groups may be written as a dotted quad.
 */
function isIpv6(text: string, leadingZerosInQuad = false): boolean {
  let groups = text;
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    if (lastColon < 0 || !isDottedQuad(last, leadingZerosInQuad)) return false;
    groups = `${text.slice(0, lastColon + 1)}0:0`; // the quad counts as two groups
  }
  const halves = groups.split('::');
  if (halves.length > 2) return false;
  const pieces = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (!pieces.every((group) => group.length >= 1 && group.length <= 4 && every(group, isHexDigit))) return false;
  return halves.length === 2 ? pieces.length <= 7 : pieces.length === 8;
}

// ---- RFC 5322 addr-spec (dot-atom form) ------------------------------------------------------------

const ATOM_SYMBOLS = "!#$%&'*+/=?^_`{|}~-";
const isAtomChar: CharTest = (char) => isAlphanumeric(char) || ATOM_SYMBOLS.includes(char);

/** local@domain: a dot-atom local part, and a domain of two or more labels (no length limit, as Ajv). */
function email(text: string): boolean {
  const at = text.indexOf('@');
  if (at < 0) return false;
  const [local, domain] = [text.slice(0, at), text.slice(at + 1)];
  const labels = domain.split('.');
  return (
    local.split('.').every((atom) => atom.length > 0 && every(atom, isAtomChar)) &&
    labels.length >= 2 &&
    labels.every((label) => isLabel(label, Infinity))
  );
}

// ---- RFC 3986 URI (absolute: scheme ":" hier-part [ "?" query ] [ "#" fragment ]) -------------------

const isUnreserved: CharTest = (char) => isAlphanumeric(char) || '-._~'.includes(char);
const isSubDelim: CharTest = (char) => "!$&'()*+,;=".includes(char);
const isRegNameChar: CharTest = (char) => isUnreserved(char) || isSubDelim(char);
const isUserInfoChar: CharTest = (char) => isRegNameChar(char) || char === ':';
const isPathChar: CharTest = (char) => isUserInfoChar(char) || char === '@';
const isQueryChar: CharTest = (char) => isPathChar(char) || char === '/' || char === '?';

/** Every character passes `test` or is part of a percent-encoded octet ("%" and two hex digits). */
function everyEncoded(text: string, test: CharTest): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%') {
      if (!isHexDigit(text.charAt(i + 1)) || !isHexDigit(text.charAt(i + 2))) return false;
      i += 2;
    } else if (!test(text[i])) return false;
  }
  return true;
}

/** Path characters with "/" between segments. */
const isPath = (text: string) => text.split('/').every((segment) => everyEncoded(segment, isPathChar));

/** IP-literal inside brackets: an IPv6 address or "v" version "." address (IPvFuture). */
function isIpLiteral(text: string): boolean {
  if (text[0] === 'v' || text[0] === 'V') {
    const dot = text.indexOf('.');
    const [version, address] = [text.slice(1, dot), text.slice(dot + 1)];
    return dot > 1 && every(version, isHexDigit) && address.length > 0 && every(address, isUserInfoChar);
  }
  return isIpv6(text, true);
}

/** authority: [ userinfo "@" ] host [ ":" port ], host a bracketed IP-literal or a reg-name (maybe empty). */
function isAuthority(text: string): boolean {
  const at = text.indexOf('@');
  if (at >= 0 && !everyEncoded(text.slice(0, at), isUserInfoChar)) return false;
  const hostAndPort = text.slice(at + 1);
  let portStart: number;
  if (hostAndPort.startsWith('[')) {
    const close = hostAndPort.indexOf(']');
    if (close < 0 || !isIpLiteral(hostAndPort.slice(1, close))) return false;
    portStart = close + 1;
  } else {
    // A reg-name covers dotted IPv4 hosts too.
    portStart = hostAndPort.includes(':') ? hostAndPort.indexOf(':') : hostAndPort.length;
    if (!everyEncoded(hostAndPort.slice(0, portStart), isRegNameChar)) return false;
  }
  const port = hostAndPort.slice(portStart);
  return port === '' || (port[0] === ':' && every(port.slice(1), isDigit));
}

/** An authority (up to the first "/") followed by a path that is empty or starts with "/". */
function isAuthorityAndPath(text: string): boolean {
  const slash = text.includes('/') ? text.indexOf('/') : text.length;
  return isAuthority(text.slice(0, slash)) && isPath(text.slice(slash));
}

/**
 * hier-part: "//" authority path, an absolute path ("/" and a first segment that is not empty), or a
 * rootless path (not empty). Like Ajv, a single "/" may also introduce an authority ("a:/[::1]").
 */
function isHierPart(text: string): boolean {
  if (!text.startsWith('/')) return text !== '' && isPath(text);
  if (text.startsWith('//') && isAuthorityAndPath(text.slice(2))) return true;
  return isAuthorityAndPath(text.slice(1)) || (!text.startsWith('//') && isPath(text.slice(1)));
}

function uri(text: string): boolean {
  const colon = text.indexOf(':');
  const scheme = text.slice(0, colon);
  if (colon < 1 || !isLetter(scheme[0]) || !every(scheme, (char) => isAlphanumeric(char) || '+-.'.includes(char))) return false;
  // Neither the hier-part nor the query holds "#"; the hier-part holds no "?".
  let rest = text.slice(colon + 1);
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    if (!everyEncoded(rest.slice(hash + 1), isQueryChar)) return false;
    rest = rest.slice(0, hash);
  }
  const question = rest.indexOf('?');
  if (question >= 0) {
    if (!everyEncoded(rest.slice(question + 1), isQueryChar)) return false;
    rest = rest.slice(0, question);
  }
  return isHierPart(rest);
}

// ---- RFC 4122 UUID ----------------------------------------------------------------------------------

/** 8-4-4-4-12 hex digits, optionally as a "urn:uuid:" URN; any version and variant. */
function uuid(text: string): boolean {
  const hex = text.slice(0, 9).toLowerCase() === 'urn:uuid:' ? text.slice(9) : text;
  const groups = hex.split('-');
  const lengths = [8, 4, 4, 4, 12];
  return groups.length === 5 && groups.every((group, i) => group.length === lengths[i] && every(group, isHexDigit));
}

/** The formats checked, by name. Any other `format` is refused when the schema is compiled. */
export const FORMATS: Readonly<Record<string, (text: string) => boolean>> = {
  date,
  time,
  'date-time': dateTime,
  email,
  hostname,
  ipv4: (text) => isDottedQuad(text),
  ipv6: (text) => isIpv6(text),
  uri,
  uuid,
};
