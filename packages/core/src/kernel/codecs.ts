/**
 * Tight io-ts codecs for the values every context shares: timestamps, dates, identifiers, money and
 * area references. None of them transforms on decode (a `DateFromISOString` costs two to three times
 * `JSON.parse` on replay), so decoding a stored event is a check, not a rebuild.
 */
import * as t from 'io-ts'

// --- strings ---

const NON_BLANK = /\S/

/** The brand of `NonEmptyString`. */
export interface NonEmptyStringBrand {
  readonly NonEmptyString: unique symbol
}
/** A string with at least one non-whitespace character: the codec of names, titles and reasons. */
export const NonEmptyString = t.brand(
  t.string,
  (s): s is t.Branded<string, NonEmptyStringBrand> => NON_BLANK.test(s),
  'NonEmptyString',
)
/** A string with at least one non-whitespace character. */
export type NonEmptyString = t.TypeOf<typeof NonEmptyString>

export interface EntityIdBrand {
  readonly EntityId: unique symbol
}

const ENTITY_ID = /^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$/

/**
 * An id a command gives to something the ledger keeps — a volunteer, a placement, an entry, an
 * account: 1 to 128 letters, digits and `. _ : ~ -`, starting with a letter or digit. Such an id
 * becomes part of a stream id or a read model's document id, so one that could not be either
 * (a lone surrogate, a slash, ten thousand characters) is refused when the command is decoded,
 * not when a projection meets it. An `EntityId` is a `NonEmptyString` too.
 */
export const EntityId = t.brand(
  NonEmptyString,
  (s): s is t.Branded<NonEmptyString, EntityIdBrand> => ENTITY_ID.test(s),
  'EntityId',
)
export type EntityId = t.TypeOf<typeof EntityId>

/**
 * A context's id codec: an `EntityId` branded with what it names (`VolunteerId`, `RoleId`), so one
 * kind of id cannot be passed where another is wanted. Declare the brand as an interface whose one
 * key is the codec's name, typed `unique symbol`.
 *
 * @example
 * export interface RoleIdBrand { readonly RoleId: unique symbol }
 * export const RoleId = entityIdOf<RoleIdBrand, 'RoleId'>('RoleId')
 */
export const entityIdOf = <B extends { readonly [K in N]: symbol }, N extends string>(name: N) =>
  t.brand(EntityId, (_s): _s is t.Branded<EntityId, B> => true, name)

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const

// Arithmetic, not `new Date(...)`: this runs for every date of every event on replay.
const validCalendarDate = (y: number, m: number, d: number): boolean => {
  if (m < 1 || m > 12 || d < 1) return false
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  return d <= (m === 2 && leap ? 29 : (DAYS_IN_MONTH[m - 1] ?? 0))
}

// Read character by character rather than matched with a pattern: a match makes an array and a
// string a group, for every date of every event decoded.

/** The decimal number in `s` from `at`, `count` digits long, or -1 if any is not a digit 0–9. */
const digits = (s: string, at: number, count: number): number => {
  let n = 0
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - 48
    if (!(d >= 0 && d <= 9)) return -1
    n = n * 10 + d
  }
  return n
}

/** True when `s` holds a calendar date `YYYY-MM-DD` from position 0. */
const dateAtStart = (s: string): boolean => {
  if (s.charCodeAt(4) !== 45 /* - */ || s.charCodeAt(7) !== 45) return false
  const year = digits(s, 0, 4)
  // A month or day that is not two digits reads as -1, which no calendar date has.
  return year >= 0 && validCalendarDate(year, digits(s, 5, 2), digits(s, 8, 2))
}

/**
 * True when `s` is an RFC 3339 timestamp with an explicit offset, e.g. `2026-04-01T09:30:00Z`:
 * `YYYY-MM-DDThh:mm:ss`, optionally a fraction of 1 to 9 digits, then `Z` or `±hh:mm`.
 */
export const isIsoDateTime = (s: string): boolean => {
  if (s.length < 20 || !dateAtStart(s) || s.charCodeAt(10) !== 84 /* T */) return false
  const h = digits(s, 11, 2)
  const mi = digits(s, 14, 2)
  const se = digits(s, 17, 2)
  if (s.charCodeAt(13) !== 58 /* : */ || s.charCodeAt(16) !== 58 || !(h >= 0 && h < 24)) return false
  if (!(mi >= 0 && mi < 60 && se >= 0 && se < 60)) return false
  let i = 19
  if (s.charCodeAt(i) === 46 /* . */) {
    const start = ++i
    while (i < s.length && i - start < 10 && digits(s, i, 1) >= 0) i++
    if (i === start || i - start > 9) return false
  }
  if (i === s.length - 1) return s.charCodeAt(i) === 90 /* Z */
  if (i !== s.length - 6) return false
  const sign = s.charCodeAt(i)
  if (sign !== 43 /* + */ && sign !== 45 /* - */) return false
  const oh = digits(s, i + 1, 2)
  const om = digits(s, i + 4, 2)
  return s.charCodeAt(i + 3) === 58 && oh >= 0 && oh < 24 && om >= 0 && om < 60
}

/** True when `s` is a calendar date `YYYY-MM-DD`. */
export const isIsoDate = (s: string): boolean => s.length === 10 && dateAtStart(s)

export interface IsoDateTimeBrand {
  readonly IsoDateTime: unique symbol
}
/** An RFC 3339 timestamp kept as its string: ordered, exact, and free to decode. */
export const IsoDateTime = t.brand(
  t.string,
  (s): s is t.Branded<string, IsoDateTimeBrand> => isIsoDateTime(s),
  'IsoDateTime',
)
export type IsoDateTime = t.TypeOf<typeof IsoDateTime>

