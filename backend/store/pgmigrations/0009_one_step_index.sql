-- migrations/0009 on PostgreSQL: customer_steps keeps one index beside its
-- primary key, unique_customer_step, which now also holds each step's status.
--
-- Activation inserts a release's 200,000 steps in unique_customer_step's
-- order (customer, template). customer_steps_template_idx (template,
-- customer) took the same rows out of its order, each in the middle of
-- another template's entries: a descent, a page split now and then, and
-- about 0.6 s of activation's 2.2 s on this machine (docs/performance.md).
-- What it served — a template's steps, the matrix and a release's figures
-- read from the index alone — goes through unique_customer_step: a
-- template's steps are found with their release (every step's template is
-- one of its own release's, which the insert check below now refuses
-- otherwise), and the matrix is read customer by customer, the index's
-- order. SQLite keeps customer_steps_template_idx: its writes are cheaper,
-- and its planner is told which index to use.

DROP INDEX customer_steps_template_idx;
DROP INDEX unique_customer_step;
CREATE UNIQUE INDEX unique_customer_step ON customer_steps (release_id, customer_id, template_id) INCLUDE (status, is_overridden);

-- As in 0008, plus: a step's template belongs to the step's release.
CREATE OR REPLACE FUNCTION customer_steps_check_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	bad text;
BEGIN
	PERFORM pg_advisory_xact_lock(7304935101);
	SELECT CASE
		WHEN bool_or(r.id IS NULL) THEN 'release_id'
		WHEN bool_or(c.id IS NULL) THEN 'customer_id'
		WHEN bool_or(n.template_id IS NOT NULL AND (t.id IS NULL OR t.release_id <> n.release_id)) THEN 'template_id'
	END INTO bad
	FROM new_steps n
		LEFT JOIN releases r ON r.id = n.release_id
		LEFT JOIN customers c ON c.id = n.customer_id
		LEFT JOIN step_templates t ON t.id = n.template_id;
	PERFORM customer_steps_refuse(bad);
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION customer_steps_check_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	bad text;
BEGIN
	PERFORM pg_advisory_xact_lock(7304935101);
	bad := CASE
		WHEN NOT EXISTS (SELECT 1 FROM releases WHERE id = NEW.release_id) THEN 'release_id'
		WHEN NOT EXISTS (SELECT 1 FROM customers WHERE id = NEW.customer_id) THEN 'customer_id'
		WHEN NEW.template_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM step_templates WHERE id = NEW.template_id AND release_id = NEW.release_id) THEN 'template_id'
	END;
	PERFORM customer_steps_refuse(bad);
	RETURN NULL;
END $$;

DROP TRIGGER customer_steps_references_moved ON customer_steps;
CREATE TRIGGER customer_steps_references_moved AFTER UPDATE OF release_id, customer_id, template_id ON customer_steps
	FOR EACH ROW WHEN (NEW.release_id IS DISTINCT FROM OLD.release_id OR NEW.customer_id IS DISTINCT FROM OLD.customer_id
		OR (NEW.template_id IS NOT NULL AND NEW.template_id IS DISTINCT FROM OLD.template_id))
	EXECUTE FUNCTION customer_steps_check_moved();

-- A template's steps are reached with its release, as everywhere else.
CREATE OR REPLACE FUNCTION customer_steps_follow_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(7304935101);
	CASE TG_TABLE_NAME
	WHEN 'releases' THEN
		DELETE FROM customer_steps WHERE release_id = OLD.id;
	WHEN 'customers' THEN
		DELETE FROM customer_steps WHERE release_id IN (SELECT id FROM releases) AND customer_id = OLD.id;
	ELSE
		UPDATE customer_steps SET template_id = NULL WHERE release_id = OLD.release_id AND template_id = OLD.id;
	END CASE;
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION customer_steps_keep_ids() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	referenced boolean;
BEGIN
	PERFORM pg_advisory_xact_lock(7304935101);
	referenced := CASE TG_TABLE_NAME
		WHEN 'releases' THEN EXISTS (SELECT 1 FROM customer_steps WHERE release_id = OLD.id)
		WHEN 'customers' THEN EXISTS (SELECT 1 FROM customer_steps WHERE release_id IN (SELECT id FROM releases) AND customer_id = OLD.id)
		ELSE EXISTS (SELECT 1 FROM customer_steps WHERE release_id = OLD.release_id AND template_id = OLD.id)
	END;
	IF referenced THEN
		RAISE foreign_key_violation USING
			MESSAGE = format('update on table "%s" violates a foreign key constraint on table "customer_steps"', TG_TABLE_NAME),
			TABLE = 'customer_steps';
	END IF;
	RETURN NULL;
END $$;
