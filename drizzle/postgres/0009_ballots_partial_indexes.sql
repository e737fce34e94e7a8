-- ballots (issue 15): the unique indexes on participation_id and token_hash leave out the rows that have none (a secret or paper ballot has no participation, a public one no secret), so a vote writes one index leaf page fewer. Every query naming either column compares it to a value (= or a join), which the partial index answers.
ALTER TABLE "ballots" DROP CONSTRAINT "ballots_token_hash_unique";--> statement-breakpoint
DROP INDEX "ballots_participation";--> statement-breakpoint
CREATE UNIQUE INDEX "ballots_token_hash_unique" ON "ballots" USING btree ("token_hash") WHERE "ballots"."token_hash" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "ballots_participation" ON "ballots" USING btree ("participation_id") WHERE "ballots"."participation_id" is not null;