/**
 * The projection contract against the in-memory store, whose read models run inline projections
 * inside its append step.
 */
import { createMemoryEventStore } from '@civic-ledger/core'

import { projectionContract } from './register'

projectionContract('memory', async () => createMemoryEventStore())
