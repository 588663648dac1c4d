/** The torture phases on SQLite files, short (20 kills): every invariant must hold. */
import test from 'ava'

import { sqlitePhases } from './phases'
import { shortPhaseTests } from './short-run'

shortPhaseTests(test, sqlitePhases)
