-- participations lose their index by person (issue 15): each vote wrote one more random page of it. The indicators read participation_traces; the consultations list finds a residence voter's votes through her traces (views.ts).
DROP INDEX "participations_user_at";
