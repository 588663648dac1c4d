/**
 * The whole example, as a function the program, the CLI, reports and tests share: a new SQLite
 * ledger file in `dir`, the history recorded on it, the standard read models caught up, the ledger
 * sealed and verified, the example's grants exported as 360Giving, and the facts a reader relies on
 * read back from the read models.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'

import type { Ledger, Seal, VerifyReport } from '@civic-ledger/core'
import { isLeft, parseSealFile, uuidV5 } from '@civic-ledger/core'
import type { ThreeSixtyGivingPackage } from '@civic-ledger/grants'
import { exportThreeSixtyGiving, threeSixtyGivingErrors } from '@civic-ledger/grants'
import type { ReportData } from '@civic-ledger/reporting'
import { produceReports, renderHtml } from '@civic-ledger/reporting'

import type { Digest } from './digest'
import { historyDigest } from './digest'
import type { Facts } from './facts'
import { readFacts } from './facts'
import { SCHEME_ID } from './history/areas'
import type { Built } from './history/index'
import { buildCambridgeshireLedger } from './history/index'
import { HISTORY_ENDS } from './history/partnerships'
import type { Actor, Step } from './history/timeline'
import { EXAMPLE_NAMESPACE } from './history/timeline'
import { AUDITOR, openExampleLedger } from './ledger'

export const LEDGER_FILE = 'cambridgeshire.db'
export const GIVING_FILE = 'cambridgeshire-360giving.json'
export const SEAL_FILE = 'cambridgeshire.seal.json'
export const REPORT_FILE = 'report.html'

/** The day the example seals and publishes: the end of the last year its history records. */
export const PUBLISHED_ON = '2021-12-31'

export const auditor: Actor = { id: 'internal-audit-1', organisation: 'GB-LAE-CAM', role: AUDITOR }

export interface ExampleOptions {
  /** Where the ledger file, the seal file and the 360Giving file go (made if missing). */
  readonly dir: string
  /** Told of each step of the history as it starts. */
  readonly onStep?: (step: Step) => void
  /**
   * Runs once everything is built, sealed and verified, with the ledger still open: where other
   * outputs (the HTML report) are written from the read models.
   */
  readonly beforeClose?: (ledger: Ledger, paths: ExamplePaths) => Promise<void>
}

export interface ExamplePaths {
  readonly dir: string
  readonly ledger: string
  readonly seal: string
  readonly giving: string
  readonly report: string
}

export interface ExampleResult {
  readonly paths: ExamplePaths
  readonly built: Built
  readonly digest: Digest
  readonly seal: Seal
  readonly verify: VerifyReport
  readonly giving: ThreeSixtyGivingPackage
  /** What the 360Giving package fails of the standard's schemas and codelists: none when valid. */
  readonly givingErrors: ReadonlyArray<string>
  readonly facts: Facts
  /** The board reports written to `paths.report`, as they were produced. */
  readonly reports: ReadonlyArray<ReportData>
  /** Milliseconds each part took. */
  readonly timings: Readonly<
    Record<'open' | 'history' | 'catchUp' | 'seal' | 'verify' | 'giving' | 'facts' | 'report' | 'total', number>
  >
}

/** The 360Giving options of the example's export: every awarded grant, said to be modelled. */
export const givingOptions = {
  prefix: 'civic-ledger-example',
  publisher: { name: 'Civic Ledger example (modelled data)', identifier: 'GB-LAE-CAM' },
  license: 'https://creativecommons.org/licenses/by/4.0/',
  title: 'Cambridgeshire example ledger: grants (modelled)',
  description:
    'Modelled grants of the Civic Ledger example: the funds, their funder, administrator, streams and published limits are real; every applicant, application, award and payment is modelled, not a real grant record.',
  issued: PUBLISHED_ON,
  scheme: { schemeId: SCHEME_ID },
} as const

const since = (start: number): number => Math.round(performance.now() - start)

export const runExample = async (options: ExampleOptions): Promise<ExampleResult> => {
  const t0 = performance.now()
  const dir = resolve(options.dir)
  const paths: ExamplePaths = {
    dir,
    ledger: join(dir, LEDGER_FILE),
    seal: join(dir, SEAL_FILE),
    giving: join(dir, GIVING_FILE),
    report: join(dir, REPORT_FILE),
  }
  mkdirSync(dir, { recursive: true })
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${paths.ledger}${suffix}`, { force: true })

  let t = performance.now()
  const { ledger, clock } = await openExampleLedger(`sqlite:${paths.ledger}`)
  const open = since(t)
  try {
    t = performance.now()
    const built = await buildCambridgeshireLedger(ledger, {
      clock,
      ...(options.onStep === undefined ? {} : { onStep: options.onStep }),
    })
    const history = since(t)

    t = performance.now()
    await ledger.projections.waitUntilCaughtUp({ timeoutMs: 120_000 })
    const catchUp = since(t)

    t = performance.now()
    clock.set(`${PUBLISHED_ON}T17:00:00.000Z`)
    const sealed = await ledger.audit.seal(
      { actor: auditor },
      { eventId: uuidV5(EXAMPLE_NAMESPACE, `${PUBLISHED_ON}/seal`) },
    )()
    if (isLeft(sealed)) throw new Error(`seal: ${sealed.left._tag}: ${sealed.left.message}`)
    writeFileSync(paths.seal, sealed.right.file)
    const seal = since(t)

    t = performance.now()
    const verify = await ledger.audit.verify({ sealFiles: [parseSealFile(sealed.right.file, paths.seal)] })
    const verified = since(t)

    t = performance.now()
    await ledger.projections.waitUntilCaughtUp({ timeoutMs: 60_000 })
    const exported = await exportThreeSixtyGiving(ledger.projections, givingOptions)
    if (isLeft(exported))
      throw new Error(`360Giving: ${exported.left.map((p) => `${p.code}: ${p.message}`).join('; ')}`)
    writeFileSync(paths.giving, `${JSON.stringify(exported.right, null, 2)}\n`)
    const giving = since(t)

    t = performance.now()
    const facts = await readFacts(ledger, HISTORY_ENDS)
    const digest = await historyDigest(ledger)
    const factsTime = since(t)

    t = performance.now()
    const reports = await produceReports(ledger)
    writeFileSync(
      paths.report,
      renderHtml(reports, {
        title: 'Cambridgeshire and Peterborough: board reports (example ledger, modelled people and grants)',
        producedBy: 'Civic Ledger example ledger (npm start)',
      }),
    )
    const report = since(t)

    await options.beforeClose?.(ledger, paths)
    return {
      paths,
      built,
      digest,
      seal: sealed.right.seal,
      verify,
      giving: exported.right,
      givingErrors: threeSixtyGivingErrors(exported.right),
      facts,
      reports,
      timings: {
        open,
        history,
        catchUp,
        seal,
        verify: verified,
        giving,
        facts: factsTime,
        report,
        total: since(t0),
      },
    }
  } finally {
    await ledger.close()
  }
}
