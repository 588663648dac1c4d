/**
 * The commands of a PCN reference: import it, open a PCN, close one, move a practice. Each change
 * is dated, so the membership in force on any date can be asked.
 */
import { IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { AreaCode, PcnReferenceId } from '../ids'
import { Source } from '../lib/source'
import { Pcn, Practice } from './events'

export const ImportPcnReference = t.readonly(
  t.type({
    type: t.literal('ImportPcnReference'),
    referenceId: PcnReferenceId,
    subIcb: AreaCode,
    asOf: IsoDate,
    source: Source,
    pcns: t.readonlyArray(Pcn),
    practices: t.readonlyArray(Practice),
  }),
  'ImportPcnReference',
)
export type ImportPcnReference = t.TypeOf<typeof ImportPcnReference>

export const OpenPcn = t.readonly(
  t.type({ type: t.literal('OpenPcn'), referenceId: PcnReferenceId, pcn: AreaCode, name: NonEmptyString, on: IsoDate }),
  'OpenPcn',
)
export type OpenPcn = t.TypeOf<typeof OpenPcn>

export const ClosePcn = t.readonly(
  t.type({
    type: t.literal('ClosePcn'),
    referenceId: PcnReferenceId,
    pcn: AreaCode,
    on: IsoDate,
    reason: NonEmptyString,
  }),
  'ClosePcn',
)
export type ClosePcn = t.TypeOf<typeof ClosePcn>

export const MovePractice = t.readonly(
  t.type({
    type: t.literal('MovePractice'),
    referenceId: PcnReferenceId,
    practice: AreaCode,
    to: AreaCode,
    on: IsoDate,
  }),
  'MovePractice',
)
export type MovePractice = t.TypeOf<typeof MovePractice>

/** Every command a PCN reference takes. */
export const PcnCommand = t.union([ImportPcnReference, OpenPcn, ClosePcn, MovePractice], 'PcnCommand')
export type PcnCommand = t.TypeOf<typeof PcnCommand>
/** A command to a PCN reference as an app sends it to `ledger.execute`, before decoding. */
export type PcnCommandInput = t.OutputOf<typeof PcnCommand>
