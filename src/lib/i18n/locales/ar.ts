/** Every ar catalogue, merged: one chunk for the browser, loaded only when a page is read in it. */
import coreAr from '../messages/core.ar.json';
import boardsAr from '../messages/boards.ar.json';
import votesAr from '../messages/votes.ar.json';
import collabAr from '../messages/collab.ar.json';
import accessAr from '../messages/access.ar.json';
import notificationsAr from '../messages/notifications.ar.json';
import trustAr from '../messages/trust.ar.json';
import securityAr from '../messages/security.ar.json';
import inclusionAr from '../messages/inclusion.ar.json';
import safeguardsAr from '../messages/safeguards.ar.json';
// Only what the residence and body pages show of these (their own pages fall back to French).
import meetingsAr from '../messages/meetings.ar.json';
import minutesAr from '../messages/minutes.ar.json';
import indicatorsAr from '../messages/indicators.ar.json';

const messages: Partial<Record<string, string>> = { ...coreAr, ...boardsAr, ...votesAr, ...collabAr, ...accessAr, ...notificationsAr, ...trustAr, ...securityAr, ...inclusionAr, ...safeguardsAr, ...meetingsAr, ...minutesAr, ...indicatorsAr };
export default messages;
