package org.opendmp.common.table;

import java.util.Locale;

/** The lake's zones: folders under lake_root and databases in the catalog (DESIGN.md §3). */
public enum Zone {
  BRONZE,
  SILVER,
  IDENTITY,
  GOLD,
  ACTIVATION,
  OPS;

  /** The database and folder name. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
