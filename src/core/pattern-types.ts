import type { AnyEventOf, BusEvent, EventMap, EventOf, KindOf, SystemOf } from './event'
import type { RequestKindOf, RequestProtocolKind } from './requests'

// The pattern language of src/core/pattern.ts, evaluated by the type checker, so that
// `subscribe`, `history` and the React and Vue adapters are as strict as `send`: a pattern or
// kind that can match nothing of the event map is a type error, and a glob narrows the events.
//
// What is analysed: literal names, `*` (one whole segment, or any run of characters inside one),
// `?` (one character), `**` (any number of whole segments, none included) and `{a,b}` alternatives,
// nested or inside a segment. Character classes (`[a-z]`, `[!a]`) are not: a pattern with one is
// assumed to match every name, so it compiles and gives every event (the runtime refuses `(`, `)`
// and a `!` outside a class, so those never get that far).
//
// Kinds are `.`-separated names too, so kind filters go through the same matcher.

/** A pattern the type checker cannot analyse: it stands for every name. */
type Unanalysed = `${string}${'[' | ']' | '(' | ')' | '!'}${string}`

/** A string with a glob character (see GLOB_CHARS in src/core/validate.ts); else it names one exact name. */
export type IsGlob<P extends string> = P extends `${string}${'*' | '?' | '[' | ']' | '{' | '}' | '(' | ')' | '!'}${string}` ? true : false

// ---- Brace expansion: `{orders,users}.*` is `orders.*` | `users.*`.

/** Splits on every `,`, as a union. */
type Alternatives<S extends string> = S extends `${infer Head},${infer Rest}` ? Head | Alternatives<Rest> : S

/** `[before, after]` the last `{` of `S`. */
type SplitAtLastOpen<S extends string, Before extends string = ''> = S extends `${infer Head}{${infer Rest}`
  ? Rest extends `${string}{${string}`
    ? SplitAtLastOpen<Rest, `${Before}${Head}{`>
    : [`${Before}${Head}`, Rest]
  : never

/**
 * The brace-free patterns a pattern stands for. The group closed by the first `}` is the
 * innermost one, so expanding it first handles nesting (`{a,b{c,d}}`) without a parser.
 * A group without `,` is one alternative, as at run time: `{orders}` is `orders`.
 */
export type ExpandBraces<P extends string> = P extends `${infer UpToClose}}${infer After}`
  ? SplitAtLastOpen<UpToClose> extends [infer Before extends string, infer Body extends string]
    ? ExpandBraces<`${Before}${Alternatives<Body>}${After}`>
    : P // a `}` without `{`: the runtime refuses it as malformed
  : P

// ---- Matching one brace-free pattern against one name.

type Segments<S extends string> = S extends `${infer Head}.${infer Rest}` ? [Head, ...Segments<Rest>] : [S]

/**
 * `*` is any run of characters (none included), `?` one character, anything else itself.
 * (`${string}` followed by another placeholder takes exactly one character.)
 */
type SegmentMatches<P extends string, N extends string> = P extends `*${infer PRest}`
  ? SegmentMatches<PRest, N> extends true
    ? true
    : N extends `${string}${infer NRest}` ? SegmentMatches<P, NRest> : false
  : P extends `?${infer PRest}`
    ? N extends `${string}${infer NRest}` ? SegmentMatches<PRest, NRest> : false
    : P extends `${infer PChar}${infer PRest}`
      ? N extends `${PChar}${infer NRest}` ? SegmentMatches<PRest, NRest> : false
      : N extends '' ? true : false

/** The same rule as `gapped` in src/core/pattern.ts: `**` takes zero or more whole segments. */
type SegmentsMatch<P extends string[], N extends string[]> = P extends [infer First extends string, ...infer Rest extends string[]]
  ? First extends '**'
    ? SegmentsMatch<Rest, N> extends true
      ? true
      : N extends [string, ...infer NRest extends string[]] ? SegmentsMatch<P, NRest> : false
    : N extends [infer Name extends string, ...infer NRest extends string[]]
      ? SegmentMatches<First, Name> extends true ? SegmentsMatch<Rest, NRest> : false
      : false
  : N extends [] ? true : false

