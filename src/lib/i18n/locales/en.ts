/** Every en catalogue, merged: one chunk for the browser, loaded only when a page is read in it. */
import coreEn from '../messages/core.en.json';
import boardsEn from '../messages/boards.en.json';
import votesEn from '../messages/votes.en.json';
import collabEn from '../messages/collab.en.json';
import accessEn from '../messages/access.en.json';
import notificationsEn from '../messages/notifications.en.json';
import meetingsEn from '../messages/meetings.en.json';
import trustEn from '../messages/trust.en.json';
import securityEn from '../messages/security.en.json';
import minutesEn from '../messages/minutes.en.json';
import practiceEn from '../messages/practice.en.json';
import inclusionEn from '../messages/inclusion.en.json';
import indicatorsEn from '../messages/indicators.en.json';
import safeguardsEn from '../messages/safeguards.en.json';

const messages = { ...coreEn, ...boardsEn, ...votesEn, ...collabEn, ...accessEn, ...notificationsEn, ...meetingsEn, ...trustEn, ...securityEn, ...minutesEn, ...practiceEn, ...inclusionEn, ...indicatorsEn, ...safeguardsEn };
export default messages;
