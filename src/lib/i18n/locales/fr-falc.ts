/** Every fr-falc catalogue, merged: one chunk for the browser, loaded only when a page is read in it. */
import coreFalc from '../messages/core.fr-falc.json';
import boardsFalc from '../messages/boards.fr-falc.json';
import votesFalc from '../messages/votes.fr-falc.json';
import inclusionFalc from '../messages/inclusion.fr-falc.json';
import minutesFalc from '../messages/minutes.fr-falc.json';

const messages: Partial<Record<string, string>> = { ...coreFalc, ...boardsFalc, ...votesFalc, ...inclusionFalc, ...minutesFalc };
export default messages;