/** Whether the glob `P` matches the name `N`; for a union `P`, `boolean` when only some members do. */
export type GlobMatches<P extends string, N extends string> = P extends Unanalysed
  ? true
  : {} extends Record<P, true>
    ? true // `string` or a template such as `orders.${string}`: known only at run time
    : true extends (ExpandBraces<P> extends infer One extends string ? SegmentsMatch<Segments<One>, Segments<N>> : never)
      ? true
      : false

/** The names among `Names` that `P` (or any member of a union `P`) matches; a plain `string` matches all. */
export type NamesMatching<Names extends string, P extends string> = string extends P
  ? Names
  : Names extends unknown
    ? true extends GlobMatches<P, Names> ? Names : never
    : never

// ---- Applied to an event map.

/** A map whose systems are any string (`AnyEventMap`, `createBus()` without a map). */
type IsUntyped<E extends EventMap> = string extends SystemOf<E> ? true : false

/**
 * The systems of `E` that the system pattern `P` can match: `'orders.*'` gives `orders.<one
 * segment>`, `'orders.**'` gives `orders` and its whole subtree, `'{a,b}'` gives `a | b`.
 */
export type SystemsMatching<E extends EventMap, P extends string> = NamesMatching<SystemOf<E>, P>

/** Every kind of the systems `S`. */
export type KindsOf<E extends EventMap, S extends SystemOf<E>> = S extends unknown ? KindOf<E, S> : never

/** The kinds of the systems `S` that the kind filter `K` can match; all of them without a filter. */
export type KindsMatching<E extends EventMap, S extends SystemOf<E>, K extends string | undefined> = K extends string
  ? NamesMatching<KindsOf<E, S>, K>
  : KindsOf<E, S>

/**
 * The events `subscribe(P, K)` and `history(P, K)` deliver: one union member per system and
 * kind, discriminated by `system` and `kind`. On an untyped map an exact name stays literal
 * (`subscribe('orders')` gives events whose `system` is `'orders'`), a glob gives `string`.
 */
export type EventsMatching<E extends EventMap, P extends string, K extends string | undefined = undefined> =
  IsUntyped<E> extends true
    ? BusEvent<unknown, ExactOr<P>, K extends string ? ExactOr<K> : string>
    : SystemsMatching<E, P> extends infer S extends SystemOf<E>
      ? S extends unknown
        ? string extends KindOf<E, S>
          ? EventOf<E, S> // a system typed with any kind: a kind filter narrows nothing
          : EventOf<E, S, KindsMatching<E, S, K> & KindOf<E, S>> | ProtocolEventsMatching<E, S, K>
        : never
      : AnyEventOf<E>

/**
 * The request/reply protocol events of system `S` that the kind filter `K` matches: a system with
 * `WithReply` kinds carries their claims, grants, replies and cancels too, with data of their own.
 */
type ProtocolEventsMatching<E extends EventMap, S extends SystemOf<E>, K extends string | undefined> =
  (K extends string ? NamesMatching<RequestProtocolKind<RequestKindOf<E, S>>, K> : RequestProtocolKind<RequestKindOf<E, S>>) extends infer P extends string
    ? P extends unknown ? BusEvent<unknown, S, P> : never
    : never

type ExactOr<P extends string> = IsGlob<P> extends true ? string : P

// ---- Parameter types. Each is `P` itself when `P` is fine; otherwise it is the union of what
// would be, so the compiler's message lists the names to choose from, e.g.
// `Argument of type '"item.addd"' is not assignable to parameter of type '"item.added" | "item.removed"'`.
// `Names & {}` is the same union, but without the alias it was built by, so that messages print
// the names rather than `KindOf<Shop, "cart">` (an alias of its own would be printed instead).

/** A system pattern that matches at least one system of `E` (checked per member of a union). */
export type SystemPatternArg<E extends EventMap, P extends string> = IsUntyped<E> extends true
  ? P
  : P extends unknown
    ? [SystemsMatching<E, P>] extends [never] ? (SystemOf<E> & {}) : P
    : never

/**
 * A kind (or kind glob) that matches at least one kind of the systems `P` matches; `undefined`
 * (no kind filter) always is.
 */
export type KindArg<E extends EventMap, P extends string, K extends string | undefined> = IsUntyped<E> extends true
  ? K
  : K extends string
    ? string extends KindsOf<E, SystemsMatching<E, P>>
      ? K
      : [NamesMatching<KindsOf<E, SystemsMatching<E, P>>, K>] extends [never]
        ? KindsOf<E, SystemsMatching<E, P>> & {}
        : K
    : K
