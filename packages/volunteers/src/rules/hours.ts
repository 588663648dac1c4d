/** The rules of hours, shared by logging and correcting them. */

/** The most hours a volunteer can give in a day, across every entry and placement. */
export const DAILY_CAP = 24

/** Why `hours` cannot be recorded for a day, or undefined. */
export const hoursProblem = (hours: number): string | undefined =>
  Number.isFinite(hours) && hours > 0 && hours <= DAILY_CAP
    ? undefined
    : `hours must be more than 0 and at most ${DAILY_CAP}, got ${hours}`
