#!/usr/bin/env node
/** The `civic-ledger` binary: the program with the process's own streams, environment and directory. */
import { processIo } from './io'
import { run } from './run'

run(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`civic-ledger: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 70
  },
)
