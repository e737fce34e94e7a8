-- participation_households (0025): a trace added now updates its household's row in place (first and last times widened, by an upsert) instead of recomputing the row from every trace of the household: votes write one trace each, and the recomputation was most of a vote's insert (issue 15). Removed or moved traces still recompute the row (a minimum or maximum cannot be narrowed without the other traces). min/max of two values are NULL when either is: coalesce keeps the one that is set, as the aggregates ignore NULLs.
DROP TRIGGER participation_households_insert;
--> statement-breakpoint
CREATE TRIGGER participation_households_insert AFTER INSERT ON participation_traces WHEN NEW.household_id IS NOT NULL BEGIN
	INSERT INTO participation_households (household_id, space_residence_id, residence_id, building_id, first_at, last_at, voted_first_at, voted_last_at, proposed_first_at, proposed_last_at, volunteered_first_at, volunteered_last_at)
	VALUES (NEW.household_id, NEW.space_residence_id, NEW.residence_id, NEW.building_id, NEW.at, NEW.at, CASE WHEN NEW.kind = 'voted' THEN NEW.at END, CASE WHEN NEW.kind = 'voted' THEN NEW.at END, CASE WHEN NEW.kind = 'proposed' THEN NEW.at END, CASE WHEN NEW.kind = 'proposed' THEN NEW.at END, CASE WHEN NEW.kind = 'volunteered' THEN NEW.at END, CASE WHEN NEW.kind = 'volunteered' THEN NEW.at END)
	ON CONFLICT (household_id, space_residence_id) DO UPDATE SET
		residence_id = coalesce(max(residence_id, excluded.residence_id), residence_id, excluded.residence_id),
		building_id = coalesce(max(building_id, excluded.building_id), building_id, excluded.building_id),
		first_at = min(first_at, excluded.first_at),
		last_at = max(last_at, excluded.last_at),
		voted_first_at = coalesce(min(voted_first_at, excluded.voted_first_at), voted_first_at, excluded.voted_first_at),
		voted_last_at = coalesce(max(voted_last_at, excluded.voted_last_at), voted_last_at, excluded.voted_last_at),
		proposed_first_at = coalesce(min(proposed_first_at, excluded.proposed_first_at), proposed_first_at, excluded.proposed_first_at),
		proposed_last_at = coalesce(max(proposed_last_at, excluded.proposed_last_at), proposed_last_at, excluded.proposed_last_at),
		volunteered_first_at = coalesce(min(volunteered_first_at, excluded.volunteered_first_at), volunteered_first_at, excluded.volunteered_first_at),
		volunteered_last_at = coalesce(max(volunteered_last_at, excluded.volunteered_last_at), volunteered_last_at, excluded.volunteered_last_at);
END;
