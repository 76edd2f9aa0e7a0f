const HEX_BYTE = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * UUIDv7 ids (RFC 9562, section 6.2, method 1): 48 bits of Unix milliseconds, the version, 12 random
 * bits, the variant, 30 random bits and a 32-bit counter seeded at random each millisecond.
 *
 * Why not `crypto.randomUUID()`: it costs more than the rest of an event's envelope, and a v7 id
 * sorts by time (PostHog's own SDKs send v7 for that reason). Within one millisecond only the counter
 * moves, so an id costs one string concatenation; ids from other processes differ in 42 random bits.
 */
export function createUuidV7(fillRandom: (bytes: Uint8Array) => unknown): (ms: number) => string {
  const pool = new Uint8Array(240);
  let used = pool.length;
  const randomByte = () => {
    if (used === pool.length) {
      fillRandom(pool);
      used = 0;
    }
    return pool[used++];
  };
  let lastMs = -1;
  let prefix = '';
  let counter = 0;
  // The id but its last two hex digits, remade when the counter's low byte wraps: most ids then
  // cost one concatenation and no number formatting.
  let upTo30 = '';
  const remakeUpTo30 = () => {
    upTo30 = prefix + (counter >>> 8).toString(16).padStart(6, '0');
  };

  const startMillisecond = (ms: number) => {
    lastMs = ms;
    const time = ms.toString(16).padStart(12, '0');
    const randA = (((randomByte() & 0x0f) << 8) | randomByte()).toString(16).padStart(3, '0');
    const variant = ((0x80 | (randomByte() & 0x3f)) * 256 + randomByte()).toString(16);
    const randB = ((randomByte() << 8) | randomByte()).toString(16).padStart(4, '0');
    prefix = `${time.slice(0, 8)}-${time.slice(8)}-7${randA}-${variant}-${randB}`;
    // Below 2^31, so at least 2^31 ids fit in the millisecond before the counter could wrap.
    counter = ((randomByte() & 0x7f) << 24) | (randomByte() << 16) | (randomByte() << 8) | randomByte();
    remakeUpTo30();
  };

  return (now) => {
    const ms = Math.floor(now);
    // A clock that steps back keeps the last millisecond, so ids stay in order.
    if (ms > lastMs || !(ms >= 0)) startMillisecond(ms >= 0 ? ms : lastMs + 1);
    else if (counter >= 0xffffffff) startMillisecond(lastMs + 1);
    else if ((++counter & 0xff) === 0) remakeUpTo30();
    return upTo30 + HEX_BYTE[counter & 0xff];
  };
}
