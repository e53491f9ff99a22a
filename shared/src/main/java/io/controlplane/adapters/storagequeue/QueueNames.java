package io.controlplane.adapters.storagequeue;

import io.controlplane.domain.Tier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code <prefix>jobs-<tier>} and its {@code -poison} queue (the Functions queue trigger's naming);
 * also the standalone host's {@code <prefix>dispatch-<region>} and {@code <prefix>offers-<instance>}.
 */
final class QueueNames {

    /** Platinum first: the order every polling round follows. */
    static final List<Tier> HIGHEST_TIER_FIRST =
            Arrays.stream(Tier.values()).sorted(Comparator.comparingInt(Tier::rank).reversed()).toList();

    static final String POISON_SUFFIX = "-poison";

    /**
     * Lower-case letters, digits and single hyphens, not starting with a hyphen; at most 43 so that
     * the longest name, {@code <prefix>jobs-standard-poison}, stays within Storage's 63.
     */
    static final String PREFIX_PATTERN = "([a-z0-9]+(-[a-z0-9]+)*-?)?";
    static final int MAX_PREFIX_LENGTH = 43;

    /** Storage's rule: 3 to 63 lower-case letters, digits and single hyphens, a letter or digit at each end. */
    private static final Pattern QUEUE_NAME = Pattern.compile("[a-z0-9](-?[a-z0-9])+");
    static final int MAX_QUEUE_NAME_LENGTH = 63;
    /** The longest name that still has room for its {@code -poison} queue. */
    static final int MAX_BASE_NAME_LENGTH = MAX_QUEUE_NAME_LENGTH - POISON_SUFFIX.length();

    private final String prefix;

    QueueNames(String prefix) {
        this.prefix = prefix;
    }

    static boolean isValidPrefix(String prefix) {
        return prefix != null && prefix.length() <= MAX_PREFIX_LENGTH && prefix.matches(PREFIX_PATTERN);
    }

    String queue(Tier tier) {
        return prefix + "jobs-" + tier.name().toLowerCase(Locale.ROOT);
    }

    String poison(Tier tier) {
        return queue(tier) + POISON_SUFFIX;
    }

    static boolean isValidQueueName(String name) {
        return name != null && name.length() >= 3 && name.length() <= MAX_QUEUE_NAME_LENGTH && QUEUE_NAME.matcher(name).matches();
    }

    /**
     * Lower case, every run of characters a queue name cannot hold made one hyphen, none at either
     * end (empty when nothing is left).
     */
    static String sanitize(String value) {
        String lower = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        return lower.replaceAll("^-+|-+$", "");
    }

    /**
     * {@code <prefix>dispatch-<region>}, the region sanitized.
     *
     * @throws IllegalArgumentException naming the region when it leaves nothing or makes the name (or
     *         its poison queue's) too long
     */
    String dispatch(String region) {
        String part = region == null ? "" : sanitize(region);
        String name = prefix + "dispatch-" + part;
        if (part.isEmpty() || name.length() > MAX_BASE_NAME_LENGTH || !isValidQueueName(name)) {
            throw new IllegalArgumentException("region '" + region + "' cannot name a Storage queue: '" + prefix
                    + "dispatch-<region>' must be lower-case letters, digits and single hyphens, at most "
                    + MAX_BASE_NAME_LENGTH + " characters (room for " + POISON_SUFFIX + ")");
        }
        return name;
    }

    /**
     * {@code <prefix>offers-<instance>}, the instance id sanitized; one too long is cut and ends in a
     * hash of the whole id, so two long ids that share a beginning still differ.
     */
    String offers(String instanceId) {
        String part = sanitize(instanceId);
        if (part.isEmpty()) {
            part = "i";
        }
        String start = prefix + "offers-";
        if (start.length() + part.length() > MAX_BASE_NAME_LENGTH) {
            String hash = String.format("%08x", instanceId.hashCode());
            int keep = MAX_BASE_NAME_LENGTH - start.length() - hash.length() - 1;
            part = (keep > 0 ? sanitize(part.substring(0, keep)) + "-" : "") + hash;
            part = part.startsWith("-") ? part.substring(1) : part;
        }
        return start + part;
    }
}
