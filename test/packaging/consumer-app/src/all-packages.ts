/**
 * Brings every published package's declarations into the type-check (with `skipLibCheck: false`),
 * so a .d.ts that names a module whose types are not installed with its package fails the build.
 */
import type * as areas from '@civic-ledger/areas'
import type * as cli from '@civic-ledger/cli'
import type * as core from '@civic-ledger/core'
import type * as grants from '@civic-ledger/grants'
import type * as partnerships from '@civic-ledger/partnerships'
import type * as reporting from '@civic-ledger/reporting'
import type * as storePostgres from '@civic-ledger/store-postgres'
import type * as storeSqlite from '@civic-ledger/store-sqlite'
import type * as testing from '@civic-ledger/testing'
import type * as volunteers from '@civic-ledger/volunteers'

export type Packages = [
  typeof areas,
  typeof cli,
  typeof core,
  typeof grants,
  typeof partnerships,
  typeof reporting,
  typeof storePostgres,
  typeof storeSqlite,
  typeof testing,
  typeof volunteers,
]
