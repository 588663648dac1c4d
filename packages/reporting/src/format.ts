/** How figures read: money in pounds, counts with thousands separators, shares as percentages. */

const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 })
const oneDecimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 })
const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 })
const poundsAndPence = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' })

/** Whole pence as pounds: `£1,200`, or `£1,200.50` when there are pence. */
export const money = (pence: number): string => (pence % 100 === 0 ? pounds : poundsAndPence).format(pence / 100)
export const count = (n: number): string => whole.format(n)
export const number = (n: number): string => oneDecimal.format(n)
/** A share from 0 to 1 as a percentage: `83%`. */
export const percent = (share: number): string => `${whole.format(share * 100)}%`
