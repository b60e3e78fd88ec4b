package org.opendmp.jobs.generate;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The person pass of one day: for each person in order, the CRM's changes to their records, the planted
 * use-case steps, free browsing, ad exposure, store visits, call-center appointments and catalog mailings, with
 * crawler traffic in between. Each person's day draws from its own generator (seed, day, person).
 */
final class DaySimulator {
  /** Visits by hour of day (UTC): quiet nights, a lunch bump, an evening peak. */
  private static final double[] HOURS = {
    1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 4.5, 5, 5.5, 5, 4.5, 4.5, 5, 5.5, 6.5, 8, 8.5, 7, 5, 3
  };

  /** The share of sessions on the home line that go on on another device of the person (device switching). */
  private static final double SWITCH_SHARE = 0.35;
  /** The share of device-days an own desktop, phone, tablet spends on a shared network (by Device kind). */
  private static final double[] PUBLIC_SHARE = {0.2, 0.15, 0.05};

  private final World w;
  private final Day day;
  private final WeblogFeed web;
  private final AdFeed ads;
  private final StoreFeed store;
  private final ServiceFeeds service;
  private final Session session;

  DaySimulator(World w, Day day) {
    this.w = w;
    this.day = day;
    this.web = new WeblogFeed(w.landing, day, w.ids);
    this.ads = new AdFeed(w.landing, day, w.ids);
    this.store = new StoreFeed(w.landing, day, w.ids, w.people, w.storeRecords);
    this.service = new ServiceFeeds(w.landing, day, w.ids);
    this.session = new Session(w.seed, day, w.values, web, new CollectorFeed(w.landing, day, w.ids),
        new IdSyncFeed(w.landing, day, w.ids), w.crm);
  }

  void run() {
    Person[] people = w.people;
    for (int i = 0; i < people.length; i++) {
      person(people[i]);
      if (i % 100 == 99 || i == people.length - 1) {
        bots(i / 100);
      }
    }
  }

  private void person(Person p) {
    w.crm.daily(p, day);
    SplittableRandom r = Seeds.rng(w.seed, Seeds.DAY, day.index, p.id);
    List<Plans.Action> actions = w.plans.at(day.index, p.id);
    Plans.Action wifiStep = null;
    if (actions != null) {
      for (Plans.Action a : actions) {
        if (a.kind() == Plans.Kind.ABANDON_THEN_WIFI && a.step() == 1) {
          wifiStep = a;
        } else {
          planted(p, a, r);
        }
      }
    }
    int sessions = r.nextDouble() < p.activity ? (r.nextDouble() < 0.25 ? 2 : 1) : 0;
    boolean click = emailClick(p, r);
    sessions = Math.max(sessions, click ? 1 : 0);
    for (int s = 0; s < sessions; s++) {
      Device d = p.devices[r.nextInt(p.devices.length)];
      boolean emailSession = click && s == 0;
      boolean app = d.app && !emailSession && r.nextDouble() < 0.5;
      int start = startTime(r);
      String ip = session.browse(p, d, app, start, emailSession ? Session.Purpose.EMAIL_CLICK : Session.Purpose.NORMAL, 0, null, r);
      if (!emailSession) {
        switchDevice(p, d, start, ip);
      }
    }
    exposure(p, r);
    storeVisit(p, wifiStep, r);
    service(p, r);
  }

  private void planted(Person p, Plans.Action a, SplittableRandom r) {
    Device d = ownBrowser(p);
    switch (a.kind()) {
      case CAR_INTENDER -> {
        session.browse(p, d, false, startTime(r), Session.Purpose.CAR_SEARCH, a.sku(), r);
        if (p.carIntentDay < 0) {
          p.carIntentDay = day.index;
        }
        w.useCase(day, a.kind(), p, "query=" + Products.CAR_QUERY + ";partners=dataprovider_a,dataprovider_b;sku="
            + Products.skuCode(a.sku()));
      }
      case ABANDON_THEN_WIFI -> session.browse(p, d, false, startTime(r), Session.Purpose.ABANDON, a.sku(), r);
      case CALLCENTER_BROWSE -> {
        if (a.step() == 0) {
          session.browse(p, d, false, startTime(r), Session.Purpose.CALL_BROWSE, a.sku(), r);
        } else {
          String id = "A" + IdValues.hex(Seeds.hash(w.seed, Seeds.ORDER, day.index, p.id, 7), 12);
          service.appointment(p.primary, id, 25_200 + r.nextInt(36_000), Seeds.pick(r, FrenchData.CALL_REASONS),
              "AG" + (100 + r.nextInt(60)), true);
          StringBuilder browsed = new StringBuilder();
          for (int b = Math.max(0, day.index - 2); b < day.index; b++) {
            browsed.append(browsed.length() == 0 ? "" : ",").append(day.date.minusDays(day.index - b));
          }
          w.useCase(day, a.kind(), p, "appointment=" + id + ";browsed=" + browsed + ";sku=" + Products.skuCode(a.sku()));
        }
      }
    }
  }

