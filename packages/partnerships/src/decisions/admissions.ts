/**
 * Admitting a member to a board: a decision across the board and the organisation. The organisation
 * must be registered and not dissolved, and its type — what a seat is checked against — is read from
 * its record, never from the command.
 */
import { defineDecision, IsoDate, reject, streamOf } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { boards } from '../board/aggregate'
import { admitMember } from '../board/decide'
import { BoardId, OrgId } from '../ids'
import { organisations } from '../organisation/aggregate'
import { activeProblem } from '../organisation/decide'

/** The codec of the `AdmitMember` command of the `admissions` decision. */
export const AdmitMemberCommand = t.readonly(
  t.type({ type: t.literal('AdmitMember'), boardId: BoardId, orgId: OrgId, on: IsoDate }),
)
/** The `AdmitMember` command of the `admissions` decision, as decoded. */
export type AdmitMemberCommand = t.TypeOf<typeof AdmitMemberCommand>
/** The `AdmitMember` command as an app sends it to `ledger.decide`, before decoding. */
export type AdmitMemberCommandInput = t.OutputOf<typeof AdmitMemberCommand>

/** The `admissions` decision: admits a registered, active organisation to a board's seat for its type. */
export const admissions = defineDecision({
  context: 'partnerships',
  name: 'admissions',
  commands: AdmitMemberCommand,
  streams: (c: AdmitMemberCommand) => ({
    board: streamOf(boards, c.boardId),
    organisation: streamOf(organisations, c.orgId),
  }),
  decide: (c, { board, organisation }) => {
    if (organisation.status !== 'active') {
      const problem = activeProblem(c.orgId, organisation)
      return reject(problem?.code ?? 'unknown-organisation', problem?.message ?? `${c.orgId} is not registered`)
    }
    const admitted = admitMember(c, board, organisation.type)
    return E.isLeft(admitted) ? admitted : E.right({ board: admitted.right })
  },
})
