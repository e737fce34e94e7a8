-- participations lose their index by person (issue 15): each vote wrote one more random page of it (about a sixth of a group commit's pages at 10 voters). The indicators read participation_traces; the consultations list finds a residence voter's votes through her traces (views.ts).
DROP INDEX `participations_user_at`;