  /**
   * Device switching at home: a session on the home line goes on, with {@link #SWITCH_SHARE}, 2 to 27 minutes
   * later on another of the person's devices of another kind (phone, desktop, tablet), on the same line. Drawn
   * from a stream of its own, so that the rest of the person's day draws what it drew without it.
   */
  private void switchDevice(Person p, Device first, int start, String ip) {
    if (!ip.equals(homeIp(w.seed, p))) {
      return;
    }
    SplittableRandom r = Seeds.rng(w.seed, Seeds.SWITCH, day.index, p.id, start);
    if (r.nextDouble() >= SWITCH_SHARE) {
      return;
    }
    int others = 0;
    for (Device d : p.devices) {
      others += d.kind != first.kind ? 1 : 0;
    }
    int at = start + 120 + r.nextInt(1500);
    if (others == 0 || at > 79_200) {
      return;
    }
    int pick = r.nextInt(others);
    for (Device d : p.devices) {
      if (d.kind != first.kind && pick-- == 0) {
        session.browse(p, d, d.app && r.nextDouble() < 0.5, at, Session.Purpose.NORMAL, 0, ip, r);
        return;
      }
    }
  }

  /** The person's own browser (not the household's), so the planted cookie is theirs alone. */
  private static Device ownBrowser(Person p) {
    for (Device d : p.devices) {
      if (d.owner == p.id && !d.household) {
        return d;
      }
    }
    return p.devices[0];
  }

  /** A newsletter click-through: only to the address the CRM holds, so its eh= is the CRM's email hash. */
  private static boolean emailClick(Person p, SplittableRandom r) {
    CrmRecord c = p.primary;
    boolean reachable = c != null && !c.deleted && c.consent[0] == 1 && !c.emailMissing && !c.emailTypo
        && c.emailGen == p.emailGen;
    return reachable && r.nextDouble() < 0.008;
  }

  private void exposure(Person p, SplittableRandom r) {
    if (r.nextDouble() >= 0.3) {
      return;
    }
    int n = 1 + r.nextInt(5);
    String yymm = day.compact.substring(2, 6);
    for (int k = 0; k < n; k++) {
      Device d = p.devices[r.nextInt(p.devices.length)];
      int site = r.nextInt(FrenchData.AD_SITES.length);
      boolean junk = r.nextDouble() < 0.02;
      String cookie = junk ? Seeds.pick(r, new String[] {"", "0", "-", "null"}) : w.values.adCookie(d);
      long key = junk ? IdRegistry.NONE : IdType.AD_COOKIE.key(d.owner, d.slot);
      String cat = Products.CATEGORIES[r.nextDouble() < 0.6 ? p.interest : r.nextInt(Products.CATEGORIES.length)];
      String creative = "cr-" + cat + "-" + (1 + r.nextInt(4));
      String placement = "pl-" + site + "-" + (1 + r.nextInt(3));
      int sec = startTime(r);
      String ip = ip(w.seed, day, p, d, r);
      ads.event(false, p.id, sec, cookie, key, "cmp-" + cat + "-" + yymm, creative, placement,
          FrenchData.AD_SITES[site], ip, d.userAgent());
      if (r.nextDouble() < 0.015) {
        ads.event(true, p.id, sec + 1 + r.nextInt(20), cookie, key, "cmp-" + cat + "-" + yymm, creative, placement,
            FrenchData.AD_SITES[site], ip, d.userAgent());
      }
    }
  }

  private void storeVisit(Person p, Plans.Action wifiStep, SplittableRandom r) {
    boolean visit = wifiStep != null || r.nextDouble() < (p.customer ? 0.012 : 0.005) + 0.02 * p.propensity;
    if (!visit) {
      return;
    }
    int city = r.nextDouble() < 0.9 ? p.city : r.nextInt(FrenchData.CITIES.length);
    String storeId = String.format(java.util.Locale.ROOT, "S%03d", city + 1);
    int sec = 28_800 + r.nextInt(39_600);
    if (r.nextDouble() < (wifiStep != null ? 0.3 : 0.75)) {
      StoreTicket.write(w, day, store, p, storeId, sec, r);
    }
    Device phone = p.phone();
    if (phone != null && (wifiStep != null || r.nextDouble() < 0.3)) {
      boolean byEmail = wifiStep != null ? p.emailPreferred || p.primary.phoneMissing : p.emailPreferred;
      String email = byEmail ? Typing.email(w.values.email(p, p.emailGen, false), r) : "";
      String phoneTyped = byEmail ? "" : Typing.phone(w.values.phone(p), r);
      long contact = byEmail ? IdValues.emailKey(p, p.emailGen, false) : IdType.PHONE.key(p.id, 0);
      String maid = phone.limitAdTracking ? Visit.ZERO_UUID : w.values.maid(phone);
      long maidKey = phone.limitAdTracking ? IdRegistry.NONE : IdType.MAID.key(phone.owner, phone.slot);
      store.wifi(p.id, storeId, Math.max(0, sec - 60 - r.nextInt(600)), email, phoneTyped, contact, maid, maidKey, wifiStep != null);
      if (wifiStep != null) {
        w.useCase(day, wifiStep.kind(), p, "sku=" + Products.skuCode(wifiStep.sku()) + ";abandoned="
            + day.date.minusDays(day.index - wifiStep.storyDay()) + ";store=" + storeId + ";wifi=" + (byEmail ? "email" : "phone"));
      }
    }
  }

