/**
 * Errors quote input sparingly. A refusal goes back to whoever sent the command and into logs;
 * echoing a 10 MB field, or a list of two thousand problems, helps no one and can leak what was
 * sent. These bound what an error may carry: input strings clipped, lists cut short, messages capped.
 */

/** The most characters of one input string an error quotes. */
export const QUOTE_LIMIT = 60
/** The most problems an `InvalidCommand` lists; the rest are counted. */
export const PROBLEM_LIMIT = 20
/** The most characters of a message a rule may return; past it the message is cut and says so. */
export const MESSAGE_LIMIT = 2000

/** `text`, or its first 60 characters and an ellipsis. */
export const clip = (text: string): string => (text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text)

/** The strings in `input` longer than the quote limit, longest first: a bounded walk. */
const longStrings = (input: unknown): ReadonlyArray<string> => {
  const found = new Set<string>()
  const stack: Array<{ readonly value: unknown; readonly depth: number }> = [{ value: input, depth: 0 }]
  for (let visited = 0; stack.length > 0 && visited < 10_000; visited++) {
    const { value, depth } = stack.pop() as { readonly value: unknown; readonly depth: number }
    if (typeof value === 'string') {
      if (value.length > QUOTE_LIMIT) found.add(value)
    } else if (typeof value === 'object' && value !== null && depth < 64)
      for (const item of Object.values(value)) stack.push({ value: item, depth: depth + 1 })
  }
  return [...found].sort((a, b) => b.length - a.length)
}

/**
 * `message` with every long string of `input` it quotes — as it is, or as JSON writes it — clipped to
 * its first 60 characters, and the whole capped: a rule's message may name what it refused, never
 * echo it.
 */
export const boundQuotes = (message: string, input: unknown): string => {
  let bounded = message
  for (const long of longStrings(input))
    for (const form of [long, JSON.stringify(long).slice(1, -1)])
      if (bounded.includes(form)) bounded = bounded.split(form).join(clip(long))
  return boundLength(bounded)
}

/** `message`, or its first 2,000 characters and how many more there were. */
export const boundLength = (message: string): string =>
  message.length > MESSAGE_LIMIT
    ? `${message.slice(0, MESSAGE_LIMIT)}… (${message.length - MESSAGE_LIMIT} more characters)`
    : message

/** At most the first 20 problems, and how many more there were. */
export const boundProblems = (problems: ReadonlyArray<string>): ReadonlyArray<string> =>
  problems.length > PROBLEM_LIMIT
    ? [...problems.slice(0, PROBLEM_LIMIT), `… and ${problems.length - PROBLEM_LIMIT} more problems`]
    : problems
