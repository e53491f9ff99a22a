package io.controlplane.api.auth;

import io.controlplane.api.Roles;
import io.controlplane.app.Caller;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Honours the roles that reach every tenant's data ({@code ControlPlane.Admin}: export and erase
 * any tenant; {@code Agents.Run}: lease any tenant's jobs) only in tokens of the operator's own
 * tenants. With several tenants admitted, each tenant's administrators assign app roles to their
 * own users; without this, any of them could make a user an operator of the whole service.
 */
public final class OperatorRoles implements TokenValidator {

    static final Set<String> OPERATOR_ONLY = Set.of(Roles.ADMIN, Roles.AGENTS_RUN);

    private final TokenValidator inner;
    private final Set<String> operatorTenants;

    /** @param operatorTenants the operator's tenant ids (any case); empty: every admitted tenant may hold every role */
    public OperatorRoles(TokenValidator inner, Set<String> operatorTenants) {
        this.inner = inner;
        this.operatorTenants = operatorTenants.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    @Override
    public Caller validate(String bearerToken) {
        Caller caller = inner.validate(bearerToken);
        if (operatorTenants.isEmpty() || operatorTenants.contains(caller.tenantId().toLowerCase(Locale.ROOT))) {
            return caller;
        }
        Set<String> roles = new HashSet<>(caller.roles());
        roles.removeAll(OPERATOR_ONLY);
        return roles.size() == caller.roles().size() ? caller : new Caller(caller.tenantId(), caller.subject(), roles);
    }
}
