package org.opendmp.jobs.generate;

import java.util.SplittableRandom;
import org.opendmp.common.ids.Identifiers;

/**
 * One browsing session on the site or in the app: the pages, searches, product views, cart adds, checkouts and
 * abandons it writes, and the cookie syncs it triggers. Interest decides the categories seen; propensity the
 * number of product views, cart adds and purchases, so that a model can learn who converts.
 */
final class Session {
  enum Purpose {
    NORMAL,
    EMAIL_CLICK,
    CAR_SEARCH,
    ABANDON,
    CALL_BROWSE
  }

  private static final String SITE = "https://www.maison-exemple.fr";
  private static final String[] REFERRERS = {"https://www.google.fr/", "https://www.google.com/", "https://www.bing.com/", "-", "-"};
  private static final String[] ASSETS = {"/static/js/app.js", "/static/css/site.css", "/favicon.ico"};

  private final long seed;
  private final Day day;
  private final IdValues values;
  private final WeblogFeed web;
  private final CollectorFeed collector;
  private final IdSyncFeed sync;
  private final Crm crm;

  Session(long seed, Day day, IdValues values, WeblogFeed web, CollectorFeed collector, IdSyncFeed sync, Crm crm) {
    this.seed = seed;
    this.day = day;
    this.values = values;
    this.web = web;
    this.collector = collector;
    this.sync = sync;
    this.crm = crm;
  }

  void browse(Person p, Device d, boolean app, int start, Purpose purpose, int sku, SplittableRandom r) {
    browse(p, d, app, start, purpose, sku, null, r);
  }

  /** A session from a given address (null: the device's address of the day); returns the address used. */
  String browse(Person p, Device d, boolean app, int start, Purpose purpose, int sku, String ip, SplittableRandom r) {
    boolean planted = purpose == Purpose.CAR_SEARCH || purpose == Purpose.ABANDON || purpose == Purpose.CALL_BROWSE;
    Visit v = visit(p, d, app, start, planted, ip, r);
    String entryRef = Seeds.pick(r, REFERRERS);
    if (purpose == Purpose.EMAIL_CLICK) {
      String eh = Identifiers.emailSha256(values.email(p, p.emailGen, false));
      String path = "/c/" + Products.CATEGORIES[p.interest] + "?utm_campaign=nl_" + day.compact + "&eh=" + eh;
      emit(v, path, 200, "-", IdValues.emailKey(p, p.emailGen, false), r);
    } else if (purpose == Purpose.CAR_SEARCH) {
      emit(v, "/", 200, entryRef, IdRegistry.NONE, r);
      emit(v, "/search?q=" + Products.encode(Products.CAR_QUERY), 200, SITE + "/", IdRegistry.NONE, r);
    } else {
      double u = r.nextDouble();
      String entry = u < 0.4 ? "/" : u < 0.7 ? "/c/" + Products.CATEGORIES[category(p, r)] : searchPath(p, r);
      emit(v, entry, 200, entryRef, IdRegistry.NONE, r);
    }
    if (!app && v.cookieKey != IdRegistry.NONE) {
      answerBanner(p, d, v);
      syncPartners(p, d, v, purpose == Purpose.CAR_SEARCH, r);
    }
    int views = planted ? 2 + r.nextInt(3) : 1 + Seeds.poisson(r, 1.2 + 6 * p.propensity);
    int[] cart = new int[3];
    int inCart = 0;
    for (int i = 0; i < views; i++) {
      int viewed = planted && i == 0 ? sku : anySku(purpose == Purpose.CAR_SEARCH ? Products.CARS : category(p, r), r);
      emit(v, productPath(viewed), r.nextDouble() < 0.01 ? 404 : 200, SITE + v.lastPath, IdRegistry.NONE, r);
      if (!app && r.nextDouble() < 0.15) {
        emit(v, Seeds.pick(r, ASSETS), 304, SITE + v.lastPath, IdRegistry.NONE, r);
      }
      boolean add = purpose == Purpose.ABANDON ? i == 0 : r.nextDouble() < 0.04 + 0.3 * p.propensity;
      if (add && inCart < cart.length) {
        cart[inCart++] = viewed;
        emit(v, "/cart/add?sku=" + Products.skuCode(viewed), 200, SITE + v.lastPath, IdRegistry.NONE, r);
      }
      if (!planted && r.nextDouble() < 0.1) {
        emit(v, searchPath(p, r), 200, SITE + v.lastPath, IdRegistry.NONE, r);
      }
    }
    if (v.login != null && v.loginKey != IdRegistry.NONE && r.nextDouble() < 0.2) {
      emit(v, "/account", 200, SITE + v.lastPath, IdRegistry.NONE, r);
    }
    if (inCart > 0) {
      checkoutOrAbandon(p, v, purpose, cart, inCart, app, r);
    }
    return v.ip;
  }

