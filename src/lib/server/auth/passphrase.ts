import type { Ids } from '../ids';

/**
 * Short, everyday French words without accents, easy to say aloud and to type on a phone.
 * 6 words from these 245 give about 47 bits, plenty behind sign-in rate limiting.
 */
const WORDS = `abeille abricot acier affiche agneau aigle aimant album allee ampoule ananas ancre ange anneau araignee arbre
arche argent armoire arrosoir artiste atelier avion avocat bagage baguette baleine balcon ballon banane banc bateau
bazar beignet berger biscuit bisou blason bocal bonbon bonnet bottes bougie boussole bouton branche brioche brouette
bureau cabane cactus cadeau cahier caillou camion canard canape carotte carton castor cerise chaise chameau chapeau
chat chemin cheval chocolat citron clarinette classeur clef clown cocotte colibri colline comete concert confiture
coquelicot corde cornichon coton couleur courgette crayon crocodile cuillere cuisine dauphin dentelle desert domino
dragon echarpe ecureuil elephant enveloppe epice escalier etoile fanfare farine fenetre ficelle figue flamant fleur
foret fougere fourmi fraise framboise fromage fusee galette gant gateau girafe glace gomme gorille goutte grenier
grenouille guitare hamac hamster harpe herisson hibou horloge igloo ile jardin jonquille journal jupe kiwi lac lampe
lapin lavande legume lezard licorne lilas lion livre loup lune lutin macaron magnet maison mandarine manege mangue
marche marmotte marron melon merle miel mimosa miroir montagne moulin mouton muguet musique nappe navet nuage oasis
oiseau olive orange orchestre ours palmier panda panier papillon parapluie pastel pelouse perle persil phare piano
pinceau pingouin pirate pizza plage plume poire pomme pont poney potager poule prairie prune puzzle radis raisin
renard requin riviere robot rocher rose ruche sable salade sapin sardine savon serpent sirop soleil souris sucre
tambour tapis tartine taupe tigre tomate tortue tracteur train trefle trompette tulipe valise vanille velo violon
volcan wagon yaourt zebre`
	.split(/\s+/)
	.filter(Boolean);

export const PASSPHRASE_WORD_COUNT = 6;

export function generatePassphrase(ids: Ids, words = PASSPHRASE_WORD_COUNT): string {
	const bytes = ids.bytes(words * 2);
	const picked: string[] = [];
	for (let i = 0; i < words; i++) {
		const n = ((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0);
		// 16 random bits per word: the modulo bias over 245 words is below 0.4 %.
		picked.push(WORDS[n % WORDS.length]!);
	}
	return picked.join(' ');
}

export const passphraseWordCount = WORDS.length;

/** Readable one-time codes (no 0/O/1/I/L): "K7P2-MX9D". */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export function generateCode(ids: Ids, length = 8): string {
	const bytes = ids.bytes(length);
	let out = '';
	for (let i = 0; i < length; i++) {
		if (i > 0 && i % 4 === 0) out += '-';
		out += CODE_ALPHABET[(bytes[i] ?? 0) % CODE_ALPHABET.length];
	}
	return out;
}

/** Accepts what people type: lower case, spaces, missing dash. */
export function normalizeCode(input: string): string {
	const raw = input.toUpperCase().replace(/[^0-9A-Z]/g, '');
	return raw.replace(/(.{4})(?=.)/g, '$1-');
}
