// compileJsonSchema's string formats (our own checks, written from the RFCs) against ajv-formats' "full"
// mode, the reference: hand-picked examples each way, a leap-second grid, and fuzzed near-misses.
import { fullFormats } from 'ajv-formats/dist/formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileJsonSchema } from '../../src/core/json-schema';

type FormatName = 'date' | 'time' | 'date-time' | 'email' | 'hostname' | 'ipv4' | 'ipv6' | 'uri' | 'uuid';

function ajvAccepts(format: FormatName, text: string): boolean {
  const definition = fullFormats[format] as RegExp | ((text: string) => boolean) | { validate: RegExp | ((text: string) => boolean) };
  const validate = typeof definition === 'object' && 'validate' in definition ? definition.validate : definition;
  return validate instanceof RegExp ? validate.test(text) : validate(text);
}

const validators = new Map<FormatName, ReturnType<typeof compileJsonSchema>>();
function trackplanAccepts(format: FormatName, text: string): boolean {
  if (!validators.has(format)) validators.set(format, compileJsonSchema({ type: 'object', properties: { value: { type: 'string', format } }, additionalProperties: false }));
  return validators.get(format)!({ value: text }).ok;
}

/** Per format: what the RFC (and Ajv) accepts, and what it rejects. */
const EXAMPLES: Record<FormatName, { valid: string[]; invalid: string[] }> = {
  date: {
    valid: ['2024-02-29', '2000-02-29', '2026-12-31', '0000-01-01', '2026-04-30'],
    invalid: ['2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-1-01', '26-01-01', '2026/01/01', '2026-01-01 ', '2026-01-01\n', '２０２６-01-01', ''],
  },
  time: {
    valid: ['10:00:00Z', '10:00:00z', '10:00:00.123+01:00', '10:00:00-0130', '10:00:00+01', '23:59:60Z', '23:59:60.5Z', '00:59:60+01:00', '22:59:60-01:00', '00:00:60+00:01', '23:59:59.999999Z'],
    invalid: ['10:00:00', '10:00', '24:00:00Z', '23:60:00Z', '10:00:60Z', '23:59:61Z', '23:59:60+01:00', '10:00:00+24:00', '10:00:00+01:60', '10:00:00+01:', '10:00:00+1', '10:00:00.Z', '1:00:00Z', '10:00:00ZZ', '10:00:59.99999999999999999Z' /* rounds to second 60 */, ''],
  },
  'date-time': {
    valid: ['2026-11-22T10:00:00Z', '2026-11-22t10:00:00.5+02:00', '2026-11-22 10:00:00Z', '2026-11-22\u00a010:00:00Z', '2026-11-22\u202810:00:00Z', '2016-12-31T23:59:60Z', '2024-02-29T00:00:00-23:59'],
    invalid: ['2026-11-22T10:00:00', '2026-11-22', '2026-02-30T10:00:00Z', '2026-11-22TT10:00:00Z', '2026-11-22_10:00:00Z', '2026-11-22T25:00:00Z', '2026-11-22T10:00:00Z ', ''],
  },
  email: {
    valid: ['ada@example.com', 'a.b+tag@sub.example.co', "!#$%&'*+/=?^_`{|}~-@x.io", 'A@B.CO', '1@2.3', 'a@a-b.c'],
    invalid: ['a@b', 'a@@b.co', '.a@b.co', 'a.@b.co', 'a..b@c.co', 'a@-b.co', 'a@b-.co', 'a@b..co', 'a@b.co.', 'a b@c.co', '"a"@b.co', 'é@b.co', 'a@[127.0.0.1]', '@b.co', ''],
  },
  hostname: {
    valid: ['example.com', 'a', 'example.com.', 'xn--bcher-kva.example', '127.0.0.1', `${'a'.repeat(63)}.com`, `${'a.'.repeat(126)}a`, `${'a.'.repeat(127)}`],
    invalid: ['', '.', '-bad-', 'a-.com', '-a.com', 'a..b', 'a_b.com', `${'a'.repeat(64)}.com`, `${'a.'.repeat(127)}a`, 'exa mple.com', 'bücher.example', 'a.com..', 'a.com\n'],
  },
  ipv4: {
    valid: ['0.0.0.0', '127.0.0.1', '255.255.255.255', '10.0.0.1'],
    invalid: ['256.1.1.1', '01.1.1.1', '1.1.1', '1.1.1.1.1', '1.1.1.', '1..1.1', '+1.1.1.1', '1.1.1.1 ', '1.1.1.1\n', '١.1.1.1', ''],
  },
  ipv6: {
    valid: ['::', '::1', '1::', '2001:db8::1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', 'FFFF::abcd', '::ffff:192.0.2.1', '1:2:3:4:5:6:1.2.3.4', '1::1.2.3.4', '0000:0:0:0:0:0:0:0'],
    invalid: [':', ':::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2:3:4:5:6:7:8', '1::2::3', ':1::', '1:2:3:4:5:6:7:8::', '12345::', 'g::', '::1.2.3', '::01.2.3.4', '::256.1.1.1', '1:2:3:4:5:6:7:1.2.3.4', '1.2.3.4', '1.2.3.4::', 'fe80::1%eth0', '[::1]', ''],
  },
  uri: {
    valid: ['https://example.com/a?b=c', 'mailto:a@b.co', 'urn:isbn:0451450523', 'http://[::1]:8080/', 'http://[v1.fe]/', 'http://u:p@host:/x', 'a:/', 'a://', 'a:/[::1]', 'file:///etc/hosts', 'http://h/%41?q=/?#f/?', 'http://1.2.3.999/', 'a+b-c.d:x', 'http://:80', 'http://',
      // Ajv reads "//" as a single "/" and a path too, so these pass as paths: "/h:8a/", "/a@b@c/".
      'http://h:8a/', 'http://a@b@c/'],
    invalid: ['example.com', '/relative', '1a:b', ':x', 'a:', 'a:?q', 'http:// x', 'http://h/%4', 'http://h/%zz', 'http://[::1', 'http://[1::2::3]/', 'http://[::1]:8a/', 'http://a@[::1]@c/', 'http://h/#a#b', 'http://h/a b', 'http://h/é', 'a:/[::1]x', 'http://[v.x]/', ''],
  },
  uuid: {
    valid: ['01937a6e-0000-7000-8000-000000000001', 'urn:uuid:01937A6E-0000-7000-8000-000000000001', 'URN:UUID:00000000-0000-0000-0000-000000000000'],
    invalid: ['01937a6e00007000800000000000001', '01937a6e-0000-7000-8000-00000000001', '01937a6g-0000-7000-8000-000000000001', '{01937a6e-0000-7000-8000-000000000001}', 'urn:uuid:', 'uuid:01937a6e-0000-7000-8000-000000000001', ''],
  },
};

