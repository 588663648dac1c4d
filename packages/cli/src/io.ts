/**
 * What the program touches of its process — output, environment, working directory — passed in,
 * so `run` can be driven by tests exactly as the binary drives it.
 */

/** Somewhere text is written: a process stream, or a buffer in a test. */
export interface Output {
  /** Writes text as it is: lines end in `\n`. */
  write(text: string): unknown
  /** True on a terminal: progress bars are drawn only there. */
  readonly isTTY?: boolean
  readonly columns?: number
}

/**
 * What a run of the program touches of its process: where it writes, the environment it reads, and
 * the directory it works in. `processIo()` is the process's own; a test passes buffers.
 */
export interface Io {
  readonly stdout: Output
  readonly stderr: Output
  readonly env: Readonly<Record<string, string | undefined>>
  /** Where relative paths, the config file and `sqlite:` paths are read from. */
  readonly cwd: string
}

/** The process's own streams, environment and directory: what the binary passes. */
export const processIo = (): Io => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
})
