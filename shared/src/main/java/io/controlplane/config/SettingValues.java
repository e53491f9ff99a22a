package io.controlplane.config;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The one reader of setting values by name (environment, app settings): text, comma-separated
 * lists, numbers, true/false and one-of-a-few choices. A blank value counts as unset; a wrong value
 * adds a problem to the caller's list and gives the default, so every problem is reported at once.
 * Every settings class of the control plane and its hosts reads through these.
 */
public final class SettingValues {

    private SettingValues() {
    }

    /** The setting's value without surrounding blanks, or null when it is unset or blank. */
    public static String text(Map<String, String> values, String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The setting's value without surrounding blanks, or {@code dflt} when it is unset or blank. */
    public static String text(Map<String, String> values, String name, String dflt) {
        String value = text(values, name);
        return value == null ? dflt : value;
    }

    /** A comma-separated setting: its non-empty items, trimmed, in order, once each; empty when it is unset. */
    public static Set<String> list(Map<String, String> values, String name) {
        return items(text(values, name));
    }

    /** The non-empty items of a comma-separated value, trimmed, in order, once each; empty for null. */
    static Set<String> items(String value) {
        return value == null ? new LinkedHashSet<>() : new LinkedHashSet<>(Arrays.stream(value.split(",")).map(String::trim)
                .filter(item -> !item.isEmpty()).toList());
    }

    /** A true/false setting (either case): {@code dflt} when unset (or wrong, with the problem added). */
    public static boolean flag(Map<String, String> values, String name, boolean dflt, List<String> problems) {
        String raw = text(values, name);
        if (raw == null) {
            return dflt;
        }
        switch (raw.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                problems.add(name + " must be true or false");
                return dflt;
        }
    }

    /** A whole-number setting from {@code min} to {@code max}: {@code dflt} when unset (or wrong, with the problem added). */
    public static long number(Map<String, String> values, String name, long dflt, long min, long max, List<String> problems) {
        String raw = text(values, name);
        if (raw == null) {
            return dflt;
        }
        try {
            long value = Long.parseLong(raw);
            if (value < min || value > max) {
                problems.add(name + " must be from " + min + " to " + max);
                return dflt;
            }
            return value;
        } catch (NumberFormatException e) {
            problems.add(name + " must be a whole number");
            return dflt;
        }
    }

    /** An {@code int} setting, bounds checked by the caller: {@code dflt} when unset (or wrong, with the problem added). */
    static int integer(Map<String, String> values, String name, int dflt, List<String> problems) {
        String raw = text(values, name);
        if (raw == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            problems.add(name + " must be an integer");
            return dflt;
        }
    }

    /**
     * One of an enum's constants, named by {@code spelling} (either case): {@code dflt} when unset
     * (or wrong, with the problem added: the setting must be one of the spellings).
     */
    static <E extends Enum<E>> E choice(Map<String, String> values, String name, E dflt, Function<E, String> spelling,
                                        List<String> problems) {
        String raw = text(values, name);
        if (raw == null) {
            return dflt;
        }
        List<E> options = List.of(dflt.getDeclaringClass().getEnumConstants());
        for (E option : options) {
            if (spelling.apply(option).toLowerCase(Locale.ROOT).equals(raw.toLowerCase(Locale.ROOT))) {
                return option;
            }
        }
        List<String> names = options.stream().map(spelling).toList();
        problems.add(name + " must be " + String.join(", ", names.subList(0, names.size() - 1)) + " or "
                + names.get(names.size() - 1));
        return dflt;
    }
}
