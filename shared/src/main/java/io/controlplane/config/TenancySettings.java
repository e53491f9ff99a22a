package io.controlplane.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How tenants are admitted and how long their finished jobs are kept, validated at
 * {@link #from(Map)} (every problem at once).
 *
 * @param requireEntitlement when true, a tenant without an entitlement may not submit (403); when
 *     false (the default, for self-hosting) such a tenant is unrestricted
 * @param retention how long a finished job (Completed, Failed, Cancelled) is kept after its last
 *     change before the reconcile timer erases it with its history, checkpoints and mappings; zero
 *     keeps finished jobs until they are erased by hand
 * @param purgeInterval how often one instance runs the retention purge (it scans the jobs table)
 */
public record TenancySettings(boolean requireEntitlement, Duration retention, Duration purgeInterval) {

    public static final String REQUIRE_ENTITLEMENT = "TENANTS_REQUIRE_ENTITLEMENT";
    public static final String RETENTION_DAYS = "RETENTION_DAYS";
    public static final String RETENTION_PURGE_MINUTES = "RETENTION_PURGE_MINUTES";

    public static TenancySettings defaults() {
        return from(Map.of());
    }

    public static TenancySettings from(Map<String, String> values) {
        List<String> problems = new ArrayList<>();
        boolean require = false;
        String raw = values.get(REQUIRE_ENTITLEMENT);
        if (raw != null && !raw.isBlank()) {
            switch (raw.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> require = true;
                case "false" -> require = false;
                default -> problems.add(REQUIRE_ENTITLEMENT + " must be true or false");
            }
        }
        long days = SettingValues.number(values, RETENTION_DAYS, 90, 0, 3650, problems);
        long minutes = SettingValues.number(values, RETENTION_PURGE_MINUTES, 60, 1, 7 * 24 * 60, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid tenancy settings:\n - " + String.join("\n - ", problems));
        }
        return new TenancySettings(require, Duration.ofDays(days), Duration.ofMinutes(minutes));
    }

    public boolean purges() {
        return !retention.isZero();
    }
}
