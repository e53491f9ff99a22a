package io.controlplane.adapters.storagequeue;

import io.controlplane.domain.Tier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** {@code <prefix>jobs-<tier>} and its {@code -poison} queue (the Functions queue trigger's naming). */
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
}
