package io.controlplane.domain;

import java.util.regex.Pattern;

/**
 * The one rule for an Azure region's name as the control plane takes it (in a job spec, an agent's
 * registration, a tenant's entitlement, a list filter, the deployment's settings, an intake
 * message): a lower-case letter, then lower-case letters and digits, 2 to 40 in all
 * ({@code westeurope}, {@code eastus2}).
 */
public final class RegionName {

    /** The pattern a region's name matches whole. */
    public static final Pattern PATTERN = Pattern.compile("[a-z][a-z0-9]{1,39}");
    /** The longest name. */
    public static final int MAX_LENGTH = 40;

    private RegionName() {
    }

    /** True when {@code name} is a region's name by this rule (whether any deployment serves it or not). */
    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }
}
