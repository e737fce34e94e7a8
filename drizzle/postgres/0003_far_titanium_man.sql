CREATE TABLE "indicator_publications" (
	"space_type" text NOT NULL,
	"space_id" text NOT NULL,
	"indicator_id" text NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "indicator_publications_space_type_space_id_indicator_id_pk" PRIMARY KEY("space_type","space_id","indicator_id")
);
--> statement-breakpoint
ALTER TABLE "indicator_publications" ADD CONSTRAINT "indicator_publications_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;