export interface IsoDateBrand {
  readonly IsoDate: unique symbol
}
/** A calendar date `YYYY-MM-DD` (a grant's due date, a volunteer's date of birth). */
export const IsoDate = t.brand(t.string, (s): s is t.Branded<string, IsoDateBrand> => isIsoDate(s), 'IsoDate')
export type IsoDate = t.TypeOf<typeof IsoDate>

/**
 * The same day `months` calendar months later; when that month is shorter, its last day (so one
 * month from 31 January is 28 or 29 February), as the ICO counts a one-month deadline.
 */
export const addMonths = (date: IsoDate, months: number): IsoDate => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const total = y * 12 + (m - 1) + months
  const year = Math.floor(total / 12)
  const month = (total % 12) + 1
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const day = Math.min(d, last)
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` as IsoDate
}

/** The day `days` after `day` (before, when negative), both ISO dates. */
export const addDays = (day: string, days: number): string => {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** True when `s` is a UUID in its canonical 8-4-4-4-12 hexadecimal form. */
export const isUuid = (s: string): boolean => UUID.test(s)

export interface UuidBrand {
  readonly Uuid: unique symbol
}
/** A UUID in canonical form, any version. */
export const Uuid = t.brand(t.string, (s): s is t.Branded<string, UuidBrand> => isUuid(s), 'Uuid')
export type Uuid = t.TypeOf<typeof Uuid>

// --- money ---

export interface PenceBrand {
  readonly Pence: unique symbol
}
/** A non-negative whole number of pence (or the minor unit of the currency). */
export const Pence = t.brand(
  t.number,
  (n): n is t.Branded<number, PenceBrand> => Number.isSafeInteger(n) && n >= 0,
  'Pence',
)
export type Pence = t.TypeOf<typeof Pence>

export interface CurrencyCodeBrand {
  readonly CurrencyCode: unique symbol
}
/** An ISO 4217 alphabetic currency code, e.g. `GBP`. */
export const CurrencyCode = t.brand(
  t.string,
  (s): s is t.Branded<string, CurrencyCodeBrand> => /^[A-Z]{3}$/.test(s),
  'CurrencyCode',
)
export type CurrencyCode = t.TypeOf<typeof CurrencyCode>

/** An amount of money: integer minor units and a currency. */
export const Money = t.readonly(t.type({ amount: Pence, currency: CurrencyCode }), 'Money')
export type Money = t.TypeOf<typeof Money>

// --- areas ---

/** A reference to an area in a named boundary release, e.g. `{ code: 'E05013050', type: 'ward', vintage: '2025' }`. */
export const AreaRef = t.readonly(
  t.type({ code: NonEmptyString, type: NonEmptyString, vintage: NonEmptyString }),
  'AreaRef',
)
export type AreaRef = t.TypeOf<typeof AreaRef>

// --- errors ---

const describeValue = (value: unknown): string => {
  if (value === undefined) return 'undefined'
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}

/**
 * What a value was, without what it said: its kind, a string's length, a number's sign and
 * whether it was whole. Enough to see why it was refused; nothing a person could be known by.
 */
const describeKind = (value: unknown): string => {
  if (value === undefined || value === null || typeof value === 'boolean') return String(value)
  if (typeof value === 'string')
    return value.length === 0 ? '""' : `a string of ${value.length} character${value.length === 1 ? '' : 's'}`
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value)
    return `${value < 0 ? 'a negative ' : 'a '}${Number.isInteger(value) ? 'whole number' : 'fraction'}`
  }
  if (Array.isArray(value)) return `an array of ${value.length}`
  return `a ${typeof value}`
}

/**
 * Whether an error's text may quote the values it refused. `withheld` (the default) describes
 * each value by its kind only: errors reach logs, statuses and parked records, and a value may be
 * a person's (a decrypted personal field, a date of birth in a command). `shown` quotes values
 * (strings cut at 60 characters), for input known to hold nothing personal: a seal, metadata.
 */
export type ErrorValues = 'withheld' | 'shown'

/** Sees through wrappers that validate with their inner codec's context (readonly, exact, refinements). */
const unwrap = (codec: t.Decoder<unknown, unknown> | undefined): t.Decoder<unknown, unknown> | undefined => {
  let current = codec
  while (current instanceof t.ReadonlyType || current instanceof t.ExactType || current instanceof t.RefinementType)
    current = (current as { readonly type: t.Decoder<unknown, unknown> }).type
  return current
}

/**
 * Turns io-ts validation errors into one line per problem, each naming the field's path, the type
 * it should have had and what it had: `amount.amount: expected Pence, got a negative whole number`
 * (or, with `shown`, `got -5`).
 */
export const describeErrors = (errors: t.Errors, values: ErrorValues = 'withheld'): ReadonlyArray<string> => {
  const describe = values === 'shown' ? describeValue : describeKind
  const lines = errors.map((error) => {
    // Union and intersection members appear in the path as their index: leave them out.
    const keys = error.context
      .filter((entry, i) => {
        const parent = unwrap(error.context[i - 1]?.type)
        return i > 0 && entry.key !== '' && !(parent instanceof t.UnionType || parent instanceof t.IntersectionType)
      })
      .map((entry) => entry.key)
    const path = keys.length === 0 ? '(root)' : keys.join('.')
    const expected = error.context[error.context.length - 1]?.type.name ?? 'unknown'
    // A codec's own message may quote the value: it is used only where values may be shown.
    const own = values === 'shown' ? error.message : undefined
    return own ?? `${path}: expected ${expected}, got ${describe(error.value)}`
  })
  return [...new Set(lines)]
}
