import { describe, it, expect } from 'vitest'
import { formatRfc3339, parseRfc3339 } from './time'

describe('formatRfc3339', () => {
  it('writes UTC with millisecond precision', () => {
    expect(formatRfc3339(Date.UTC(2024, 4, 1, 12, 0, 0, 7))).toBe('2024-05-01T12:00:00.007Z')
    expect(formatRfc3339(-1)).toBe('1969-12-31T23:59:59.999Z')
  })

  it('refuses numbers that have no RFC 3339 form', () => {
    for (const ms of [Number.NaN, Number.POSITIVE_INFINITY, 1.5, 253_402_300_800_000, -62_167_219_200_001]) {
      expect(formatRfc3339(ms)).toBeUndefined()
    }
  })
})

describe('parseRfc3339', () => {
  it('inverts formatRfc3339 across the whole range', () => {
    for (const ms of [0, 1, 999, -1, Date.UTC(2024, 1, 29, 23, 59, 59, 999), -62_167_219_200_000, 253_402_300_799_999]) {
      expect(parseRfc3339(formatRfc3339(ms) ?? '')).toBe(ms)
    }
  })

  it('applies offsets and accepts lowercase t and z', () => {
    expect(parseRfc3339('2024-05-01T14:30:00+02:30')).toBe(Date.UTC(2024, 4, 1, 12, 0))
    expect(parseRfc3339('2024-05-01T09:00:00-03:00')).toBe(Date.UTC(2024, 4, 1, 12, 0))
    expect(parseRfc3339('2024-05-01t12:00:00-00:00')).toBe(Date.UTC(2024, 4, 1, 12, 0))
    expect(parseRfc3339('2024-05-01t12:00:00z')).toBe(Date.UTC(2024, 4, 1, 12, 0))
  })

  it('reads any number of fraction digits, dropping those past the millisecond', () => {
    expect(parseRfc3339('1970-01-01T00:00:00.5Z')).toBe(500)
    expect(parseRfc3339('1970-01-01T00:00:00.12Z')).toBe(120)
    expect(parseRfc3339('1970-01-01T00:00:00.123999999Z')).toBe(123)
  })

  it('keeps two-digit years instead of moving them to the 1900s', () => {
    expect(parseRfc3339('0050-01-01T00:00:00Z')).toBe(new Date('0050-01-01T00:00:00Z').getTime())
  })

  it('knows leap years', () => {
    expect(parseRfc3339('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29))
    expect(parseRfc3339('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29))
    expect(parseRfc3339('2023-02-29T00:00:00Z')).toBeUndefined()
    expect(parseRfc3339('1900-02-29T00:00:00Z')).toBeUndefined()
  })

  it('reads a leap second as the start of the next minute', () => {
    expect(parseRfc3339('2016-12-31T23:59:60Z')).toBe(Date.UTC(2017, 0, 1))
  })

  it('refuses what RFC 3339 does not allow, even where Date.parse would not', () => {
    for (const text of [
      '',
      'yesterday',
      'May 1 2024 12:00:00 GMT',
      '2024-05-01',
      '2024-05-01T12:00Z',
      '2024-05-01T12:00:00',
      '2024-05-01 12:00:00Z',
      '2024-5-1T12:00:00Z',
      '2024-05-01T12:00:00.Z',
      '2024-05-01T12:00:00+0200',
      '+002024-05-01T12:00:00Z',
      '2024-02-30T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-00-01T00:00:00Z',
      '2024-05-00T00:00:00Z',
      '2024-05-01T24:00:00Z',
      '2024-05-01T12:60:00Z',
      '2024-05-01T12:00:61Z',
      '2024-05-01T12:00:00+24:00',
      '2024-05-01T12:00:00+02:60',
      '0000-01-01T00:00:00+01:00',
      ' 2024-05-01T12:00:00Z',
    ]) {
      expect(parseRfc3339(text), text).toBeUndefined()
    }
  })
})
