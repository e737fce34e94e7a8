ALTER TABLE "bodies" ADD COLUMN "proxies_across_colleges" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "residences" ADD COLUMN "association_rights" text DEFAULT 'full' NOT NULL;