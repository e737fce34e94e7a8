CREATE TABLE "survey_voice_answers" (
	"id" bigint PRIMARY KEY NOT NULL,
	"survey_id" text NOT NULL,
	"file" text NOT NULL,
	"mime" text NOT NULL,
	"duration_ms" integer NOT NULL,
	"bytes" integer NOT NULL,
	"summary" text,
	"summary_by" text,
	"summary_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "surveys" ADD COLUMN "voice" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "survey_voice_answers" ADD CONSTRAINT "survey_voice_answers_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_voice_answers" ADD CONSTRAINT "survey_voice_answers_summary_by_users_id_fk" FOREIGN KEY ("summary_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "survey_voice_answers_survey" ON "survey_voice_answers" USING btree ("survey_id");