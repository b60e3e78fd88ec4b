package org.opendmp.jobs.generate;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** The reference tables of the world: French names, places, streets, mail domains, devices, partner sites. */
final class FrenchData {
  private FrenchData() {}

  static final String[] FEMALE = {
    "Marie", "Léa", "Chloé", "Manon", "Camille", "Inès", "Zoé", "Jade", "Louise", "Emma", "Océane", "Élodie",
    "Hélène", "Sophie", "Nathalie", "Isabelle", "Céline", "Aurélie", "Anaïs", "Gaëlle", "Mélanie", "Françoise",
    "Brigitte", "Sylvie", "Valérie", "Émilie", "Clémence", "Joséphine", "Noémie", "Maëlys", "Juliette", "Lucie",
    "Amélie", "Agnès", "Béatrice", "Laëtitia", "Anne", "Claire", "Sarah", "Pauline"
  };
  static final String[] MALE = {
    "Jean", "Pierre", "Louis", "Lucas", "Hugo", "Théo", "Nathan", "Mathéo", "Gabriel", "Raphaël", "Jérôme",
    "François", "Frédéric", "Stéphane", "Sébastien", "Grégory", "Cédric", "Loïc", "Benoît", "Noël", "Hervé",
    "Thierry", "Éric", "André", "René", "Gérard", "Michel", "Philippe", "Nicolas", "Julien", "Maxime", "Antoine",
    "Clément", "Joël", "Gaël", "Mickaël", "Paul", "Thomas", "Alexandre", "Olivier"
  };
  static final String[] LAST = {
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
    "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
    "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
    "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
    "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche",
    "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Pérez", "Marchand", "Dufour", "Blanchard", "Barbier", "Brun",
    "Dumas", "Brunet", "Schmitt", "Leroux", "Colin", "Fernandez", "Renard", "Arnaud", "Rolland", "Caron",
    "Aubert", "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard", "Lacroix",
    "Fabre", "Dupuis", "Olivier", "Da Silva", "Hubert", "Guillot", "Rivière", "Le Gall", "Moulin", "Berger",
    "Lecomte", "Ménard", "Fleury", "Deschamps", "Carpentier", "Maillard", "Aubry", "Vasseur", "Le Roux",
    "Prévost", "Poirier", "Charpentier", "Huet", "Dupuy", "Carré", "Breton", "Rémy", "Schneider", "Lebrun",
    "Lemaître", "Bénard", "Féron", "Dupré", "Hébert", "Saint-Martin", "Le Bihan", "Béranger", "Pelletier"
  };

  /** city, postcode, region code; one store per city (S001 is the first city). */
  static final String[][] CITIES = {
    {"Paris", "75011", "idf"}, {"Paris", "75015", "idf"}, {"Paris", "75018", "idf"},
    {"Boulogne-Billancourt", "92100", "idf"}, {"Saint-Denis", "93200", "idf"}, {"Créteil", "94000", "idf"},
    {"Versailles", "78000", "idf"}, {"Évry-Courcouronnes", "91000", "idf"}, {"Argenteuil", "95100", "idf"},
    {"Nanterre", "92000", "idf"}, {"Montreuil", "93100", "idf"}, {"Lyon", "69003", "ara"},
    {"Villeurbanne", "69100", "ara"}, {"Grenoble", "38000", "ara"}, {"Saint-Étienne", "42000", "ara"},
    {"Clermont-Ferrand", "63000", "ara"}, {"Annecy", "74000", "ara"}, {"Marseille", "13008", "paca"},
    {"Nice", "06000", "paca"}, {"Toulon", "83000", "paca"}, {"Aix-en-Provence", "13100", "paca"},
    {"Avignon", "84000", "paca"}, {"Toulouse", "31000", "occ"}, {"Montpellier", "34000", "occ"},
    {"Nîmes", "30000", "occ"}, {"Perpignan", "66000", "occ"}, {"Bordeaux", "33000", "naq"},
    {"Limoges", "87000", "naq"}, {"Poitiers", "86000", "naq"}, {"La Rochelle", "17000", "naq"},
    {"Pau", "64000", "naq"}, {"Lille", "59000", "hdf"}, {"Amiens", "80000", "hdf"}, {"Roubaix", "59100", "hdf"},
    {"Dunkerque", "59140", "hdf"}, {"Strasbourg", "67000", "ges"}, {"Reims", "51100", "ges"},
    {"Metz", "57000", "ges"}, {"Mulhouse", "68100", "ges"}, {"Nancy", "54000", "ges"}, {"Rennes", "35000", "bre"},
    {"Brest", "29200", "bre"}, {"Quimper", "29000", "bre"}, {"Nantes", "44000", "pdl"}, {"Angers", "49000", "pdl"},
    {"Le Mans", "72000", "pdl"}, {"Rouen", "76000", "nor"}, {"Le Havre", "76600", "nor"}, {"Caen", "14000", "nor"},
    {"Dijon", "21000", "bfc"}, {"Besançon", "25000", "bfc"}, {"Tours", "37000", "cvl"},
    {"Orléans", "45000", "cvl"}, {"Ajaccio", "20000", "cor"}
  };

