package io.controlplane.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.api.Roles;
import io.controlplane.app.Caller;
import io.controlplane.config.ControlPlaneSettings;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorRolesTest {

    private static final String OPERATOR = "11111111-1111-1111-1111-111111111111";
    private static final String CUSTOMER = "22222222-2222-2222-2222-222222222222";

    private static TokenValidator issuing(Caller caller) {
        return token -> caller;
    }

    @Test
    void aCustomerTenantsTokenLosesTheOperatorRolesAndKeepsItsOwn() {
        Caller customer = new Caller(CUSTOMER, "user", Set.copyOf(Roles.ALL));

        Caller seen = new OperatorRoles(issuing(customer), Set.of(OPERATOR.toUpperCase())).validate("t");

        assertThat(seen.roles()).containsExactlyInAnyOrder(Roles.JOBS_SUBMIT, Roles.JOBS_READ, Roles.JOBS_MANAGE);
        assertThat(seen.tenantId()).isEqualTo(CUSTOMER);
    }

    @Test
    void theOperatorsTokenKeepsEveryRole() {
        Caller operator = new Caller(OPERATOR, "ops", Set.copyOf(Roles.ALL));

        assertThat(new OperatorRoles(issuing(operator), Set.of(OPERATOR)).validate("t").roles())
                .containsExactlyInAnyOrderElementsOf(Roles.ALL);
        assertThat(new OperatorRoles(issuing(operator), Set.of()).validate("t").roles())
                .as("no operator tenants configured: nothing is filtered").containsExactlyInAnyOrderElementsOf(Roles.ALL);
    }

    @Test
    void severalAdmittedTenantsNeedTheOperatorTenantsNamed() {
        Map<String, String> multi = Map.of(
                ControlPlaneSettings.REGIONS, "westeurope",
                ControlPlaneSettings.STORAGE_CONNECTION_STRING, "UseDevelopmentStorage=true",
                ControlPlaneSettings.AUTH_METADATA_URL,
                "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
                ControlPlaneSettings.AUTH_ALLOWED_TENANTS, OPERATOR + "," + CUSTOMER);

        assertThatThrownBy(() -> ControlPlaneSettings.from(multi))
                .hasMessageContaining(ControlPlaneSettings.AUTH_OPERATOR_TENANTS);

        Map<String, String> named = new java.util.HashMap<>(multi);
        named.put(ControlPlaneSettings.AUTH_OPERATOR_TENANTS, OPERATOR);
        assertThat(ControlPlaneSettings.from(named).auth().operatorTenants()).containsExactly(OPERATOR);

        named.put(ControlPlaneSettings.AUTH_OPERATOR_TENANTS, "not-a-guid");
        assertThatThrownBy(() -> ControlPlaneSettings.from(named)).hasMessageContaining("GUIDs");
    }
}
