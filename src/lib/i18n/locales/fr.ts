/** Every fr catalogue, merged: one chunk for the browser, loaded only when a page is read in it. */
import coreFr from '../messages/core.fr.json';
import boardsFr from '../messages/boards.fr.json';
import votesFr from '../messages/votes.fr.json';
import collabFr from '../messages/collab.fr.json';
import accessFr from '../messages/access.fr.json';
import notificationsFr from '../messages/notifications.fr.json';
import meetingsFr from '../messages/meetings.fr.json';
import trustFr from '../messages/trust.fr.json';
import securityFr from '../messages/security.fr.json';
import minutesFr from '../messages/minutes.fr.json';
import practiceFr from '../messages/practice.fr.json';
import inclusionFr from '../messages/inclusion.fr.json';
import indicatorsFr from '../messages/indicators.fr.json';
import safeguardsFr from '../messages/safeguards.fr.json';

const messages = { ...coreFr, ...boardsFr, ...votesFr, ...collabFr, ...accessFr, ...notificationsFr, ...meetingsFr, ...trustFr, ...securityFr, ...minutesFr, ...practiceFr, ...inclusionFr, ...indicatorsFr, ...safeguardsFr };
export default messages;
