package org.opendmp.common.table;

/**
 * One column of a table that can hold a value about a person, and how an erasure matches it (the privacy job's
 * erase removes every row any key of its table matches). Declared per table in {@link Tables}.
 *
 * @param kind how the column is matched
 * @param column the column
 * @param other the id_type column of an {@link Kind#ID_PAIR} (its value column is {@code column}); the id_type the
 *     column holds for {@link Kind#ID_VALUE} ({@code partner_uid:*} for any partner, null for any type)
 */
public record ErasureKey(Kind kind, String column, String other) {

  /** How a column is matched against the erased person. */
  public enum Kind {
    /** a person id of identity.id_graph (or an old one of identity.person_merges) */
    PERSON_ID,
    /** the column's value with the id_type column {@code other}: one identifier */
    ID_PAIR,
    /** identifier values of one id_type ({@code other}) */
    ID_VALUE,
    /** an array of identifier values (any type) */
    ID_ARRAY,
    /** free text (a rejected raw line, a URL): matched when it contains any erased value, case-insensitively */
    RAW_TEXT,
    /** the record_id of a bronze row the erase removed (rows derived from that record) */
    RECORD_ID
  }

  public static ErasureKey person(String column) {
    return new ErasureKey(Kind.PERSON_ID, column, null);
  }

  public static ErasureKey pair(String typeColumn, String valueColumn) {
    return new ErasureKey(Kind.ID_PAIR, valueColumn, typeColumn);
  }

  public static ErasureKey id(String column, String idType) {
    return new ErasureKey(Kind.ID_VALUE, column, idType);
  }

  public static ErasureKey ids(String column) {
    return new ErasureKey(Kind.ID_ARRAY, column, null);
  }

  public static ErasureKey text(String column) {
    return new ErasureKey(Kind.RAW_TEXT, column, null);
  }

  public static ErasureKey record(String column) {
    return new ErasureKey(Kind.RECORD_ID, column, null);
  }
}
