/**
 * The councils of Cambridgeshire and Peterborough, from the public org-id register copied into
 * `data/` (see its README): their identifiers, names and GSS codes, registered as organisations.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { parseCsv } from '@civic-ledger/areas'
import type { CommandError, Ledger } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import { organisations } from '../organisation/aggregate'
import type { OrganisationType } from '../organisation/events'

/** The package's data directory. */
export const PARTNERSHIPS_DATA_DIR = join(__dirname, '..', '..', 'data')

/** The shipped list of the Cambridgeshire and Peterborough councils and their identifiers, in `data/`. */
export const COUNCILS_FILE = 'cambs_pboro_council_orgids.csv'

/** A council of the shipped list: its org-id identifier, name, GSS code and type. */
export interface CouncilRow {
  readonly orgId: string
  readonly name: string
  readonly gssCode: string
  readonly organisationType: OrganisationType
}

/** What a GSS code's entity type says a council is. */
const TYPES: Readonly<Record<string, OrganisationType>> = {
  E06: 'unitary-council',
  E07: 'district-council',
  E10: 'county-council',
  E47: 'combined-authority',
}

/** The councils in the register file, each with the organisation type its GSS code implies. */
export const councilRows = (
  text = readFileSync(join(PARTNERSHIPS_DATA_DIR, COUNCILS_FILE), 'utf8'),
): ReadonlyArray<CouncilRow> =>
  parseCsv(text, ['org_id', 'name', 'gss_code', 'area_type', 'active']).flatMap(({ line, fields }) => {
    if (fields['active'] !== 'TRUE') return []
    const organisationType = TYPES[fields['area_type'] ?? '']
    if (organisationType === undefined)
      throw new Error(`${COUNCILS_FILE} line ${line}: unknown area type ${fields['area_type']}`)
    return [
      {
        orgId: fields['org_id'] ?? '',
        name: fields['name'] ?? '',
        gssCode: fields['gss_code'] ?? '',
        organisationType,
      },
    ]
  })

/**
 * Registers every council in the register file as an organisation, on `on`, through the ledger's
 * policy; one already registered is left as it is. Stops at the first refusal and returns it.
 */
export const registerCouncils = async (
  ledger: Pick<Ledger, 'execute'>,
  context: unknown,
  on: string,
  rows: ReadonlyArray<CouncilRow> = councilRows(),
): Promise<Either<CommandError, ReadonlyArray<string>>> => {
  const registered: string[] = []
  for (const row of rows) {
    const result = await ledger.execute(
      organisations,
      {
        type: 'RegisterOrganisation',
        orgId: row.orgId,
        name: row.name,
        organisationType: row.organisationType,
        gssCode: row.gssCode,
        on,
      },
      context,
    )()
    if (result._tag === 'Left') {
      if (result.left._tag === 'Rejected' && result.left.code === 'organisation-exists') continue
      return result
    }
    registered.push(row.orgId)
  }
  return { _tag: 'Right', right: registered }
}
