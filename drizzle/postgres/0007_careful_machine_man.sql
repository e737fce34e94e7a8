CREATE TABLE "participation_households" (
	"household_id" text NOT NULL,
	"space_residence_id" text NOT NULL,
	"residence_id" text,
	"building_id" text,
	"first_at" timestamp (3) with time zone NOT NULL,
	"last_at" timestamp (3) with time zone NOT NULL,
	"voted_first_at" timestamp (3) with time zone,
	"voted_last_at" timestamp (3) with time zone,
	"proposed_first_at" timestamp (3) with time zone,
	"proposed_last_at" timestamp (3) with time zone,
	"volunteered_first_at" timestamp (3) with time zone,
	"volunteered_last_at" timestamp (3) with time zone,
	CONSTRAINT "participation_households_household_id_space_residence_id_pk" PRIMARY KEY("household_id","space_residence_id")
);
--> statement-breakpoint
CREATE TABLE "participation_traces" (
	"kind" text NOT NULL,
	"source_id" text NOT NULL,
	"user_id" text NOT NULL,
	"space_residence_id" text NOT NULL,
	"household_id" text,
	"residence_id" text,
	"building_id" text,
	"at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "participation_traces_kind_source_id_user_id_pk" PRIMARY KEY("kind","source_id","user_id")
);
--> statement-breakpoint
CREATE INDEX "participation_households_scope" ON "participation_households" USING btree ("residence_id","last_at","first_at","space_residence_id","building_id","household_id","voted_first_at","voted_last_at","proposed_first_at","proposed_last_at","volunteered_first_at","volunteered_last_at");--> statement-breakpoint
CREATE INDEX "participation_traces_household" ON "participation_traces" USING btree ("household_id","space_residence_id","kind","at");--> statement-breakpoint
CREATE INDEX "participation_traces_user" ON "participation_traces" USING btree ("user_id");--> statement-breakpoint
-- participation_households follows participation_traces: the household's row is recomputed from its traces whenever one comes, goes or moves.
CREATE FUNCTION participation_households() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		DELETE FROM participation_households WHERE household_id = OLD.household_id AND space_residence_id = OLD.space_residence_id;
		INSERT INTO participation_households (household_id, space_residence_id, residence_id, building_id, first_at, last_at, voted_first_at, voted_last_at, proposed_first_at, proposed_last_at, volunteered_first_at, volunteered_last_at) SELECT household_id, space_residence_id, max(residence_id), max(building_id), min(at), max(at), min(CASE WHEN kind = 'voted' THEN at END), max(CASE WHEN kind = 'voted' THEN at END), min(CASE WHEN kind = 'proposed' THEN at END), max(CASE WHEN kind = 'proposed' THEN at END), min(CASE WHEN kind = 'volunteered' THEN at END), max(CASE WHEN kind = 'volunteered' THEN at END) FROM participation_traces WHERE household_id = OLD.household_id AND space_residence_id = OLD.space_residence_id GROUP BY household_id, space_residence_id;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		DELETE FROM participation_households WHERE household_id = NEW.household_id AND space_residence_id = NEW.space_residence_id;
		INSERT INTO participation_households (household_id, space_residence_id, residence_id, building_id, first_at, last_at, voted_first_at, voted_last_at, proposed_first_at, proposed_last_at, volunteered_first_at, volunteered_last_at) SELECT household_id, space_residence_id, max(residence_id), max(building_id), min(at), max(at), min(CASE WHEN kind = 'voted' THEN at END), max(CASE WHEN kind = 'voted' THEN at END), min(CASE WHEN kind = 'proposed' THEN at END), max(CASE WHEN kind = 'proposed' THEN at END), min(CASE WHEN kind = 'volunteered' THEN at END), max(CASE WHEN kind = 'volunteered' THEN at END) FROM participation_traces WHERE household_id = NEW.household_id AND space_residence_id = NEW.space_residence_id GROUP BY household_id, space_residence_id;
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER participation_households AFTER INSERT OR DELETE OR UPDATE ON participation_traces FOR EACH ROW EXECUTE FUNCTION participation_households();
--> statement-breakpoint
-- participation_traces (issue 14) is kept by the triggers below, in the writer's own transaction, and backfilled here.
INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'voted', R.id, R.user_id, s.space_id, h.id, h.residence_id, h.building_id, R.at FROM participations R INNER JOIN consultations s ON s.id = R.consultation_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = R.user_id LEFT JOIN households h ON h.id = u.household_id;
--> statement-breakpoint
INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'proposed', R.id, R.author_id, R.space_id, h.id, h.residence_id, h.building_id, R.created_at FROM proposals R LEFT JOIN users u ON u.id = R.author_id LEFT JOIN households h ON h.id = u.household_id WHERE R.space_type = 'residence';
--> statement-breakpoint
INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'supported', R.proposal_id, R.user_id, s.space_id, h.id, h.residence_id, h.building_id, R.created_at FROM proposal_supports R INNER JOIN proposals s ON s.id = R.proposal_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = R.user_id LEFT JOIN households h ON h.id = u.household_id;
--> statement-breakpoint
INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'volunteered', R.proposal_id, R.user_id, s.space_id, h.id, h.residence_id, h.building_id, R.created_at FROM proposal_volunteers R INNER JOIN proposals s ON s.id = R.proposal_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = R.user_id LEFT JOIN households h ON h.id = u.household_id;
--> statement-breakpoint
INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'commented', R.id, R.author_id, s.space_id, h.id, h.residence_id, h.building_id, R.created_at FROM proposal_comments R INNER JOIN proposals s ON s.id = R.proposal_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = R.author_id LEFT JOIN households h ON h.id = u.household_id;
--> statement-breakpoint
INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'attended', R.id, R.user_id, s.space_id, h.id, h.residence_id, h.building_id, se.held_at FROM activity_attendance R INNER JOIN activity_sessions se ON se.id = R.session_id INNER JOIN activities s ON s.id = se.activity_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = R.user_id LEFT JOIN households h ON h.id = u.household_id;
--> statement-breakpoint
CREATE FUNCTION participation_traces_voted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		DELETE FROM participation_traces WHERE kind = 'voted' AND source_id = OLD.id AND user_id = OLD.user_id;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'voted', NEW.id, NEW.user_id, s.space_id, h.id, h.residence_id, h.building_id, NEW.at FROM (SELECT 1 AS one) one INNER JOIN consultations s ON s.id = NEW.consultation_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = NEW.user_id LEFT JOIN households h ON h.id = u.household_id;
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER participation_traces_voted AFTER INSERT OR DELETE OR UPDATE OF at, user_id, consultation_id ON participations FOR EACH ROW EXECUTE FUNCTION participation_traces_voted();
--> statement-breakpoint
CREATE FUNCTION participation_traces_proposed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		DELETE FROM participation_traces WHERE kind = 'proposed' AND source_id = OLD.id AND user_id = OLD.author_id;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'proposed', NEW.id, NEW.author_id, NEW.space_id, h.id, h.residence_id, h.building_id, NEW.created_at FROM (SELECT 1 AS one) one LEFT JOIN users u ON u.id = NEW.author_id LEFT JOIN households h ON h.id = u.household_id WHERE NEW.space_type = 'residence';
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER participation_traces_proposed AFTER INSERT OR DELETE OR UPDATE OF created_at, author_id, space_type, space_id ON proposals FOR EACH ROW EXECUTE FUNCTION participation_traces_proposed();
--> statement-breakpoint
CREATE FUNCTION participation_traces_supported() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		DELETE FROM participation_traces WHERE kind = 'supported' AND source_id = OLD.proposal_id AND user_id = OLD.user_id;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'supported', NEW.proposal_id, NEW.user_id, s.space_id, h.id, h.residence_id, h.building_id, NEW.created_at FROM (SELECT 1 AS one) one INNER JOIN proposals s ON s.id = NEW.proposal_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = NEW.user_id LEFT JOIN households h ON h.id = u.household_id;
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER participation_traces_supported AFTER INSERT OR DELETE OR UPDATE OF created_at, user_id, proposal_id ON proposal_supports FOR EACH ROW EXECUTE FUNCTION participation_traces_supported();
--> statement-breakpoint
CREATE FUNCTION participation_traces_volunteered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		DELETE FROM participation_traces WHERE kind = 'volunteered' AND source_id = OLD.proposal_id AND user_id = OLD.user_id;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'volunteered', NEW.proposal_id, NEW.user_id, s.space_id, h.id, h.residence_id, h.building_id, NEW.created_at FROM (SELECT 1 AS one) one INNER JOIN proposals s ON s.id = NEW.proposal_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = NEW.user_id LEFT JOIN households h ON h.id = u.household_id;
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER participation_traces_volunteered AFTER INSERT OR DELETE OR UPDATE OF created_at, user_id, proposal_id ON proposal_volunteers FOR EACH ROW EXECUTE FUNCTION participation_traces_volunteered();
--> statement-breakpoint
CREATE FUNCTION participation_traces_commented() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		DELETE FROM participation_traces WHERE kind = 'commented' AND source_id = OLD.id AND user_id = OLD.author_id;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'commented', NEW.id, NEW.author_id, s.space_id, h.id, h.residence_id, h.building_id, NEW.created_at FROM (SELECT 1 AS one) one INNER JOIN proposals s ON s.id = NEW.proposal_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = NEW.author_id LEFT JOIN households h ON h.id = u.household_id;
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER participation_traces_commented AFTER INSERT OR DELETE OR UPDATE OF created_at, author_id, proposal_id ON proposal_comments FOR EACH ROW EXECUTE FUNCTION participation_traces_commented();
--> statement-breakpoint
CREATE FUNCTION participation_traces_attended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		DELETE FROM participation_traces WHERE kind = 'attended' AND source_id = OLD.id AND user_id = OLD.user_id;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'attended', NEW.id, NEW.user_id, s.space_id, h.id, h.residence_id, h.building_id, se.held_at FROM (SELECT 1 AS one) one INNER JOIN activity_sessions se ON se.id = NEW.session_id INNER JOIN activities s ON s.id = se.activity_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = NEW.user_id LEFT JOIN households h ON h.id = u.household_id;
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER participation_traces_attended AFTER INSERT OR DELETE OR UPDATE OF session_id, user_id ON activity_attendance FOR EACH ROW EXECUTE FUNCTION participation_traces_attended();
--> statement-breakpoint
CREATE FUNCTION participation_traces_consultations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM participation_traces WHERE kind = 'voted' AND (source_id, user_id) IN (SELECT R.id, R.user_id FROM participations R WHERE R.consultation_id = NEW.id);
	INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'voted', R.id, R.user_id, s.space_id, h.id, h.residence_id, h.building_id, R.at FROM participations R INNER JOIN consultations s ON s.id = R.consultation_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = R.user_id LEFT JOIN households h ON h.id = u.household_id WHERE R.consultation_id = NEW.id;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER participation_traces_consultations AFTER UPDATE OF space_type, space_id ON consultations FOR EACH ROW EXECUTE FUNCTION participation_traces_consultations();
