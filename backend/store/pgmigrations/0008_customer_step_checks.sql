-- migrations/0008 on PostgreSQL: customer_steps' references checked once per
-- statement, and its indexes cut to those PostgreSQL uses.
--
-- Activation writes a release's steps for every customer in one INSERT …
-- SELECT: 200,000 rows at 2,000 × 100. PostgreSQL checks a foreign key with
-- a trigger per row (a lookup and a row lock in the referenced table): the
-- three keys of customer_steps cost 5.2 of activation's 8 s. The same rules
-- are kept here by triggers that check all the rows of a statement in one
-- join, and by the referenced tables' own triggers for ON DELETE. The
-- advisory lock is the one every Shipdeck write takes first (store.Tx): a
-- writer outside Shipdeck that deletes a release, customer or template
-- waits for an insert going on, and its cascade sees the inserted rows.
--
-- Each index costs activation about 0.4 s. customer_steps_release_id_idx
-- and customer_steps_release_customer_idx repeat the leading columns of
-- unique_customer_step (release_id, customer_id, template_id), which
-- PostgreSQL reads for the same lookups; customer_steps_customer_id_idx
-- served only the foreign key's cascade, which goes through the releases
-- (few) and unique_customer_step instead. SQLite keeps all three: its
-- planner is told which index to use (INDEXED BY), and its writes are cheaper.
-- customer_steps_template_idx carries status and is_overridden as INCLUDE
-- columns: the matrix still reads them from the index alone, and they are
-- no longer compared on every insert.

ALTER TABLE customer_steps
	DROP CONSTRAINT customer_steps_release_id_fkey,
	DROP CONSTRAINT customer_steps_customer_id_fkey,
	DROP CONSTRAINT customer_steps_template_id_fkey;

DROP INDEX customer_steps_release_id_idx;
DROP INDEX customer_steps_release_customer_idx;
DROP INDEX customer_steps_customer_id_idx;
DROP INDEX customer_steps_template_idx;
CREATE INDEX customer_steps_template_idx ON customer_steps (template_id, customer_id) INCLUDE (status, is_overridden);

-- customer_steps_refuse raises the error the foreign key on column bad
-- (NULL: none) raised.
CREATE FUNCTION customer_steps_refuse(bad text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF bad IS NOT NULL THEN
		RAISE foreign_key_violation USING
			MESSAGE = format('insert or update on table "customer_steps" violates foreign key constraint "customer_steps_%s_fkey"', bad),
			CONSTRAINT = format('customer_steps_%s_fkey', bad), TABLE = 'customer_steps';
	END IF;
END $$;

-- The steps a statement inserted name an existing release, customer and
-- template (or none): one join over them, the error a foreign key raises.
CREATE FUNCTION customer_steps_check_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	bad text;
BEGIN
	PERFORM pg_advisory_xact_lock(7304935101);
	SELECT CASE
		WHEN bool_or(r.id IS NULL) THEN 'release_id'
		WHEN bool_or(c.id IS NULL) THEN 'customer_id'
		WHEN bool_or(n.template_id IS NOT NULL AND t.id IS NULL) THEN 'template_id'
	END INTO bad
	FROM new_steps n
		LEFT JOIN releases r ON r.id = n.release_id
		LEFT JOIN customers c ON c.id = n.customer_id
		LEFT JOIN step_templates t ON t.id = n.template_id;
	PERFORM customer_steps_refuse(bad);
	RETURN NULL;
END $$;

CREATE TRIGGER customer_steps_references_exist AFTER INSERT ON customer_steps
	REFERENCING NEW TABLE AS new_steps FOR EACH STATEMENT EXECUTE FUNCTION customer_steps_check_inserted();

-- Shipdeck never moves a step to another release, customer or template (a
-- deleted template's steps lose it: NULL, always allowed). A change that
-- does is checked row by row; the WHEN keeps every other update free of it.
CREATE FUNCTION customer_steps_check_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	bad text;
BEGIN
	PERFORM pg_advisory_xact_lock(7304935101);
	bad := CASE
		WHEN NOT EXISTS (SELECT 1 FROM releases WHERE id = NEW.release_id) THEN 'release_id'
		WHEN NOT EXISTS (SELECT 1 FROM customers WHERE id = NEW.customer_id) THEN 'customer_id'
		WHEN NEW.template_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM step_templates WHERE id = NEW.template_id) THEN 'template_id'
	END;
	PERFORM customer_steps_refuse(bad);
	RETURN NULL;
END $$;

CREATE TRIGGER customer_steps_references_moved AFTER UPDATE OF release_id, customer_id, template_id ON customer_steps
	FOR EACH ROW WHEN (NEW.release_id IS DISTINCT FROM OLD.release_id OR NEW.customer_id IS DISTINCT FROM OLD.customer_id
		OR (NEW.template_id IS NOT NULL AND NEW.template_id IS DISTINCT FROM OLD.template_id))
	EXECUTE FUNCTION customer_steps_check_moved();

-- ON DELETE CASCADE (releases, customers) and ON DELETE SET NULL
-- (step_templates). A customer's steps are found through the releases (few)
-- and unique_customer_step, as no index leads with customer_id.
CREATE FUNCTION customer_steps_follow_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(7304935101);
	CASE TG_TABLE_NAME
	WHEN 'releases' THEN
		DELETE FROM customer_steps WHERE release_id = OLD.id;
	WHEN 'customers' THEN
		DELETE FROM customer_steps WHERE release_id IN (SELECT id FROM releases) AND customer_id = OLD.id;
	ELSE
		UPDATE customer_steps SET template_id = NULL WHERE template_id = OLD.id;
	END CASE;
	RETURN NULL;
END $$;

-- A referenced id does not change (the foreign keys' NO ACTION on update).
CREATE FUNCTION customer_steps_keep_ids() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	referenced boolean;
BEGIN
	PERFORM pg_advisory_xact_lock(7304935101);
	referenced := CASE TG_TABLE_NAME
		WHEN 'releases' THEN EXISTS (SELECT 1 FROM customer_steps WHERE release_id = OLD.id)
		WHEN 'customers' THEN EXISTS (SELECT 1 FROM customer_steps WHERE release_id IN (SELECT id FROM releases) AND customer_id = OLD.id)
		ELSE EXISTS (SELECT 1 FROM customer_steps WHERE template_id = OLD.id)
	END;
	IF referenced THEN
		RAISE foreign_key_violation USING
			MESSAGE = format('update on table "%s" violates a foreign key constraint on table "customer_steps"', TG_TABLE_NAME),
			TABLE = 'customer_steps';
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER customer_steps_follow_delete AFTER DELETE ON releases
	FOR EACH ROW EXECUTE FUNCTION customer_steps_follow_delete();
CREATE TRIGGER customer_steps_follow_delete AFTER DELETE ON customers
	FOR EACH ROW EXECUTE FUNCTION customer_steps_follow_delete();
CREATE TRIGGER customer_steps_follow_delete AFTER DELETE ON step_templates
	FOR EACH ROW EXECUTE FUNCTION customer_steps_follow_delete();
CREATE TRIGGER customer_steps_keep_ids AFTER UPDATE OF id ON releases
	FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION customer_steps_keep_ids();
CREATE TRIGGER customer_steps_keep_ids AFTER UPDATE OF id ON customers
	FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION customer_steps_keep_ids();
CREATE TRIGGER customer_steps_keep_ids AFTER UPDATE OF id ON step_templates
	FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION customer_steps_keep_ids();
