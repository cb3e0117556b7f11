-- Custom integrations map any monitor's own body to alert events with a mapping (schema/mapping-schemas.ts),
-- kept as JSON text; `preset` names the ready-made mapping it was made from, if any.
-- integrations.type has no CHECK constraint (0001), so the new type needs no table rebuild.
ALTER TABLE integrations ADD COLUMN mapping TEXT;
ALTER TABLE integrations ADD COLUMN preset TEXT;
