-- participation_trace_queue (issue 15): a vote's trace of participation (and its household's row) is no longer written in the vote's own unit. The participations' insert trigger appends the participation to this queue instead (one page at its end), and the service folds the queue into participation_traces in a unit of its own (services/indicators/vote-traces.ts), before anything reads the traces. The update and delete triggers stay as they were: an update writes its trace at once (the fold keeps it), a deleted participation still queued leaves no trace (the fold joins the queue to participations). Nothing is queued when this runs: every participation already has its trace.
CREATE TABLE `participation_trace_queue` (
	`seq` integer PRIMARY KEY NOT NULL,
	`participation_id` text NOT NULL,
	`user_id` text NOT NULL
);
--> statement-breakpoint
DROP TRIGGER participation_traces_voted_insert;--> statement-breakpoint
CREATE TRIGGER participation_traces_voted_queue AFTER INSERT ON participations BEGIN
	INSERT INTO participation_trace_queue (participation_id, user_id) VALUES (NEW.id, NEW.user_id);
END;
