package org.opendmp.jobs.privacy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.opendmp.common.DmpException;
import org.opendmp.common.ids.IdNormalizer;
import org.opendmp.common.ids.Identifiers;

/**
 * The landing feed {@code privacy/dt=D/requests.csv} (docs/LANDING.md), parsed on the driver: a control file of a
 * few rows whose exact line numbers go into reject reasons. A malformed row becomes a rejected {@link Request}
 * whose reason names the line and column but never the identifier value.
 */
public final class PrivacyRequests {
  public static final String HEADER = "request_id,type,id_type,id_value";
  public static final List<String> TYPES = List.of("erase", "access");
  public static final List<String> ID_TYPES = List.of("email", "phone", "crm_id", "login", "cookie");
  /** Request ids are references, not data: no '@', no spaces, so that an email cannot be one. */
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}");

  private PrivacyRequests() {}

  /**
   * One row of the file.
   *
   * @param line 1-based line number in the file
   * @param reason why it is rejected, null when valid
   * @param idType the lake's id_type of the identifier (email_sha256, phone_sha256, crm_id, login, cookie)
   * @param idValue the lake's form of the identifier (hashed for email and phone); held in memory only
   * @param textForms lower-cased forms a raw line or URL may contain (the clear normalised value, its hash)
   */
  public record Request(int line, String requestId, String type, String requestIdType, String reason, String idType,
      String idValue, Set<String> textForms) {
    public boolean valid() {
      return reason == null;
    }

    @Override
    public String toString() { // never the identifier value, even in a debugger or a log line
      return "Request[line " + line + ", " + requestId + ", " + type + ", " + requestIdType + (valid() ? "" : ", rejected: " + reason) + "]";
    }
  }

  /** The rows of the file (without the header); {@code file} names it in errors and reasons. */
  public static List<Request> parse(List<String> lines, String file, IdNormalizer ids) {
    if (lines.isEmpty() || !lines.get(0).replace("\uFEFF", "").trim().equals(HEADER)) {
      throw new DmpException("Cannot read privacy requests: line 1 must be the header '" + HEADER + "' (file " + file + ", line 1)");
    }
    List<Request> out = new ArrayList<>();
    Map<String, Integer> firstLine = new HashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String text = lines.get(i);
      if (text.isBlank()) {
        continue;
      }
      Request r = row(text, i + 1, file, ids);
      if (!r.requestId().startsWith("line:")) {
        // a request id names one request: a second row with it is refused, whatever became of the first
        Integer before = firstLine.putIfAbsent(r.requestId(), r.line());
        if (before != null) {
          r = rejected(r.line(), r.requestId(), r.type(), r.requestIdType(),
              "duplicate request_id (first on line " + before + ") at " + where(file, r.line(), 1));
        }
      }
      out.add(r);
    }
    return out;
  }

  static Request row(String text, int line, String file, IdNormalizer ids) {
    String[] f = text.split(",", -1);
    if (f.length != 4) {
      // the fields cannot be told apart: only a request id shaped like one is kept
      String id = f.length > 0 && REQUEST_ID.matcher(f[0].trim()).matches() ? f[0].trim() : null;
      return rejected(line, id, null, null, "expected 4 comma-separated fields, got " + f.length + " at " + where(file, line, 1));
    }
    String requestId = f[0].trim();
    String type = f[1].trim().toLowerCase(Locale.ROOT);
    String idType = f[2].trim().toLowerCase(Locale.ROOT);
    String keptType = TYPES.contains(type) ? type : null;
    String keptIdType = ID_TYPES.contains(idType) ? idType : null;
    if (!REQUEST_ID.matcher(requestId).matches()) {
      return rejected(line, null, keptType, keptIdType,
          "request_id must be 1-64 letters, digits or _ . : - (starting with a letter or digit) at " + where(file, line, 1));
    }
    if (keptType == null) {
      return rejected(line, requestId, null, keptIdType, "type must be one of " + TYPES + " at " + where(file, line, 2));
    }
    if (keptIdType == null) {
      return rejected(line, requestId, type, null, "id_type must be one of " + ID_TYPES + " at " + where(file, line, 3));
    }
    String raw = f[3];
    Set<String> forms = new LinkedHashSet<>();
    String lakeType;
    String lakeValue;
    switch (idType) {
      case "email" -> {
        String email = ids.isJunk(raw) ? null : Identifiers.normalizeEmail(raw);
        lakeType = "email_sha256";
        lakeValue = email == null ? null : Identifiers.sha256Hex(email);
        if (email != null) {
          forms.add(email);
        }
      }
      case "phone" -> {
        String phone = ids.normalizePhone(raw);
        lakeType = "phone_sha256";
        lakeValue = phone == null ? null : Identifiers.sha256Hex(phone);
        if (phone != null) {
          forms.add(phone);
          forms.add(raw.trim().toLowerCase(Locale.ROOT));
        }
      }
      case "login" -> {
        lakeType = "login";
        lakeValue = ids.login(raw);
      }
      default -> {
        lakeType = idType;
        lakeValue = ids.plain(raw);
      }
    }
    if (lakeValue == null) {
      return rejected(line, requestId, type, idType, "id_value is empty, junk or not a valid " + idType + " at " + where(file, line, 4));
    }
    forms.add(lakeValue.toLowerCase(Locale.ROOT));
    return new Request(line, requestId, type, idType, null, lakeType, lakeValue, Set.copyOf(forms));
  }

  private static Request rejected(int line, String requestId, String type, String idType, String reason) {
    return new Request(line, requestId == null ? "line:" + line : requestId, type, idType, reason, null, null, Set.of());
  }

  private static String where(String file, int line, int column) {
    return "file " + file + ", line " + line + ", column " + column + " (" + HEADER.split(",")[column - 1] + ")";
  }
}