  private Visit visit(Person p, Device d, boolean app, int start, boolean planted, String ip, SplittableRandom r) {
    Visit v = new Visit();
    v.user = p.id;
    v.sec = start;
    v.protect = planted;
    double u = r.nextDouble();
    v.host = app ? Visit.Host.COLLECTOR_APP
        : planted ? (u < 0.7 ? Visit.Host.WEB1 : Visit.Host.COLLECTOR_WEB)
        : u < 0.6 ? Visit.Host.WEB1 : u < 0.8 ? Visit.Host.WEB2 : Visit.Host.COLLECTOR_WEB;
    int gen = d.cookieGen(seed, day.index);
    if (app) {
      v.maid = d.limitAdTracking ? Visit.ZERO_UUID : values.maid(d);
      v.maidKey = d.limitAdTracking ? IdRegistry.NONE : IdType.MAID.key(d.owner, d.slot);
    } else if (!planted && r.nextDouble() < 0.03) {
      v.cookie = Seeds.pick(r, Visit.JUNK);
    } else {
      v.cookie = values.cookie(d.owner, d.slot, gen);
      v.cookieKey = IdValues.cookieKey(d, gen);
    }
    boolean logged = p.hasLogin() && (planted || r.nextDouble() < (app ? 0.7 : p.loginHabit ? 0.9 : 0.06));
    if (logged) {
      String login = values.login(p);
      v.login = r.nextDouble() < 0.1 ? Character.toUpperCase(login.charAt(0)) + login.substring(1) : login;
      v.loginKey = IdType.LOGIN.key(p.id, 0);
    } else if (r.nextDouble() < 0.01) {
      v.login = Seeds.pick(r, Visit.JUNK);
    }
    v.ip = ip != null ? ip : DaySimulator.ip(seed, day, p, d, r);
    v.ua = app ? d.appUserAgent() : d.userAgent();
    return v;
  }

  private void checkoutOrAbandon(Person p, Visit v, Purpose purpose, int[] cart, int inCart, boolean app, SplittableRandom r) {
    boolean buy = purpose != Purpose.ABANDON && r.nextDouble() < 0.12 + 0.55 * Math.pow(p.propensity, 1.5);
    if (buy) {
      long cents = 0;
      for (int i = 0; i < inCart; i++) {
        cents += Products.priceCents(cart[i]);
      }
      emit(v, "/checkout", 200, SITE + v.lastPath, IdRegistry.NONE, r);
      String order = "O" + day.compact + "-" + IdValues.hex(Seeds.hash(seed, Seeds.ORDER, day.index, p.id, r.nextLong()), 10);
      emit(v, "/order/confirm?order=" + order + "&amount=" + Products.amount(cents), 200, SITE + "/checkout", IdRegistry.NONE, r);
      crm.purchased(p, day, v.sec, false, r);
    } else if (purpose == Purpose.ABANDON || r.nextDouble() < 0.6) {
      // the collector fires cart_abandon when the cart times out, whichever server logged the pages
      v.host = app ? Visit.Host.COLLECTOR_APP : Visit.Host.COLLECTOR_WEB;
      v.sec += 1800 + r.nextInt(1800);
      collector.event(v, r.nextInt(1000), "cart_abandon", "/cart/abandon?sku=" + Products.skuCode(cart[0]), IdRegistry.NONE);
    }
  }

  /** Cookie matching on a page view: each partner syncs a new cookie once, and re-syncs now and then. */
  private void syncPartners(Person p, Device d, Visit v, boolean carIntent, SplittableRandom r) {
    int[] bits = {Device.ADSERVER, Device.PARTNER_A, Device.PARTNER_B};
    double[] first = {0.5, 0.2, 0.15};
    for (int k = 0; k < 3; k++) {
      boolean force = carIntent && k > 0;
      boolean synced = (d.syncedNow & bits[k]) != 0;
      if (force || r.nextDouble() < (synced ? 0.03 : first[k])) {
        String partner = k == 0 ? "adserver" : k == 1 ? "dataprovider_a" : "dataprovider_b";
        String uid = k == 0 ? values.adCookie(d) : k == 1 ? values.partnerA(d.owner, d.slot) : values.partnerB(d.owner, d.slot);
        IdType type = k == 0 ? IdType.AD_COOKIE : k == 1 ? IdType.PARTNER_A : IdType.PARTNER_B;
        sync.sync(p.id, v.sec + 1 + r.nextInt(3), partner, uid, type.key(d.owner, d.slot), v.cookie, v.cookieKey, force);
        d.syncedNow |= (byte) bits[k];
        d.everSynced |= (byte) bits[k];
      }
    }
  }

  /**
   * The consent banner ({@link Banner}): the first page of a new cookie shows it and the visitor saves their choice,
   * sent as a beacon. It uses neither the session's random stream nor its clock, so the rest of the world is the
   * same with or without banners.
   */
  private void answerBanner(Person p, Device d, Visit v) {
    int gen = d.cookieGen(seed, day.index);
    if (d.bannerAnsweredGen == gen) {
      return;
    }
    d.bannerAnsweredGen = gen;
    String path = "/consent?c=" + Banner.signal(seed, p);
    if (v.host == Visit.Host.WEB1 || v.host == Visit.Host.WEB2) {
      web.hit(v, path, 204, 0, SITE + v.lastPath, IdRegistry.NONE);
    } else {
      collector.event(v, 500, "page_view", path, IdRegistry.NONE);
    }
  }

  private void emit(Visit v, String path, int status, String referrer, long emailKey, SplittableRandom r) {
    if (v.host == Visit.Host.WEB1 || v.host == Visit.Host.WEB2) {
      web.hit(v, path, status, status == 304 ? 0 : 2_000 + r.nextInt(60_000), referrer, emailKey);
    } else {
      collector.event(v, r.nextInt(1000), "page_view", path, emailKey);
    }
    v.lastPath = path;
    v.sec += 5 + r.nextInt(90);
  }

  private static int category(Person p, SplittableRandom r) {
    return r.nextDouble() < 0.7 ? p.interest : r.nextInt(Products.CATEGORIES.length);
  }

  private static int anySku(int category, SplittableRandom r) {
    return Products.sku(category, r.nextInt(Products.PER_CATEGORY));
  }

  private static String productPath(int sku) {
    return "/p/" + Products.CATEGORIES[Products.category(sku)] + "/" + Products.skuCode(sku);
  }

  private static String searchPath(Person p, SplittableRandom r) {
    return "/search?q=" + Products.encode(Products.query(category(p, r), r.nextInt(6)));
  }
}
