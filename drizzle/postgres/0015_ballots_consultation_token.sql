-- ballots (issue 15): one index, (consultation_id, token_hash), for a consultation's ballots and for a secret ballot by its secret, instead of two (consultation_id; token_hash where set): a secret vote wrote a random leaf page in each. Its secret was already looked for only within its consultation. Tokens were unique across the table, so they are within each consultation.
DROP INDEX "ballots_token_hash_unique";--> statement-breakpoint
DROP INDEX "ballots_consultation";--> statement-breakpoint
CREATE UNIQUE INDEX "ballots_consultation" ON "ballots" USING btree ("consultation_id","token_hash");
