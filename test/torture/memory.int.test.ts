/** The torture phases on the in-memory store, short: every invariant must hold. */
import test from 'ava'

import { memoryPhases } from './phases'
import { shortPhaseTests } from './short-run'

shortPhaseTests(test, memoryPhases)
