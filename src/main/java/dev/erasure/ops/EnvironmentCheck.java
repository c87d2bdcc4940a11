package dev.erasure.ops;

import dev.erasure.api.security.SecurityConfig;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.ConfigMappings.ConfigClass;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Finds environment variables named like a setting of the service ({@code ERASURE_...}) that no
 * setting reads. A misspelled {@code -Derasure...} key stops the start, but the configuration
 * cannot tell a misspelled environment variable from any other one, so without this check
 * {@code ERASURE_JOBS_WORKER=8} would be ignored without a word.
 */
final class EnvironmentCheck {

    private static final String PREFIX = "ERASURE_";

    /**
     * The variables Kubernetes adds for every Service of the namespace (service links): a release
     * named "erasure" gets {@code ERASURE_ERASURE_SERVICE_SERVICE_HOST} and the like. Not ours to judge.
     */
    private static final Pattern SERVICE_LINK = Pattern.compile(
            ".*_(SERVICE_HOST|SERVICE_PORT(_\\w+)?|PORT|PORT_\\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)");

    private EnvironmentCheck() {
    }

    /**
     * One line per unread {@code ERASURE_*} variable, with the nearest setting's name when one is
     * close. A warning facility must not stop the start: if the mappings cannot be read, one line says so.
     */
    static List<String> warnings(Map<String, String> environment) {
        List<String> settings;
        try {
            settings = settingNames();
        } catch (RuntimeException e) {
            return List.of("The ERASURE_* environment variables were not checked: " + e.getMessage());
        }
        return warnings(environment, settings);
    }

    static List<String> warnings(Map<String, String> environment, Collection<String> settings) {
        Set<String> known = new TreeSet<>();
        settings.forEach(setting -> known.add(envName(setting)));
        List<String> warnings = new ArrayList<>();
        for (String name : new TreeSet<>(environment.keySet())) {
            if (!name.startsWith(PREFIX) || known.contains(name) || SERVICE_LINK.matcher(name).matches()) {
                continue;
            }
            String nearest = nearest(name, known);
            warnings.add("Environment variable " + name + " is set, but no setting of the service reads it"
                    + (nearest == null ? "" : " (did you mean " + nearest + "?)") + "; it is ignored");
        }
        return warnings;
    }

    /**
     * Every setting of the service: {@code erasure.*} of {@link ErasureConfig} and {@link SecurityConfig},
     * as the configuration itself names them (the indexed form of a list, {@code api-keys[*]}, left out).
     */
    static List<String> settingNames() {
        List<String> names = new ArrayList<>();
        names.addAll(ConfigMappings.getProperties(ConfigClass.configClass(ErasureConfig.class, "erasure")).keySet());
        names.addAll(ConfigMappings.getProperties(ConfigClass.configClass(SecurityConfig.class, "erasure.security")).keySet());
        names.removeIf(name -> name.endsWith("[*]"));
        return names;
    }

    /** The environment form of a property name (as MicroProfile Config matches it). */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The known name within a few edits of {@code name}, or null. */
    private static String nearest(String name, Set<String> known) {
        String best = null;
        int bestDistance = 4;
        for (String candidate : known) {
            int distance = distance(name, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Edit distance (insertions, deletions, substitutions). */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
