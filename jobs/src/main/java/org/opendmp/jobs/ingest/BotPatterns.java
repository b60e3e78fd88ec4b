package org.opendmp.jobs.ingest;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.opendmp.common.config.ConfigError;
import org.opendmp.common.config.Yaml;

/**
 * conf/bots.yaml: the maintained list of user-agent patterns (case-insensitive regexes) that flag a hit as a
 * bot. Bot hits are kept in bronze with {@code is_bot = true}, never dropped; conform leaves them out of
 * silver.events.
 */
public record BotPatterns(List<String> userAgentPatterns) implements Serializable {
  private static final long serialVersionUID = 1L;

  public BotPatterns {
    userAgentPatterns = List.copyOf(ConfigError.required(userAgentPatterns, "user_agent_patterns"));
    for (int i = 0; i < userAgentPatterns.size(); i++) {
      try {
        Pattern.compile(userAgentPatterns.get(i));
      } catch (PatternSyntaxException e) {
        throw new ConfigError("user_agent_patterns[" + i + "]", "is not a valid regex: " + e.getDescription());
      }
    }
  }

  public static BotPatterns load(Path file) {
    return Yaml.load(file, BotPatterns.class);
  }

  private Pattern combined() {
    return COMBINED.computeIfAbsent(userAgentPatterns, l -> Pattern.compile(String.join("|", l), Pattern.CASE_INSENSITIVE));
  }

  private static final java.util.Map<List<String>, Pattern> COMBINED = new java.util.concurrent.ConcurrentHashMap<>();

  /** True when the user agent matches a pattern; an empty or missing user agent counts as a bot. */
  public boolean isBot(String userAgent) {
    if (userAgent == null || userAgent.isBlank() || userAgent.equals("-")) {
      return true;
    }
    return combined().matcher(userAgent).find();
  }
}
