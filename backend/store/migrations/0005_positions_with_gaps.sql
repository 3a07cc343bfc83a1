-- Positions with gaps (docs/design.md, "Ordering"): a category's templates
-- sit 1024 apart, every template step at its template's position, and the
-- steps without a template spread over the gap after the template step they
-- follow. From here on, moving or adding one template rewrites only its own
-- rows. Databases made before (ours, numbered 0..n-1, or the
-- specification's app, whose customer order may differ from its template
-- order) are renumbered once, each customer's steps keeping their place
-- after the step they follow.

-- 1. Templates: lifted out of the way of the unique index (which SQLite
--    checks row by row during an UPDATE), then placed at (rank + 1) * 1024.
UPDATE `step_templates` SET `order_index` = `order_index` + 1099511627776;
UPDATE `step_templates` SET `order_index` = r.rn * 1024
FROM (SELECT `id`, row_number() OVER (PARTITION BY `release_id`, `category` ORDER BY `order_index`, `id`) AS rn FROM `step_templates`) r
WHERE `step_templates`.`id` = r.`id`;

-- 2. Steps without a template, anchored by the customer's current order
--    (read before the template steps move), spread over the gap after their
--    anchor's new position; those before every template step over the gap
--    below the first template.
WITH anchored AS (
	SELECT cs.`id`, cs.`release_id`, cs.`customer_id`, cs.`category`, cs.`order_index` AS old,
		(SELECT a.`template_id` FROM `customer_steps` a
			WHERE a.`release_id` = cs.`release_id` AND a.`customer_id` = cs.`customer_id` AND a.`category` = cs.`category`
				AND a.`template_id` IS NOT NULL AND a.`order_index` < cs.`order_index`
			ORDER BY a.`order_index` DESC LIMIT 1) AS anchor
	FROM `customer_steps` cs WHERE cs.`template_id` IS NULL
), placed AS (
	SELECT a.`id`, coalesce(t.`order_index`,
			(SELECT min(t2.`order_index`) FROM `step_templates` t2 WHERE t2.`release_id` = a.`release_id` AND t2.`category` = a.`category`) - 1024, 0)
		+ row_number() OVER w * (1024 / (count(*) OVER (PARTITION BY a.`release_id`, a.`customer_id`, a.`category`, a.anchor) + 1)) AS pos
	FROM anchored a LEFT JOIN `step_templates` t ON t.`id` = a.anchor
	WINDOW w AS (PARTITION BY a.`release_id`, a.`customer_id`, a.`category`, a.anchor ORDER BY a.old, a.`id`)
)
UPDATE `customer_steps` SET `order_index` = placed.pos FROM placed WHERE `customer_steps`.`id` = placed.`id`;

-- 3. Every template step at its template's position.
UPDATE `customer_steps` SET `order_index` = t.`order_index`
FROM `step_templates` t WHERE t.`id` = `customer_steps`.`template_id` AND `customer_steps`.`order_index` <> t.`order_index`;

-- The steps without a template are few, and the ordering code reads them by
-- release, category and position (to find room next to a template, and to
-- move the ones that follow it): a partial index holds just them.
CREATE INDEX `customer_steps_untemplated_idx` ON `customer_steps` (`release_id`, `category`, `order_index`) WHERE `template_id` IS NULL;
