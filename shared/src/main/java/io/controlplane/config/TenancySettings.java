package io.controlplane.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How tenants are admitted and how long their finished jobs are kept, validated at
 * {@link #from(Map)} (every problem at once).
 *
 * @param requireEntitlement when true, a tenant without an entitlement may not submit (403); when
 *     false (the default for a single-tenant Development deployment, i.e. self-hosting) such a tenant
 *     is unrestricted. Required, and so the default, when more than one tenant is admitted or in
 *     Production: there, false is refused at start
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

    /** For a single-tenant Development deployment: entitlements optional unless the values say otherwise. */
    public static TenancySettings from(Map<String, String> values) {
        return from(values, false);
    }

    /**
     * For the deployment {@code platform} describes: entitlements are required by default, and may not be
     * turned off, when it admits several tenants or runs in Production.
     */
    public static TenancySettings from(Map<String, String> values, ControlPlaneSettings platform) {
        TenancySettings settings = from(values, mustRequireEntitlement(platform));
        settings.requireSafeFor(platform);
        return settings;
    }

    /**
     * Refuses the fail-open combination: a tenant without an entitlement is unrestricted, so with
     * several tenants admitted any of them (with {@code *}, anyone who makes an Entra tenant) could
     * submit Platinum work in every region.
     *
     * @throws IllegalArgumentException when entitlements are optional where they must be required
     */
    public void requireSafeFor(ControlPlaneSettings platform) {
        if (!requireEntitlement && mustRequireEntitlement(platform)) {
            throw new IllegalArgumentException("Invalid tenancy settings:\n - " + REQUIRE_ENTITLEMENT + "=false is refused "
                    + (platform.auth().admitsSeveralTenants() ? "when " + ControlPlaneSettings.AUTH_ALLOWED_TENANTS
                    + " admits more than one tenant" : "in Production") + ": a tenant without an entitlement would be"
                    + " unrestricted; remove the setting (it defaults to true here) and grant each tenant an entitlement"
                    + " (PUT /api/admin/tenants/{tenantId})");
        }
    }

    private static boolean mustRequireEntitlement(ControlPlaneSettings platform) {
        return platform.auth().admitsSeveralTenants() || platform.environment() == ControlPlaneSettings.Environment.Production;
    }

    private static TenancySettings from(Map<String, String> values, boolean requireByDefault) {
        List<String> problems = new ArrayList<>();
        boolean require = SettingValues.flag(values, REQUIRE_ENTITLEMENT, requireByDefault, problems);
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