--> statement-breakpoint
CREATE FUNCTION participation_traces_proposals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM participation_traces WHERE kind = 'supported' AND (source_id, user_id) IN (SELECT R.proposal_id, R.user_id FROM proposal_supports R WHERE R.proposal_id = NEW.id);
	INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'supported', R.proposal_id, R.user_id, s.space_id, h.id, h.residence_id, h.building_id, R.created_at FROM proposal_supports R INNER JOIN proposals s ON s.id = R.proposal_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = R.user_id LEFT JOIN households h ON h.id = u.household_id WHERE R.proposal_id = NEW.id;
	DELETE FROM participation_traces WHERE kind = 'volunteered' AND (source_id, user_id) IN (SELECT R.proposal_id, R.user_id FROM proposal_volunteers R WHERE R.proposal_id = NEW.id);
	INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'volunteered', R.proposal_id, R.user_id, s.space_id, h.id, h.residence_id, h.building_id, R.created_at FROM proposal_volunteers R INNER JOIN proposals s ON s.id = R.proposal_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = R.user_id LEFT JOIN households h ON h.id = u.household_id WHERE R.proposal_id = NEW.id;
	DELETE FROM participation_traces WHERE kind = 'commented' AND (source_id, user_id) IN (SELECT R.id, R.author_id FROM proposal_comments R WHERE R.proposal_id = NEW.id);
	INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'commented', R.id, R.author_id, s.space_id, h.id, h.residence_id, h.building_id, R.created_at FROM proposal_comments R INNER JOIN proposals s ON s.id = R.proposal_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = R.author_id LEFT JOIN households h ON h.id = u.household_id WHERE R.proposal_id = NEW.id;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER participation_traces_proposals AFTER UPDATE OF space_type, space_id ON proposals FOR EACH ROW EXECUTE FUNCTION participation_traces_proposals();
