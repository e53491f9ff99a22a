package io.controlplane.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reading whole-number settings with bounds, collecting every problem instead of stopping at the first. */
final class SettingValues {

    private SettingValues() {
    }

    /** A true/false setting: {@code dflt} when unset (or wrong, with the problem added). */
    static boolean flag(Map<String, String> values, String name, boolean dflt, List<String> problems) {
        String raw = values.get(name);
        if (raw == null || raw.isBlank()) {
            return dflt;
        }
        switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                problems.add(name + " must be true or false");
                return dflt;
        }
    }

    /** The setting's value, or {@code dflt} when it is unset (or wrong, with the problem added). */
    static long number(Map<String, String> values, String name, long dflt, long min, long max, List<String> problems) {
        String raw = values.get(name);
        if (raw == null || raw.isBlank()) {
            return dflt;
        }
        try {
            long value = Long.parseLong(raw.trim());
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
}
