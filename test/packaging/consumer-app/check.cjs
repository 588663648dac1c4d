// The same council app as a CommonJS script: require() of every package it uses, one command
// executed on a SQLite ledger and read back.
'use strict'
const assert = require('node:assert/strict')
const { mkdtempSync, rmSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { join } = require('node:path')

const { createLedger, isLeft, isRight, loadAggregate } = require('@civic-ledger/core')
const { sqliteStoreProvider } = require('@civic-ledger/store-sqlite')
const {
  VOLUNTEER_COORDINATOR,
  volunteerRoles,
  volunteersPlugin,
  volunteersPolicy,
} = require('@civic-ledger/volunteers')

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'council-app-cjs-'))
  try {
    const ledger = await createLedger({
      store: `sqlite:${join(dir, 'ledger.db')}`,
      storeProviders: [sqliteStoreProvider],
      plugins: [volunteersPlugin],
      policy: volunteersPolicy,
    })
    const actor = { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: VOLUNTEER_COORDINATOR }
    const defined = await ledger.execute(
      volunteerRoles,
      {
        type: 'DefineRole',
        roleId: 'befriender',
        title: 'Befriender',
        organisation: 'GB-LAE-CAM',
        regulatedActivity: 'none',
        dbsLevel: 'basic',
        minimumAge: 18,
        training: [],
        supervision: 'monthly',
      },
      { actor },
    )()
    assert.ok(isRight(defined), JSON.stringify(defined))
    const refused = await ledger.execute(volunteerRoles, { type: 'DefineRole', roleId: '' }, { actor })()
    assert.ok(isLeft(refused) && refused.left._tag === 'InvalidCommand')
    const role = await loadAggregate(ledger.events, volunteerRoles, 'volunteers.role-befriender')
    assert.ok(isRight(role) && role.right.state.status === 'open' && role.right.state.role.title === 'Befriender')
    await ledger.close()
    console.log('council app (CommonJS): ok')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
