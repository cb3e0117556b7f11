import { beforeAll, describe, expect, it } from 'vitest';
import { command, createUser, openIncident, timeline, type TestUser } from '../helpers';

let ana: TestUser;
let ben: TestUser;

beforeAll(async () => {
  ana = await createUser('Ana');
  ben = await createUser('Ben');
});

describe('commands arriving together', () => {
  // A reassign looks its users up in D1; while it waits, other commands run. It must build on the
  // incident as it is after them, not as it was before the lookup (that answered 500: a duplicate seq).
  it('applies a reassign and notes sent at the same moment, every one answered 200 and on the timeline once', async () => {
    const inc = await openIncident(ana);
    const answers = await Promise.all([
      command(ana, inc.id, 'reassign', { assignees: [ben.id] }),
      command(ana, inc.id, 'notes', { text: 'first look: card auth 5xx' }),
      command(ben, inc.id, 'roles', { role: 'incident_commander', userId: ana.id }),
      command(ben, inc.id, 'notes', { text: 'rolling back checkout' }),
      command(ana, inc.id, 'acknowledge'),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const entries = await timeline(inc.id);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const kinds = entries.map((e) => e.kind);
    for (const kind of ['reassigned', 'role_assigned', 'acknowledged'])
      expect(kinds.filter((k) => k === kind)).toHaveLength(1);
    expect(kinds.filter((k) => k === 'note')).toHaveLength(2);
  });
});
