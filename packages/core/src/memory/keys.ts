/** Keys in memory, for tests and the in-memory store. */
import { randomBytes } from 'node:crypto'

import type { KeyStore } from '../port/privacy'
import { checkSubject, partsPrefix, subjectAndOwners, SubjectErasedError } from '../port/privacy'

/** Keys in memory: for tests and the in-memory store. Erased subjects are remembered. */
export const createMemoryKeyStore = (): KeyStore => {
  const keys = new Map<string, Buffer>()
  const gone = new Set<string>()
  const isGone = (subject: string): boolean => subjectAndOwners(subject).some((s) => gone.has(s))
  return {
    keyFor: async (subject) => {
      checkSubject(subject)
      if (isGone(subject)) throw new SubjectErasedError(subject)
      let key = keys.get(subject)
      if (key === undefined) {
        key = randomBytes(32)
        keys.set(subject, key)
      }
      return key
    },
    find: async (subject) => keys.get(checkSubject(subject)),
    erase: async (subject) => {
      checkSubject(subject)
      for (const [held, key] of [...keys])
        if (held === subject || held.startsWith(partsPrefix(subject))) {
          key.fill(0)
          keys.delete(held)
        }
      if (isGone(subject)) return false
      gone.add(subject)
      return true
    },
    isErased: async (subject) => isGone(checkSubject(subject)),
  }
}