  private void service(Person p, SplittableRandom r) {
    CrmRecord c = p.primary;
    if (c == null || c.deleted) {
      return;
    }
    if (r.nextDouble() < 0.0015) {
      CrmRecord which = p.duplicate != null && !p.duplicate.deleted && r.nextDouble() < 0.1 ? p.duplicate : c;
      String id = "A" + IdValues.hex(Seeds.hash(w.seed, Seeds.ORDER, day.index, p.id, 8), 12);
      service.appointment(which, id, 25_200 + r.nextInt(36_000), Seeds.pick(r, FrenchData.CALL_REASONS),
          "AG" + (100 + r.nextInt(60)), false);
    }
    if (c.consent[2] == 1 && r.nextDouble() < 0.01) {
      String id = "M" + IdValues.hex(Seeds.hash(w.seed, Seeds.ORDER, day.index, p.id, 9), 12);
      service.mailing(c, id, "CAT-" + season() + "-" + day.date.getYear());
    }
  }

  private String season() {
    int m = day.date.getMonthValue();
    return m >= 11 || m <= 2 ? "HIVER" : m <= 5 ? "PRINTEMPS" : m <= 8 ? "ETE" : "RENTREE";
  }

  /** Crawlers and scripts, a few per hundred people: no cookie, no login. */
  private void bots(int chunk) {
    SplittableRandom r = Seeds.rng(w.seed, Seeds.BOTS, day.index, chunk);
    int n = r.nextInt(7);
    for (int k = 0; k < n; k++) {
      String[] bot = Seeds.pick(r, FrenchData.BOTS);
      double u = r.nextDouble();
      String path = u < 0.2 ? "/robots.txt" : u < 0.3 ? "/sitemap.xml"
          : u < 0.75 ? "/p/" + Products.CATEGORIES[r.nextInt(6)] + "/" + Products.skuCode(Products.sku(r.nextInt(6), r.nextInt(Products.PER_CATEGORY)))
          : "/c/" + Products.CATEGORIES[r.nextInt(6)];
      web.bot(r.nextDouble() < 0.6, bot[1] + (1 + r.nextInt(254)), r.nextInt(86_400), path, 200, 500 + r.nextInt(40_000), bot[0]);
    }
  }

  static int startTime(SplittableRandom r) {
    double total = 0;
    for (double h : HOURS) {
      total += h;
    }
    double u = r.nextDouble() * total;
    int hour = 0;
    while (hour < 23 && u >= HOURS[hour]) {
      u -= HOURS[hour++];
    }
    return hour * 3600 + r.nextInt(3600);
  }

  /**
   * The address of a device on a day: a shared network (office, campus, public wifi) on some device-days of an
   * own device ({@link #PUBLIC_SHARE}, decided by (owner, slot, day) alone), else the mobile network for a phone
   * away from home, else the home line of the household.
   */
  static String ip(long seed, Day day, Person p, Device d, SplittableRandom r) {
    boolean mobile = d.kind == Device.PHONE && r.nextDouble() < 0.6;
    long pub = Seeds.hash(seed, Seeds.PUBLIC, d.owner, d.slot, day.index);
    if (!d.household && Seeds.unit(pub) < PUBLIC_SHARE[d.kind]) {
      return FrenchData.PUBLIC_IPS[(int) ((pub & 0xFFFF) % FrenchData.PUBLIC_IPS.length)];
    }
    return mobile ? address(FrenchData.MOBILE_NETS, Seeds.hash(seed, Seeds.DEVICE, d.owner, d.slot, day.index)) : homeIp(seed, p);
  }

  static String homeIp(long seed, Person p) {
    return address(FrenchData.HOME_NETS, Seeds.hash(seed, Seeds.HOUSEHOLD, p.household, 1, 0));
  }

  private static String address(int[] nets, long h) {
    return nets[(int) ((h >>> 60) % nets.length)] + "." + ((h >>> 16) & 0xFF) + "." + ((h >>> 8) & 0xFF) + "." + (1 + (h & 0xFF) % 254);
  }
}
