DROP INDEX "participations_user";--> statement-breakpoint
CREATE INDEX "households_scope" ON "households" USING btree ("residence_id","building_id","id");--> statement-breakpoint
CREATE INDEX "users_household" ON "users" USING btree ("household_id","id");--> statement-breakpoint
CREATE INDEX "participations_user_at" ON "participations" USING btree ("user_id","at","consultation_id");