const NAMES = Object.keys(EXAMPLES) as FormatName[];

describe('string formats agree with ajv-formats (full mode)', () => {
  for (const format of NAMES) {
    it(`${format}: accepts the valid examples and rejects the invalid ones, as Ajv does`, () => {
      const { valid, invalid } = EXAMPLES[format];
      for (const text of valid) {
        expect(ajvAccepts(format, text), `Ajv on ${JSON.stringify(text)}`).toBe(true);
        expect(trackplanAccepts(format, text), `trackplan on ${JSON.stringify(text)}`).toBe(true);
      }
      for (const text of invalid) {
        expect(ajvAccepts(format, text), `Ajv on ${JSON.stringify(text)}`).toBe(false);
        expect(trackplanAccepts(format, text), `trackplan on ${JSON.stringify(text)}`).toBe(false);
      }
    });
  }

  it('time: leap seconds and out-of-range fields across zones agree with Ajv', () => {
    const wrong: string[] = [];
    let accepted = 0;
    for (const hour of ['00', '01', '22', '23', '24', '47', '99'])
      for (const minute of ['00', '01', '58', '59', '60', '99'])
        for (const second of ['59', '60', '60.5', '61'])
          for (const zone of ['Z', '+00:01', '-00:01', '+01:00', '-01:00', '+23:59', '-23:59', '+00:20', '-00:20', '+0100', '-01', '+24:00']) {
            const text = `${hour}:${minute}:${second}${zone}`;
            const expected = ajvAccepts('time', text);
            if (expected) accepted++;
            if (trackplanAccepts('time', text) !== expected) wrong.push(`${expected ? 'Ajv accepts' : 'Ajv rejects'} ${text}`);
          }
    expect(wrong).toEqual([]);
    expect(accepted).toBeGreaterThan(100); // the grid exercises both verdicts
  });

  // Near-misses: each valid example with a few characters inserted, replaced or removed, from an
  // alphabet of the characters these grammars care about (and a few they must refuse).
  const ALPHABET = [...'0123456789afvxzAFTZ:-.+/@[]%?#_~!$&\'()*,;= "<>\\^`{|}', '\t', '\u00a0', 'é', '١'];
  const edit = fc.tuple(fc.constantFrom('insert', 'replace', 'remove'), fc.nat(), fc.constantFrom(...ALPHABET));

  for (const format of NAMES) {
    it(`${format}: fuzzed near-misses get the same verdict as Ajv`, () => {
      const seeds = [...EXAMPLES[format].valid, ...EXAMPLES[format].invalid.slice(0, 6)];
      fc.assert(
        fc.property(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 3 }), (seed, edits) => {
          let text = seed;
          for (const [kind, at, char] of edits) {
            const i = text.length ? at % (text.length + 1) : 0;
            text = kind === 'insert' ? text.slice(0, i) + char + text.slice(i) : kind === 'replace' ? text.slice(0, i) + char + text.slice(i + 1) : text.slice(0, i) + text.slice(i + 1);
          }
          expect(trackplanAccepts(format, text), `${format} ${JSON.stringify(text)}`).toBe(ajvAccepts(format, text));
        }),
        { numRuns: 4000, seed: 20260 },
      );
    });
  }
});
