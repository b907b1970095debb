/**
 * Apple Podcasts categories in French, keyed by Apple's English name (the value feeds
 * carry, src/core/apple-categories.ts). English pages show Apple's names as they are.
 */
import { APPLE_CATEGORIES } from '../../core/apple-categories.js';
import type { Lang } from './lang.js';

export const APPLE_CATEGORY_NAMES_FR: Readonly<Record<string, string>> = {
  Arts: 'Arts',
  Books: 'Livres',
  Design: 'Design',
  'Fashion & Beauty': 'Mode et beauté',
  Food: 'Cuisine',
  'Performing Arts': 'Arts du spectacle',
  'Visual Arts': 'Arts visuels',
  Business: 'Économie et entreprise',
  Careers: 'Carrières',
  Entrepreneurship: 'Entrepreneuriat',
  Investing: 'Investissement',
  Management: 'Management',
  Marketing: 'Marketing',
  'Non-Profit': 'Associations',
  Comedy: 'Humour',
  'Comedy Interviews': 'Entretiens humoristiques',
  Improv: 'Improvisation',
  'Stand-Up': 'Stand-up',
  Education: 'Éducation',
  Courses: 'Cours',
  'How To': 'Tutoriels',
  'Language Learning': 'Apprentissage des langues',
  'Self-Improvement': 'Développement personnel',
  Fiction: 'Fiction',
  'Comedy Fiction': 'Fiction humoristique',
  Drama: 'Drame',
  'Science Fiction': 'Science-fiction',
  Government: 'Administration publique',
  History: 'Histoire',
  'Health & Fitness': 'Santé et forme',
  'Alternative Health': 'Médecines douces',
  Fitness: 'Remise en forme',
  Medicine: 'Médecine',
  'Mental Health': 'Santé mentale',
  Nutrition: 'Nutrition',
  Sexuality: 'Sexualité',
  'Kids & Family': 'Enfants et famille',
  'Education for Kids': 'Éducation pour les enfants',
  Parenting: 'Parentalité',
  'Pets & Animals': 'Animaux',
  'Stories for Kids': 'Histoires pour enfants',
  Leisure: 'Loisirs',
  'Animation & Manga': 'Animation et manga',
  Automotive: 'Automobile',
  Aviation: 'Aviation',
  Crafts: 'Travaux manuels',
  Games: 'Jeux',
  Hobbies: 'Passe-temps',
  'Home & Garden': 'Maison et jardin',
  'Video Games': 'Jeux vidéo',
  Music: 'Musique',
  'Music Commentary': 'Critique musicale',
  'Music History': 'Histoire de la musique',
  'Music Interviews': 'Entretiens musicaux',
  News: 'Actualités',
  'Business News': 'Actualité économique',
  'Daily News': 'Actualité quotidienne',
  'Entertainment News': 'Actualité du divertissement',
  'News Commentary': 'Commentaire de l’actualité',
  Politics: 'Politique',
  'Sports News': 'Actualité sportive',
  'Tech News': 'Actualité technologique',
  'Religion & Spirituality': 'Religion et spiritualité',
  Buddhism: 'Bouddhisme',
  Christianity: 'Christianisme',
  Hinduism: 'Hindouisme',
  Islam: 'Islam',
  Judaism: 'Judaïsme',
  Religion: 'Religion',
  Spirituality: 'Spiritualité',
  Science: 'Sciences',
  Astronomy: 'Astronomie',
  Chemistry: 'Chimie',
  'Earth Sciences': 'Sciences de la Terre',
  'Life Sciences': 'Sciences de la vie',
  Mathematics: 'Mathématiques',
  'Natural Sciences': 'Sciences naturelles',
  Nature: 'Nature',
  Physics: 'Physique',
  'Social Sciences': 'Sciences sociales',
  'Society & Culture': 'Société et culture',
  Documentary: 'Documentaire',
  'Personal Journals': 'Journaux personnels',
  Philosophy: 'Philosophie',
  'Places & Travel': 'Lieux et voyages',
  Relationships: 'Relations',
  Sports: 'Sport',
  Baseball: 'Baseball',
  Basketball: 'Basket-ball',
  Cricket: 'Cricket',
  'Fantasy Sports': 'Sports virtuels (fantasy)',
  Football: 'Football américain',
  Golf: 'Golf',
  Hockey: 'Hockey',
  Rugby: 'Rugby',
  Running: 'Course à pied',
  Soccer: 'Football',
  Swimming: 'Natation',
  Tennis: 'Tennis',
  Volleyball: 'Volley-ball',
  Wilderness: 'Plein air',
  Wrestling: 'Lutte',
  Technology: 'Technologies',
  'True Crime': 'Affaires criminelles',
  'TV & Film': 'Télévision et cinéma',
  'After Shows': 'Débriefs de séries',
  'Film History': 'Histoire du cinéma',
  'Film Interviews': 'Entretiens cinéma',
  'Film Reviews': 'Critiques de films',
  'TV Reviews': 'Critiques télé',
};

/** A category or subcategory (Apple's English name) as the editor reads it. */
export function appleCategoryName(lang: Lang, name: string): string {
  return lang === 'fr' ? (APPLE_CATEGORY_NAMES_FR[name] ?? name) : name;
}

/** Every category, then its subcategories: Apple's values with the names to show. */
export function appleCategoryChoices(
  lang: Lang,
): { category: string; subcategory: string | null; label: string }[] {
  const choices: { category: string; subcategory: string | null; label: string }[] = [];
  for (const [category, subs] of Object.entries(APPLE_CATEGORIES)) {
    const main = appleCategoryName(lang, category);
    choices.push({ category, subcategory: null, label: main });
    for (const sub of subs)
      choices.push({
        category,
        subcategory: sub,
        label: `${main} › ${appleCategoryName(lang, sub)}`,
      });
  }
  return choices.sort((a, b) => a.label.localeCompare(b.label, lang));
}
