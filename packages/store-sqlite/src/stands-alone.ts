/**
 * Whether a stored JSON column may go into a read-ahead page's text as it is. The read-ahead
 * thread loads this module and better-sqlite3 alone: it imports nothing from core, so the thread
 * is ready without loading io-ts, fp-ts and the rest of the kernel.
 */

/**
 * True when `text` can only be read as one JSON value where it is written into the page: its
 * brackets balance outside strings, and no comma or second value stands at its top level. Text
 * that is not JSON at all then makes the page fail to parse (and the reader names the row), rather
 * than reading as something else beside its neighbours.
 */
export const standsAlone = (text: string): boolean => {
  let depth = 0
  let closed = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // A string: to its closing quote, found natively, past quotes escaped by an odd run of
      // backslashes. Most of a document is strings, so most of it is never looked at here.
      if (closed) return false
      let end = text.indexOf('"', i + 1)
      while (end !== -1 && escaped(text, end)) end = text.indexOf('"', end + 1)
      if (end === -1) return false
      i = end
      if (depth === 0) closed = true
      continue
    }
    if (c <= 0x20) continue
    if (closed) return false
    if (c === 0x7b || c === 0x5b) depth++
    else if (c === 0x7d || c === 0x5d) {
      depth--
      if (depth < 0) return false
      if (depth === 0) closed = true
    } else if (c === 0x2c && depth === 0) return false
  }
  return depth === 0
}

/** True when the character at `at` follows an odd number of backslashes. */
const escaped = (text: string, at: number): boolean => {
  let backslashes = 0
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === 0x5c; i--) backslashes++
  return backslashes % 2 === 1
}
