/**
 * Subjects' keys in the ledger file (`privacy_keys`), and the subjects erased (`privacy_erased`),
 * so no new key is ever made for them. A key is made and erased through the writer; erasing inside
 * a read-model transaction (the `privacy-erasures` projection) commits with its checkpoint.
 */
import { randomBytes } from 'node:crypto'

import type { Clock, KeyStore } from '@civic-ledger/core'
import { SubjectErasedError } from '@civic-ledger/core'
import { checkSubject, partsPrefix, subjectAndOwners } from '@civic-ledger/core/store-kit'

import type { ReaderStatements, WriterStatements } from './statements'
import type { SqliteWriter } from './writer'

/** Deletes a subject's key and its parts' keys, and records it erased: inside the caller's transaction. */
export const eraseKeyIn = (s: WriterStatements, clock: Clock, subject: string): boolean => {
  s.deleteKey.run(subject, subject.length + 1, partsPrefix(subject))
  const already = subjectAndOwners(subject).some((owner) => s.selectErased.get(owner) !== undefined)
  s.insertErased.run(subject, clock.now().toISOString())
  return !already
}

export const sqliteKeyStore = (
  writer: SqliteWriter,
  s: WriterStatements,
  r: ReaderStatements,
  clock: Clock,
  ensureOpen: () => void,
): KeyStore => ({
  keyFor: (subject) =>
    writer.holding(async () => {
      ensureOpen()
      if (subjectAndOwners(checkSubject(subject)).some((owner) => s.selectErased.get(owner) !== undefined))
        throw new SubjectErasedError(subject)
      const found = s.selectKey.get(subject)
      if (found !== undefined) return found.key
      const key = randomBytes(32)
      await writer
        .transact('the new key', () => s.insertKey.run(subject, key, clock.now().toISOString()))
        .catch((error: unknown) => {
          throw writer.failure(error, 'the new key', 'rolled-back')
        })
      return key
    }),
  find: async (subject) => {
    ensureOpen()
    return r.selectKey.get(checkSubject(subject))?.key
  },
  erase: (subject) =>
    writer.holding(async () => {
      ensureOpen()
      checkSubject(subject)
      return writer
        .transact('the erasure of the key', () => eraseKeyIn(s, clock, subject))
        .catch((error: unknown) => {
          throw writer.failure(error, 'the erasure of the key', 'rolled-back')
        })
    }),
  isErased: async (subject) => {
    ensureOpen()
    return subjectAndOwners(checkSubject(subject)).some((owner) => r.selectErased.get(owner) !== undefined)
  },
})
