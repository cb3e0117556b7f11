/**
 * Teams in D1: named groups of users that schedules can belong to. Also the user-id checks the
 * on-call writes share (id lists go in as one JSON parameter: D1 caps bound parameters at 100).
 */

export interface TeamMember {
  id: string;
  name: string;
}

export interface Team {
  id: string;
  name: string;
  members: TeamMember[];
  createdAt: number;
}

type Row = { id: string; name: string; created_at: number };
type MemberRow = { team_id: string; id: string; name: string };

export async function createTeam(
  db: D1Database,
  team: { id: string; name: string; userIds: string[]; createdAt: number },
): Promise<void> {
  await db.batch([
    db
      .prepare('INSERT INTO teams (id, name, created_at) VALUES (?, ?, ?)')
      .bind(team.id, team.name, team.createdAt),
    ...memberInserts(db, team.id, team.userIds),
  ]);
}

export async function listTeams(db: D1Database): Promise<Team[]> {
  const [teams, members] = await db.batch<Row | MemberRow>([
    db.prepare('SELECT id, name, created_at FROM teams ORDER BY name, id'),
    db.prepare(
      'SELECT m.team_id, u.id, u.name FROM team_members m JOIN users u ON u.id = m.user_id ORDER BY u.name, u.id',
    ),
  ]);
  const byTeam = new Map<string, TeamMember[]>();
  for (const m of (members?.results ?? []) as MemberRow[]) {
    const list = byTeam.get(m.team_id) ?? [];
    list.push({ id: m.id, name: m.name });
    byTeam.set(m.team_id, list);
  }
  return ((teams?.results ?? []) as Row[]).map((t) => ({
    id: t.id,
    name: t.name,
    members: byTeam.get(t.id) ?? [],
    createdAt: t.created_at,
  }));
}

export async function getTeam(db: D1Database, id: string): Promise<Team | null> {
  const [team, members] = await db.batch<Row | MemberRow>([
    db.prepare('SELECT id, name, created_at FROM teams WHERE id = ?').bind(id),
    db
      .prepare(
        'SELECT m.team_id, u.id, u.name FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = ? ORDER BY u.name, u.id',
      )
      .bind(id),
  ]);
  const row = team?.results[0] as Row | undefined;
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    members: ((members?.results ?? []) as MemberRow[]).map((m) => ({ id: m.id, name: m.name })),
    createdAt: row.created_at,
  };
}

export async function teamExists(db: D1Database, id: string): Promise<boolean> {
  return (await db.prepare('SELECT 1 AS one FROM teams WHERE id = ?').bind(id).first()) !== null;
}

/** Replace a team's members in one transaction; false when there is no such team. */
export async function setTeamMembers(
  db: D1Database,
  teamId: string,
  userIds: string[],
): Promise<boolean> {
  if (!(await teamExists(db, teamId))) return false;
  await db.batch([
    db.prepare('DELETE FROM team_members WHERE team_id = ?').bind(teamId),
    ...memberInserts(db, teamId, userIds),
  ]);
  return true;
}

function memberInserts(db: D1Database, teamId: string, userIds: string[]): D1PreparedStatement[] {
  return [...new Set(userIds)].map((userId) =>
    db.prepare('INSERT INTO team_members (team_id, user_id) VALUES (?, ?)').bind(teamId, userId),
  );
}

/** The ids among `ids` that are not users, in the order given. */
export async function unknownUsers(db: D1Database, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  const { results } = await db
    .prepare('SELECT id FROM users WHERE id IN (SELECT value FROM json_each(?))')
    .bind(JSON.stringify([...new Set(ids)]))
    .all<{ id: string }>();
  const known = new Set(results.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}

/** Rename a team; false when there is no such team. */
export async function renameTeam(db: D1Database, id: string, name: string): Promise<boolean> {
  const res = await db.prepare('UPDATE teams SET name = ? WHERE id = ?').bind(name, id).run();
  return res.meta.changes > 0;
}

/** Schedules that belong to a team, named. */
export async function schedulesOfTeam(db: D1Database, teamId: string): Promise<TeamMember[]> {
  const { results } = await db
    .prepare('SELECT id, name FROM schedules WHERE team_id = ? ORDER BY name, id')
    .bind(teamId)
    .all<TeamMember>();
  return results;
}

/** Delete a team and its memberships unless a schedule belongs to it (checked in the same statements); false when nothing was deleted. */
export async function deleteTeam(db: D1Database, id: string): Promise<boolean> {
  const unowned = 'NOT EXISTS (SELECT 1 FROM schedules WHERE team_id = ?1)';
  const results = await db.batch([
    db.prepare(`DELETE FROM team_members WHERE team_id = ?1 AND ${unowned}`).bind(id),
    db.prepare(`DELETE FROM teams WHERE id = ?1 AND ${unowned}`).bind(id),
  ]);
  return (results[1]?.meta.changes ?? 0) > 0;
}
