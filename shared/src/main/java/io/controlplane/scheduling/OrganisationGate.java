package io.controlplane.scheduling;

import io.controlplane.domain.OrganisationThrottle;
import io.controlplane.domain.ReadyEntry;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Whether a job may start now as far as the organisations it touches are concerned, and if not
 * why: a pure function of the limits ({@link PoolDirectory}), the jobs running and those given in
 * this round. Three limits apply to each organisation, the tightest first:
 * <ol>
 *   <li>its throttle ({@link OrganisationThrottle}): no new job while it asked for a back-off, then
 *       the concurrency the throttle budget allows;</li>
 *   <li>the operator's limit ({@link io.controlplane.domain.OrganisationLimit}), whoever's jobs they are;</li>
 *   <li>the job's tenant's own limit ({@link io.controlplane.domain.TenantOrganisationLimit}), on that
 *       tenant's jobs only.</li>
 * </ol>
 */
public final class OrganisationGate {

    /** Why a job waits for an organisation. */
    public enum Reason {
        /** It asked for a back-off that has not ended. */
        THROTTLED("organisation-throttled"),
        /** It runs as many jobs as its throttle budget allows now (recovering). */
        THROTTLE_BUDGET("organisation-throttle-budget"),
        /** It runs as many jobs as its operator allows. */
        LIMIT("organisation-limit"),
        /** The tenant runs as many of its jobs against it as the tenant itself allows. */
        TENANT_LIMIT("tenant-organisation-limit");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /** The reason's name in the REST contract ({@code waitingFor.reason}). */
        public String code() {
            return code;
        }
    }

    /**
     * A job held back by an organisation.
     *
     * @param limit the jobs allowed against it (for the tenant: the tenant's)
     * @param until the end of its back-off (THROTTLED), else null
     */
    public record Held(Reason reason, String organisation, int limit, Instant until) {
    }

    private OrganisationGate() {
    }

    /** What holds the job back, the first organisation of it that does; empty when none does. */
    public static Optional<Held> held(ReadyEntry entry, PoolDirectory pools, Running running, Map<String, Integer> givenByOrganisation,
                                      Map<String, Integer> givenByTenantOrganisation, Instant now) {
        boolean tenantLimits = !pools.limitByTenantOrganisation().isEmpty();
        for (String organisation : entry.organisations()) {
            int busy = running.byOrganisation().getOrDefault(organisation, 0) + givenByOrganisation.getOrDefault(organisation, 0);
            Optional<OrganisationThrottle> throttle = pools.throttleOf(organisation);
            if (throttle.isPresent()) {
                if (throttle.get().backingOff(now)) {
                    return Optional.of(new Held(Reason.THROTTLED, organisation, 0, throttle.get().until()));
                }
                OptionalInt budget = throttle.get().allowedAt(now);
                if (budget.isPresent() && busy >= budget.getAsInt()) {
                    return Optional.of(new Held(Reason.THROTTLE_BUDGET, organisation, budget.getAsInt(), null));
                }
            }
            OptionalInt limit = pools.limitOf(organisation);
            if (limit.isPresent() && busy >= limit.getAsInt()) {
                return Optional.of(new Held(Reason.LIMIT, organisation, limit.getAsInt(), null));
            }
            if (!tenantLimits) {
                continue; // no tenant limits its own jobs anywhere: no key to make
            }
            OptionalInt own = pools.tenantLimitOf(entry.tenantId(), organisation);
            String mine = Running.tenantOrganisation(entry.tenantId(), organisation);
            if (own.isPresent() && running.byTenantOrganisation().getOrDefault(mine, 0)
                    + givenByTenantOrganisation.getOrDefault(mine, 0) >= own.getAsInt()) {
                return Optional.of(new Held(Reason.TENANT_LIMIT, organisation, own.getAsInt(), null));
            }
        }
        return Optional.empty();
    }

    /** One more job of the entry's given this round (what {@link #held} counts next). */
    public static void given(ReadyEntry entry, Map<String, Integer> givenByOrganisation, Map<String, Integer> givenByTenantOrganisation) {
        for (String organisation : entry.organisations()) {
            givenByOrganisation.merge(organisation, 1, Integer::sum);
            givenByTenantOrganisation.merge(Running.tenantOrganisation(entry.tenantId(), organisation), 1, Integer::sum);
        }
    }
}
