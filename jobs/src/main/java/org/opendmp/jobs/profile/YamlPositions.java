package org.opendmp.jobs.profile;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each key and list item of a YAML text starts, by its path ({@code traits[3].where.channel}), so that a
 * config error points at the line and column of the very key it is about (the generic loader only finds the
 * first line declaring a key's name, which is wrong for the keys every list item repeats).
 */
public final class YamlPositions {
  /** A 1-based line and column. */
  public record Position(int line, int column) {
    @Override
    public String toString() {
      return "line " + line + ", column " + column;
    }
  }

  private final Map<String, Position> byPath;

  private YamlPositions(Map<String, Position> byPath) {
    this.byPath = byPath;
  }

  /** The positions of a config file's keys, for its loader's error messages; unreadable: one-line error. */
  public static YamlPositions of(java.nio.file.Path file) {
    try {
      return parse(java.nio.file.Files.readString(file));
    } catch (java.io.IOException e) {
      throw new org.opendmp.common.DmpException("Cannot load config: " + e.getMessage() + " (file " + file + ")", e);
    }
  }

  /** The positions of a YAML text; an empty map when the text does not parse (syntax errors are reported elsewhere). */
  public static YamlPositions parse(String text) {
    Map<String, Position> out = new HashMap<>();
    try (JsonParser p = new YAMLFactory().createParser(text)) {
      if (p.nextToken() != null) {
        walk(p, "", out);
      }
    } catch (IOException e) {
      out.clear();
    }
    return new YamlPositions(out);
  }

  /**
   * The position of the path, else of its nearest ancestor ({@code traits[3].where.chanel} may name a key the
   * text lacks), else null.
   */
  public Position of(String path) {
    String p = path;
    while (!p.isEmpty()) {
      Position found = byPath.get(p);
      if (found != null) {
        return found;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut < 0 ? "" : p.substring(0, cut);
    }
    return null;
  }

  /** "file F, line L, column C" of a key path (the file alone when the path has no position). */
  public String location(java.nio.file.Path file, String path) {
    Position p = of(path);
    return "file " + file + (p == null ? "" : ", " + p);
  }

  /**
   * Unknown keys are refused before the records are built, at their own line and column (Jackson would first
   * complain about the required key a misspelling leaves missing). The known keys of a record are its components,
   * in snake_case; lists of records are checked item by item.
   */
  public void refuseUnknownKeys(com.fasterxml.jackson.databind.JsonNode node, Class<?> type, String path, java.nio.file.Path file) {
    if (!type.isRecord() || node == null || !node.isObject()) {
      return;
    }
    Map<String, java.lang.reflect.RecordComponent> known = new java.util.TreeMap<>();
    for (java.lang.reflect.RecordComponent c : type.getRecordComponents()) {
      known.put(c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT), c);
    }
    for (var it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
      String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      java.lang.reflect.RecordComponent c = known.get(e.getKey());
      if (c == null) {
        throw new org.opendmp.common.DmpException("Cannot load config: unknown key '" + p + "' (" + location(file, p)
            + "; expected one of: " + String.join(", ", known.keySet()) + ")");
      }
      if (java.util.List.class.isAssignableFrom(c.getType()) && e.getValue().isArray()) {
        java.lang.reflect.Type item = ((java.lang.reflect.ParameterizedType) c.getGenericType()).getActualTypeArguments()[0];
        for (int i = 0; i < e.getValue().size(); i++) {
          if (item instanceof Class<?> k) {
            refuseUnknownKeys(e.getValue().get(i), k, p + "[" + i + "]", file);
          }
        }
      } else {
        refuseUnknownKeys(e.getValue(), c.getType(), p, file);
      }
    }
  }

  /** The dotted path of the key a conversion error is about, including the key a record's ConfigError names. */
  public static String pathOf(Throwable cause) {
    if (!(cause instanceof com.fasterxml.jackson.databind.JsonMappingException m)) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    if (m instanceof com.fasterxml.jackson.databind.exc.ValueInstantiationException
        && m.getCause() instanceof org.opendmp.common.config.ConfigError c) {
      sb.append(sb.length() == 0 ? "" : ".").append(c.key());
    }
    return sb.toString();
  }

  private static void walk(JsonParser p, String path, Map<String, Position> out) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String child = path.isEmpty() ? p.currentName() : path + "." + p.currentName();
        out.put(child, at(p.currentTokenLocation()));
        p.nextToken();
        walk(p, child, out);
      }
    } else if (t == JsonToken.START_ARRAY) {
      int i = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        String child = path + "[" + i++ + "]";
        out.put(child, at(p.currentTokenLocation()));
        walk(p, child, out);
      }
    }
  }

  private static Position at(JsonLocation loc) {
    return new Position(loc.getLineNr(), loc.getColumnNr());
  }
}
