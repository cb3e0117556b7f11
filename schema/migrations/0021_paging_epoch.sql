-- The paging snapshot's key becomes (epoch, version) (issue 19; reasoning in worker/directory/paging-snapshot.ts).
-- A counter alone goes back when D1 is restored to an earlier point in time, and the writes after the restore
-- would reuse numbers that named other states of the paging tables, under which an isolate may still hold a
-- snapshot. So every bump of the version also draws a new random epoch, in the same statement (a trigger on the
-- row itself), and this migration draws the first one, so no two databases start with the same key.
-- 53 bits: a JavaScript number holds the integer exactly. The epoch-trigger updates only `epoch`, so it cannot
-- fire itself.
ALTER TABLE paging_version ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
UPDATE paging_version SET epoch = random() & 9007199254740991;
CREATE TRIGGER paging_v_epoch AFTER UPDATE OF version ON paging_version BEGIN UPDATE paging_version SET epoch = random() & 9007199254740991 WHERE id = NEW.id; END;
