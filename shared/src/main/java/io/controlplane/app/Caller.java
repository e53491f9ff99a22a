package io.controlplane.app;

import java.util.Set;

/**
 * Who is calling, as proven by the bearer token: the tenant (token {@code tid}), the subject
 * (token {@code sub}: a user, a service principal or an agent) and the roles granted.
 */
public record Caller(String tenantId, String subject, Set<String> roles) {

    public Caller {
        roles = Set.copyOf(roles);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
