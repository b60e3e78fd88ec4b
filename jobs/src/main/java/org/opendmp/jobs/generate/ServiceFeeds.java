package org.opendmp.jobs.generate;

/** callcenter/ appointments and catalog/ mailings: small daily files keyed by crm_id. */
final class ServiceFeeds {
  private final FeedFile appointments;
  private final FeedFile mailings;
  private final IdRegistry ids;
  private final Day day;

  ServiceFeeds(Landing landing, Day day, IdRegistry ids) {
    this.appointments = landing.open("callcenter", day, "appointments.csv",
        "appointment_id,crm_id,appointment_time,reason,agent_id", LineShape.csv(',', 5, 2, LineShape.TimeStyle.ISO));
    this.mailings = landing.open("catalog", day, "mailings.csv.gz", "mailing_id,crm_id,catalog_code,mailing_date",
        LineShape.csv(',', 4, 3, LineShape.TimeStyle.DATE));
    this.ids = ids;
    this.day = day;
  }

  void appointment(CrmRecord c, String id, int sec, String reason, String agent, boolean protect) {
    String[] f = {id, c.crmId(), day.isoTime(sec), reason, agent};
    if (protect ? appointments.writeProtected(f) : appointments.write(f)) {
      ids.record(c.person.id, IdType.CRM_ID.key(c.person.id, c.no));
    }
  }

  void mailing(CrmRecord c, String id, String catalog) {
    if (mailings.write(id, c.crmId(), catalog, day.iso)) {
      ids.record(c.person.id, IdType.CRM_ID.key(c.person.id, c.no));
    }
  }
}
