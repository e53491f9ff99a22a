package io.controlplane.domain;

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
}