  static final String[][] REGIONS = {
    {"idf", "Île-de-France"}, {"ara", "Auvergne-Rhône-Alpes"}, {"paca", "Provence-Alpes-Côte d'Azur"},
    {"occ", "Occitanie"}, {"naq", "Nouvelle-Aquitaine"}, {"hdf", "Hauts-de-France"}, {"ges", "Grand Est"},
    {"bre", "Bretagne"}, {"pdl", "Pays de la Loire"}, {"nor", "Normandie"}, {"bfc", "Bourgogne-Franche-Comté"},
    {"cvl", "Centre-Val de Loire"}, {"cor", "Corse"}
  };

  static final String[] STREETS = {
    "rue de la République", "avenue Jean-Jaurès", "boulevard Voltaire", "rue Émile Zola", "place de l'Église",
    "rue Victor Hugo", "rue du Général Leclerc", "allée des Tilleuls", "chemin des Écoliers", "rue Pasteur",
    "avenue de la Gare", "impasse des Lilas", "rue Nationale", "boulevard Gambetta", "rue de Paris",
    "rue des Écoles", "avenue Foch", "rue Saint-Éloi", "quai de la Loire", "rue Jules Ferry", "rue du Château",
    "cours Mirabeau", "rue de la Fontaine", "route de Lyon", "rue Béranger", "rue des Prés"
  };

  /** code, name: socio-professional categories (CSP, INSEE). */
  static final String[][] CSP = {
    {"agriculteur", "Agriculteurs exploitants"}, {"artisan", "Artisans, commerçants, chefs d'entreprise"},
    {"cadre", "Cadres et professions intellectuelles supérieures"}, {"intermediaire", "Professions intermédiaires"},
    {"employe", "Employés"}, {"ouvrier", "Ouvriers"}, {"retraite", "Retraités"}, {"etudiant", "Étudiants"}
  };

  static final String[] DOMAINS = {
    "gmail.com", "orange.fr", "free.fr", "hotmail.fr", "laposte.net", "sfr.fr", "yahoo.fr", "outlook.fr", "wanadoo.fr"
  };
  /** The same domains as typed with a slip of the finger. */
  static final String[] DOMAIN_TYPOS = {
    "gmial.com", "ornage.fr", "fre.fr", "hotmial.fr", "lapost.net", "sfr.ff", "yaho.fr", "outlok.fr", "wanado.fr"
  };

  static final String[] DESKTOP_UA = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"
  };
  static final String[] PHONE_UA_IOS = {
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1"
  };
  static final String[] PHONE_UA_ANDROID = {
    "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36"
  };
  static final String[] TABLET_UA = {
    "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"
  };
  static final String APP_UA_IOS = "MaisonApp/4.2.0 (iPhone; iOS 18.0; Scale/3.00)";
  static final String APP_UA_ANDROID = "MaisonApp/4.2.0 (Linux; Android 14; SM-S911B)";

  /** user agent, IP prefix: crawlers and scripts; they carry no cookie. */
  static final String[][] BOTS = {
    {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "66.249.66."},
    {"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "157.55.39."},
    {"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "54.36.148."},
    {"python-requests/2.31.0", "34.77.12."},
    {"curl/8.4.0", "185.220.101."},
    {"Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", "5.255.231."}
  };

  static final String[] AD_SITES = {
    "lemonde.fr", "leboncoin.fr", "marmiton.org", "lequipe.fr", "ouest-france.fr", "20minutes.fr", "allocine.fr",
    "doctissimo.fr", "meteofrance.com", "youtube.com"
  };
  /** First octets of French residential and mobile access networks. */
  static final int[] HOME_NETS = {78, 80, 82, 86, 88, 90, 92, 109, 176, 37};
  static final int[] MOBILE_NETS = {37, 80, 92, 176};
  /**
   * Shared networks (a corporate proxy, a campus, station and shopping-centre wifi): many people of every
   * household behind one address, on desktops and phones alike. Their addresses are no evidence of anything.
   */
  static final String[] PUBLIC_IPS = {"193.51.24.10", "212.27.38.253", "62.210.16.6", "81.255.120.33"};

  static final String[] CALL_REASONS = {"devis", "livraison", "sav", "conseil", "retour"};

  private static final Pattern MARKS = Pattern.compile("\\p{M}+");

  static String stripAccents(String s) {
    return MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFD)).replaceAll("");
  }

  /** The lower-case ASCII form used in logins and email addresses ("Le Gall" -> "legall"). */
  static String ascii(String s) {
    return stripAccents(s).toLowerCase(Locale.ROOT).replace(" ", "").replace("'", "");
  }
}
