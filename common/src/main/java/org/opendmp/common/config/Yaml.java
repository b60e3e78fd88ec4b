package org.opendmp.common.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.opendmp.common.DmpException;

/**
 * Strict YAML loading into typed config records. Keys are snake_case in YAML and camelCase in records. Unknown
 * keys, wrong types and values refused by a record's constructor are reported as one line naming the file, the
 * key (as a dotted path) and what was expected. Records validate their own values in compact constructors,
 * throwing {@link ConfigError}.
 */
public final class Yaml {
  private static final ObjectMapper MAPPER = mapper(false);

  /** The same mapper, but scalars may be coerced: values given with --set are always strings. */
  private static final ObjectMapper LENIENT_SCALARS = mapper(true);

  private Yaml() {}

  private static ObjectMapper mapper(boolean coerceScalars) {
    return JsonMapper.builder(new YAMLFactory())
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, coerceScalars)
        .build();
  }

  /** Loads a YAML file into a record, rejecting anything the record does not declare. */
  public static <T> T load(Path file, Class<T> type) {
    return load(file, type, Map.of());
  }

  /**
   * Loads a YAML file into a record after applying overrides ({@code a.b=value}, from {@code --set}). The file
   * is checked on its own first so that its errors carry line numbers; override errors name the override.
   */
  public static <T> T load(Path file, Class<T> type, Map<String, String> overrides) {
    JsonNode tree = readTree(file);
    T fromFile;
    try {
      // Parsed from the text again, not from the tree, so that errors carry line numbers.
      fromFile = MAPPER.readValue(Files.readString(file), type);
    } catch (JsonProcessingException e) {
      throw new DmpException(describe(e, "file " + file + lineOf(file, e)), e);
    } catch (IOException e) {
      throw new DmpException("Cannot load config: " + e.getMessage() + " (file " + file + ")", e);
    }
    if (overrides.isEmpty()) {
      return fromFile;
    }
    ObjectNode patched = tree.deepCopy();
    overrides.forEach((key, value) -> set(patched, key, value));
    return convert(LENIENT_SCALARS, patched, type, "--set " + String.join(", ", overrides.keySet()));
  }

  /**
   * A record from overrides alone (no file), e.g. an env given entirely with {@code --set} under spark-submit.
   * {@code where} names the source in errors.
   */
  public static <T> T fromOverrides(Class<T> type, Map<String, String> overrides, String where) {
    ObjectNode tree = MAPPER.createObjectNode();
    overrides.forEach((key, value) -> set(tree, key, value));
    return convert(LENIENT_SCALARS, tree, type, where);
  }

  /** Reads a file into a tree, with a one-line error when it is missing or not YAML. */
  public static JsonNode readTree(Path file) {
    try {
      JsonNode tree = MAPPER.readTree(Files.readString(file));
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        return MAPPER.createObjectNode();
      }
      if (!tree.isObject()) {
        throw new DmpException("Cannot load config: the top level must be a mapping of keys (file " + file + ")");
      }
      return tree;
    } catch (NoSuchFileException e) {
      throw new DmpException("Cannot load config: file not found (" + file + ")");
    } catch (JsonProcessingException e) {
      throw new DmpException(
          "Cannot load config: not valid YAML: " + e.getOriginalMessage() + " (file " + file + where(e.getLocation()) + ")");
    } catch (IOException e) {
      throw new DmpException("Cannot load config: " + e.getMessage() + " (file " + file + ")", e);
    }
  }

  /** Converts a tree into a record (used for sections of a larger file, e.g. one job's block). */
  public static <T> T convert(JsonNode tree, Class<T> type, String where) {
    return convert(MAPPER, tree, type, where);
  }

  private static <T> T convert(ObjectMapper mapper, JsonNode tree, Class<T> type, String where) {
    try {
      return mapper.treeToValue(tree, type);
    } catch (JsonProcessingException e) {
      throw new DmpException(describe(e, where), e);
    }
  }

  private static void set(ObjectNode root, String dottedKey, String value) {
    String[] parts = dottedKey.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (child == null || !child.isObject()) {
        child = node.putObject(parts[i]);
      }
      node = (ObjectNode) child;
    }
    node.put(parts[parts.length - 1], value);
  }

  /** One line: what is wrong, with the key's dotted path, the location and what is expected. */
  static String describe(JsonProcessingException e, String where) {
    String key = e instanceof JsonMappingException m ? path(m.getPath()) : "";
    String location = where;
    if (e instanceof UnrecognizedPropertyException u) {
      List<String> known =
          u.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.toList());
      return "Cannot load config: unknown key '" + key + "' (" + location + "; expected one of: "
          + String.join(", ", known) + ")";
    }
    if (e instanceof ValueInstantiationException v) {
      if (v.getCause() instanceof ConfigError c) {
        String full = key.isEmpty() ? c.key() : key + "." + c.key();
        return "Cannot load config: key '" + full + "' " + c.problem() + " (" + location + ")";
      }
      Throwable cause = v.getCause() == null ? v : v.getCause();
      return "Cannot load config: " + (key.isEmpty() ? "" : "key '" + key + "': ") + cause.getMessage()
          + " (" + location + ")";
    }
    if (e instanceof InvalidFormatException f) {
      return "Cannot load config: key '" + key + "' has value '" + f.getValue() + "', expected "
          + typeName(f.getTargetType()) + " (" + location + ")";
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      return "Cannot load config: key '" + key + "' expected " + typeName(m.getTargetType()) + " (" + location + ")";
    }
    return "Cannot load config: " + e.getOriginalMessage() + (key.isEmpty() ? "" : " at key '" + key + "'")
        + " (" + location + ")";
  }

  /**
   * ", line N" of the key an error is about. Jackson reports record errors at the end of the enclosing object,
   * so the line is found in the text: the first line declaring the key's last segment.
   */
  private static String lineOf(Path file, JsonProcessingException e) {
    if (!(e instanceof JsonMappingException m) || m.getPath().isEmpty()) {
      return where(e.getLocation());
    }
    String last = m.getPath().get(m.getPath().size() - 1).getFieldName();
    if (e instanceof ValueInstantiationException v && v.getCause() instanceof ConfigError c) {
      last = c.key().substring(c.key().lastIndexOf('.') + 1);
    }
    if (last == null) {
      return where(e.getLocation());
    }
    try {
      List<String> lines = Files.readAllLines(file);
      // block style ("  key: v", "- key: v") or flow style ("{a: 1, key: v}")
      java.util.regex.Pattern p =
          java.util.regex.Pattern.compile("(^\\s*-?\\s*|[{,]\\s*)" + java.util.regex.Pattern.quote(last) + "\\s*:");
      for (int i = 0; i < lines.size(); i++) {
        if (p.matcher(lines.get(i)).find()) {
          return ", line " + (i + 1);
        }
      }
    } catch (IOException ignored) {
      // the file was readable a moment ago; without a line the message is still complete
    }
    return "";
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String typeName(Class<?> type) {
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "an integer";
    }
    if (type == double.class || type == Double.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a text value";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping of keys";
    }
    if (type.isEnum()) {
      return "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(java.util.Locale.ROOT);
    }
    return type.getSimpleName();
  }

  private static String where(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 1 ? "" : ", line " + loc.getLineNr();
  }
}
