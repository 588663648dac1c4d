/**
 * Validating 360Giving exports in the cross-package tests: the grants package's own validator —
 * ajv's draft 2020-12 build against the 1.4.3 package and grant schemas and the codelists.
 */
export { threeSixtyGivingErrors } from '@civic-ledger/grants'
