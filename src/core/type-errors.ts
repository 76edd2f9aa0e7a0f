/**
 * Compile-time messages, types only (nothing here exists at run time). A parameter whose type
 * becomes one of these strings when the argument is wrong makes tsc print the message itself,
 * in the style of tRPC's `TypeError<'…'>`: `Argument of type '"order.payed"' is not assignable to
 * parameter of type '"Unknown event 'order.payed'. Did you mean: 'order.paid'? …"'`.
 * Everything here is evaluated only for a wrong argument, so correct calls cost the checker nothing.
 */

/** A type error that reads as English where the wrong argument is. */
export type TypeError<Message extends string> = { readonly '~trackplan_type_error': Message };

/** How many names a message lists at most; past that it lists the closest ones. */
type MaxListed = 10;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type LastOf<U> = UnionToIntersection<U extends unknown ? () => U : never> extends () => infer L ? L : never;

/** Up to `Max` members of a union, as a tuple (stops early, so a huge union costs little). */
type Take<U, Max extends number, Acc extends string[] = []> = [U] extends [never]
  ? Acc
  : Acc['length'] extends Max
    ? Acc
    : Take<Exclude<U, LastOf<U>>, Max, [LastOf<U> & string, ...Acc]>;

type Quoted<T extends string[]> = T extends [infer H extends string, ...infer R extends string[]]
  ? R extends [] ? `'${H}'` : `'${H}', ${Quoted<R>}`
  : '';

/** The part of a name before its first `.`, `_`, `-`, `:`, `/` or space, lowercased: `order` for `Order.Payed`. */
type Stem<N extends string> = SplitAt<SplitAt<SplitAt<SplitAt<SplitAt<SplitAt<Lowercase<N>, '.'>, '_'>, '-'>, ':'>, '/'>, ' '>;
type SplitAt<N extends string, Sep extends string> = N extends `${infer Head}${Sep}${string}` ? Head : N;

/** Names that look like `N`: the same stem, or one a prefix of the other (case aside). */
type SameStem<Names extends string, N extends string> = Names extends unknown
  ? Stem<Names> extends Stem<N>
    ? Names
    : Lowercase<Names> extends `${Lowercase<N>}${string}`
      ? Names
      : Lowercase<N> extends `${Lowercase<Names>}${string}`
        ? Names
        : never
  : never;
type SameInitial<Names extends string, N extends string> = Names extends unknown
  ? Lowercase<Names> extends `${FirstChar<Lowercase<N>>}${string}` ? Names : never
  : never;
type FirstChar<S extends string> = S extends `${infer C}${string}` ? C : S;

type SameButCase<Names extends string, N extends string> = Names extends unknown ? (Lowercase<Names> extends Lowercase<N> ? Names : never) : never;

/** The names closest to `N`: the same but for case, else the same stem, else the same first letter, else any. */
type Closest<Names extends string, N extends string> = [SameButCase<Names, N>] extends [never]
  ? [SameStem<Names, N>] extends [never]
    ? [SameInitial<Names, N>] extends [never] ? Names : SameInitial<Names, N>
    : SameStem<Names, N>
  : SameButCase<Names, N>;

/** `Valid events: 'a', 'b'.`, or the closest ones when there are more than `MaxListed`. */
type Listing<Kind extends string, Names extends string, N extends string> = Take<Names, 11> extends infer All extends string[]
  ? All['length'] extends 11
    ? Take<Closest<Names, N>, 11> extends infer Near extends string[]
      ? Near['length'] extends 11
        ? `Closest valid ${Kind}s: ${Quoted<Take<Closest<Names, N>, MaxListed>>}, …`
        : `Closest valid ${Kind}s: ${Quoted<Near>}.`
      : never
    : `Valid ${Kind}s: ${Quoted<All>}.`
  : never;

/** What a wrong name argument reads as: `Unknown event 'x'. Valid events: 'a', 'b'.` */
export type UnknownName<Kind extends string, Names extends string, N extends string> = [Names] extends [never]
  ? `Unknown ${Kind} '${N}': the catalog declares no ${Kind}s.`
  : `Unknown ${Kind} '${N}'. ${Listing<Kind, Names, N>}`;

/**
 * What a name parameter adds to `N`: nothing when `N` is one of `Names`, else the message
 * (`'x' & { '~trackplan_type_error': "Unknown event 'x'. Valid events: …" }`), so tsc prints it. Callers declare
 * `<const N extends Names | (string & {})>(name: N & NameCheck<…, N>)`, which keeps the editor's
 * completion of the names. An indexed access rather than a conditional type: a caller's own
 * generic `N extends Names` (a wrapper around `track`) still passes, as TypeScript checks it
 * against every declared name, and `Parameters<typeof track>` still resolves.
 */
export type NameCheck<Kind extends string, Names extends string, N extends string> = ({ [K in Names]: unknown } & {
  // An inline object, not `TypeError<…>`: its member (the message) is then computed only when a
  // wrong name is checked against it, so correct calls cost the checker no more than before.
  [name: string]: { readonly '~trackplan_type_error': UnknownName<Kind, Names, N> };
})[N];
