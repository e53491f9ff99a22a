package io.controlplane.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an operator granted a tenant: the highest tier it may submit, the regions it may use, its
 * dedicated agent pool (null when it shares the common pools), its concurrent job quota, and what
 * its credential references may name. No regions means every region the deployment serves.
 *
 * <p>Credential references are bound to the tenant, so that one tenant cannot have the operator's
 * agents authenticate with another's secret (a confused deputy): a Key Vault reference must name a
 * vault of {@code keyVaults}, each entry a vault name ({@code kv-contoso}: any secret in it) or a
 * vault and a secret-name prefix ({@code kv-shared/contoso-}: only secrets whose names start so);
 * none means no Key Vault reference at all. An {@code env:} reference, read from the environment of
 * the agent that runs the job, is allowed only when {@code envPools} names the pools (dedicated or
 * self-hosted) whose agents hold this tenant's variables, and such a job is then run by those pools
 * only.
 *
 * @param keyVaults {@code <vault>} or {@code <vault>/<secret-name-prefix>}, any case (kept lower case)
 * @param envPools the agent pools that may resolve this tenant's {@code env:} references
 * @param weight the tenant's share of a region's running jobs against the other tenants of its
 *     tier (1 to {@value #MAX_WEIGHT}): a tenant of weight 3 runs about three jobs for every one
 *     of a tenant of weight 1 while both have jobs waiting
 */
public record TenantEntitlement(String tenantId, Tier maxTier, Set<String> regions, String dedicatedPool, int maxConcurrentJobs,
                                Set<String> keyVaults, Set<String> envPools, int weight) {

    /** The weight of a tenant that was given none: tenants of one tier share alike. */
    public static final int DEFAULT_WEIGHT = 1;
    public static final int MAX_WEIGHT = 1000;

    public TenantEntitlement {
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be 1 to " + MAX_WEIGHT + ", was " + weight);
        }
        regions = Set.copyOf(regions);
        keyVaults = keyVaults == null ? Set.of()
                : keyVaults.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        envPools = envPools == null ? Set.of() : Set.copyOf(envPools);
    }

    /** The default weight. */
    public TenantEntitlement(String tenantId, Tier maxTier, Set<String> regions, String dedicatedPool, int maxConcurrentJobs,
                             Set<String> keyVaults, Set<String> envPools) {
        this(tenantId, maxTier, regions, dedicatedPool, maxConcurrentJobs, keyVaults, envPools, DEFAULT_WEIGHT);
    }

    /** The same grant with another weight. */
    public TenantEntitlement withWeight(int newWeight) {
        return new TenantEntitlement(tenantId, maxTier, regions, dedicatedPool, maxConcurrentJobs, keyVaults, envPools, newWeight);
    }

    /** No Key Vault and no {@code env:} reference allowed. */
    public TenantEntitlement(String tenantId, Tier maxTier, Set<String> regions, String dedicatedPool, int maxConcurrentJobs) {
        this(tenantId, maxTier, regions, dedicatedPool, maxConcurrentJobs, Set.of(), Set.of());
    }

    /**
     * Refuses a job above the tenant's tier or outside its regions, naming both what was asked and
     * what is granted.
     *
     * @throws NotEntitledException when the entitlement does not cover the spec
     */
    public void admit(JobSpec spec) {
        if (spec.tier().rank() > maxTier.rank()) {
            throw new NotEntitledException("Tenant " + tenantId + " is entitled to tier " + maxTier
                    + " and below; the job asks for " + spec.tier() + ".");
        }
        if (!regions.isEmpty() && !regions.contains(spec.region())) {
            throw new NotEntitledException("Tenant " + tenantId + " is entitled to regions " + regions.stream().sorted().toList()
                    + "; the job asks for " + spec.region() + ".");
        }
    }

    /**
     * Every credential reference of the spec this tenant may not use, each naming its field: a
     * vault (or secret) not in {@code keyVaults}, an {@code env:} reference without {@code envPools}.
     */
    public List<FieldError> credentialProblems(JobSpec spec) {
        List<FieldError> problems = new ArrayList<>();
        for (CredentialReference.Located located : CredentialReference.in(spec)) {
            CredentialReference r = located.reference();
            if (r.isKeyVault() && !allowsVaultSecret(r.vault(), r.secret())) {
                problems.add(new FieldError(located.field(), "names Key Vault '" + r.vault() + "'"
                        + (keyVaultNamed(r.vault()) ? " outside the secret-name prefixes" : "")
                        + ", which this tenant's entitlement does not list"
                        + (keyVaults.isEmpty() ? " (it lists none)" : " (it lists " + keyVaults.stream().sorted().toList() + ")")
                        + "; an operator adds it to keyVaults with PUT /api/admin/tenants/" + tenantId));
            } else if (r.isEnv() && envPools.isEmpty()) {
                problems.add(new FieldError(located.field(), "env: references are read from the agent's environment, so"
                        + " only a tenant whose entitlement names its own agent pools (envPools) may use them; use a Key"
                        + " Vault secret URI, or have an operator set envPools with PUT /api/admin/tenants/" + tenantId));
            }
        }
        return problems;
    }

    private boolean keyVaultNamed(String vault) {
        return keyVaults.stream().anyMatch(entry -> entry.equals(vault) || entry.startsWith(vault + "/"));
    }

    private boolean allowsVaultSecret(String vault, String secret) {
        for (String entry : keyVaults) {
            int slash = entry.indexOf('/');
            if (slash < 0 ? entry.equals(vault)
                    : entry.substring(0, slash).equals(vault) && secret.startsWith(entry.substring(slash + 1))) {
                return true;
            }
        }
        return false;
    }
}
