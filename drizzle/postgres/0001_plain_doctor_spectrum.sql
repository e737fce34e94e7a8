CREATE TABLE "residence_portal_settings" (
	"residence_id" text PRIMARY KEY NOT NULL,
	"results_public" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "body_rules" ADD COLUMN "public_meetings" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "residence_portal_settings" ADD CONSTRAINT "residence_portal_settings_residence_id_residences_id_fk" FOREIGN KEY ("residence_id") REFERENCES "public"."residences"("id") ON DELETE no action ON UPDATE no action;