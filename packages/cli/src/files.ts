/**
 * Files the commands read and write: keys, seal files, exports. A file that is missing or is not
 * what it should be is a one-line error with exit 3; an output that exists already is refused
 * unless `--force`.
 */
import type { KeyObject } from 'node:crypto'
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

import type { Seal } from '@civic-ledger/core'
import { parseSealFile } from '@civic-ledger/core'

import { CliError, ExitCode } from './exit-codes'

/** An input file's absolute path; exit 3 if it does not exist or is not a file. */
export const inputFile = (cwd: string, path: string, what: string): string => {
  const file = resolve(cwd, path)
  if (!existsSync(file)) throw new CliError(ExitCode.cannotOpen, `${file}: no such file (${what})`)
  if (!statSync(file).isFile()) throw new CliError(ExitCode.cannotOpen, `${file}: is not a file (${what})`)
  return file
}

/** An output file's absolute path; refused if it exists (unless `force`) or its directory does not. */
export const outputFile = (cwd: string, path: string, force: boolean): string => {
  const file = resolve(cwd, path)
  if (!existsSync(dirname(file)))
    throw new CliError(ExitCode.cannotOpen, `${file}: the directory ${dirname(file)} does not exist`)
  if (existsSync(file) && !force)
    throw new CliError(ExitCode.usage, `${file}: exists already (use --force to replace it)`)
  return file
}

const read = (file: string): string => {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new CliError(
      ExitCode.cannotOpen,
      `${file}: cannot be read (${error instanceof Error ? error.message : String(error)})`,
    )
  }
}

/** An Ed25519 private key in PEM, to sign seals with. */
export const privateKeyFile = (cwd: string, path: string): KeyObject => {
  const file = inputFile(cwd, path, 'a private key')
  try {
    return createPrivateKey(read(file))
  } catch (error) {
    if (error instanceof CliError) throw error
    throw new CliError(ExitCode.cannotOpen, `${file}: is not a private key in PEM`)
  }
}

/** An Ed25519 public key in PEM (a private key gives its public half). */
export const publicKeyFile = (cwd: string, path: string): KeyObject => {
  const file = inputFile(cwd, path, 'a public key')
  try {
    return createPublicKey(read(file))
  } catch (error) {
    if (error instanceof CliError) throw error
    throw new CliError(ExitCode.cannotOpen, `${file}: is not a public key in PEM`)
  }
}

/** A seal file, as `seal --out` writes it. */
export const sealFile = (cwd: string, path: string): Seal => {
  const file = inputFile(cwd, path, 'a seal file')
  try {
    return parseSealFile(read(file), file)
  } catch (error) {
    if (error instanceof CliError) throw error
    throw new CliError(ExitCode.cannotOpen, error instanceof Error ? error.message : String(error))
  }
}
