/**
 * The policy the CLI opens ledgers with: each context's own policy for its commands, and for what is
 * not a command — sealing, disclosing personal data, erasing a data subject — the roles of the
 * config (`roles`), by default `auditor` to seal and `data-protection-officer` to disclose and erase.
 */
import { areasPolicy } from '@civic-ledger/areas'
import type { Policy } from '@civic-ledger/core'
import { byContext, rolePolicy } from '@civic-ledger/core'
import { grantsPolicy } from '@civic-ledger/grants'
import { partnershipsPolicy } from '@civic-ledger/partnerships'
import { volunteersPolicy } from '@civic-ledger/volunteers'

import type { Roles } from './config'

/**
 * The CLI's policy: each context's own policy for its commands, and `roles` for sealing, erasing and
 * disclosing personal data.
 */
export const cliPolicy = (roles: Roles): Policy =>
  byContext({
    areas: areasPolicy,
    partnerships: partnershipsPolicy,
    grants: grantsPolicy,
    volunteers: volunteersPolicy,
    audit: rolePolicy({ 'audit.ledger': { SealLedger: roles.seal, DisclosePersonalData: roles.disclose } }),
    privacy: rolePolicy({
      'privacy.subject': { EraseSubject: roles.erase, RequestErasure: roles.erase, RefuseErasure: roles.erase },
    }),
  })
