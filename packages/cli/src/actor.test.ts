import test from 'ava'

import { parseActor, showActor } from './actor'
import { CliError, ExitCode } from './exit-codes'

test('an actor is id:organisation:role; an organisation may hold colons', (t) => {
  t.deepEqual(parseActor('dpo-1:GB-LAE-CAM:data-protection-officer'), {
    id: 'dpo-1',
    organisation: 'GB-LAE-CAM',
    role: 'data-protection-officer',
  })
  const local = parseActor('chair-1:local:ramsey-good-neighbours:applicant')
  t.is(String(local.organisation), 'local:ramsey-good-neighbours')
  t.is(showActor(local), 'chair-1:local:ramsey-good-neighbours:applicant')
})

test('anything else is bad usage naming the shape', (t) => {
  for (const text of ['', 'dpo-1', 'dpo-1:GB-LAE-CAM', ':GB-LAE-CAM:auditor', 'x::auditor', 'x:GB-LAE-CAM:', ' : : '])
    t.like(
      t.throws(() => parseActor(text), { instanceOf: CliError }),
      { code: ExitCode.usage },
      JSON.stringify(text),
    )
  t.throws(() => parseActor('x'), { message: /--actor: "x" is not an actor; expected id:organisation:role/ })
})
