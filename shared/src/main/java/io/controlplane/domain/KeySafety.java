package io.controlplane.domain;

import java.util.regex.Pattern;

/**
 * What Azure Table Storage accepts in PartitionKey and RowKey values: no '/', '\', '#', '?', no
 * control characters, at most 1 KiB. Kept here so validation and adapters agree on one rule.
 */
public final class KeySafety {

    public static final int MAX_KEY_CHARS = 512;

    private KeySafety() {
    }

    public static boolean isKeySafe(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_KEY_CHARS) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == '\\' || c == '#' || c == '?' || Character.isISOControl(c)
                    || (c >= '\u007F' && c <= '\u009F')) {
                return false;
            }
        }
        return true;
    }

    private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /**
     * A tenant id: letters, digits, '.', '_', '-' (Entra tenant ids are GUIDs), at most 128
     * characters. No '|': a tenant id prefixes other keys ({@code <tenant>|<scope>}), and a range
     * over one tenant's keys must not reach another's.
     */
    public static boolean isTenantId(String value) {
        return value != null && TENANT_ID.matcher(value).matches();
    }
}