--> statement-breakpoint
CREATE FUNCTION participation_traces_activity_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM participation_traces WHERE kind = 'attended' AND (source_id, user_id) IN (SELECT R.id, R.user_id FROM activity_attendance R WHERE R.session_id = NEW.id);
	INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'attended', R.id, R.user_id, s.space_id, h.id, h.residence_id, h.building_id, se.held_at FROM activity_attendance R INNER JOIN activity_sessions se ON se.id = R.session_id INNER JOIN activities s ON s.id = se.activity_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = R.user_id LEFT JOIN households h ON h.id = u.household_id WHERE R.session_id = NEW.id;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER participation_traces_activity_sessions AFTER UPDATE OF held_at, activity_id ON activity_sessions FOR EACH ROW EXECUTE FUNCTION participation_traces_activity_sessions();
--> statement-breakpoint
CREATE FUNCTION participation_traces_activities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM participation_traces WHERE kind = 'attended' AND (source_id, user_id) IN (SELECT R.id, R.user_id FROM activity_attendance R WHERE R.session_id IN (SELECT x.id FROM activity_sessions x WHERE x.activity_id = NEW.id));
	INSERT INTO participation_traces (kind, source_id, user_id, space_residence_id, household_id, residence_id, building_id, at) SELECT 'attended', R.id, R.user_id, s.space_id, h.id, h.residence_id, h.building_id, se.held_at FROM activity_attendance R INNER JOIN activity_sessions se ON se.id = R.session_id INNER JOIN activities s ON s.id = se.activity_id AND s.space_type = 'residence' LEFT JOIN users u ON u.id = R.user_id LEFT JOIN households h ON h.id = u.household_id WHERE R.session_id IN (SELECT x.id FROM activity_sessions x WHERE x.activity_id = NEW.id);
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER participation_traces_activities AFTER UPDATE OF space_type, space_id ON activities FOR EACH ROW EXECUTE FUNCTION participation_traces_activities();
--> statement-breakpoint
CREATE FUNCTION participation_traces_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE participation_traces SET household_id = NEW.household_id, residence_id = (SELECT residence_id FROM households WHERE id = NEW.household_id), building_id = (SELECT building_id FROM households WHERE id = NEW.household_id) WHERE user_id = NEW.id;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER participation_traces_users AFTER UPDATE OF household_id ON users FOR EACH ROW WHEN (OLD.household_id IS DISTINCT FROM NEW.household_id) EXECUTE FUNCTION participation_traces_users();
--> statement-breakpoint
CREATE FUNCTION participation_traces_households() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE participation_traces SET residence_id = NEW.residence_id, building_id = NEW.building_id WHERE household_id = NEW.id;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER participation_traces_households AFTER UPDATE OF residence_id, building_id ON households FOR EACH ROW EXECUTE FUNCTION participation_traces_households();
