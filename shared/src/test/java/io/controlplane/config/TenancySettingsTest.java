package io.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Entitlements must not fail open: required whenever several tenants are admitted or in Production. */
class TenancySettingsTest {

    private static final String TENANT = "11111111-2222-3333-4444-555555555555";
    private static final String OTHER = "99999999-8888-7777-6666-555555555555";

    private static Map<String, String> entra(String allowedTenants, String environment) {
        Map<String, String> values = new HashMap<>();
        values.put(ControlPlaneSettings.REGIONS, "westeurope");
        values.put(ControlPlaneSettings.STORAGE_CONNECTION_STRING, "UseDevelopmentStorage=true");
        values.put(ControlPlaneSettings.AUTH_METADATA_URL,
                "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration");
        values.put(ControlPlaneSettings.AUTH_AUDIENCE, "api://controlplane");
        values.put(ControlPlaneSettings.AUTH_ALLOWED_TENANTS, allowedTenants);
        values.put(ControlPlaneSettings.AUTH_OPERATOR_TENANTS, TENANT);
        values.put(ControlPlaneSettings.ENVIRONMENT, environment);
        return values;
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", TENANT + "," + OTHER})
    void severalAdmittedTenantsRequireEntitlementsByDefaultAndRefuseToTurnThemOff(String allowed) {
        Map<String, String> values = entra(allowed, "Development");
        ControlPlaneSettings platform = ControlPlaneSettings.from(values);

        assertThat(TenancySettings.from(values, platform).requireEntitlement()).isTrue();
        values.put(TenancySettings.REQUIRE_ENTITLEMENT, "false");
        assertThatThrownBy(() -> TenancySettings.from(values, platform))
                .hasMessageContainingAll(TenancySettings.REQUIRE_ENTITLEMENT + "=false is refused",
                        ControlPlaneSettings.AUTH_ALLOWED_TENANTS + " admits more than one tenant");
    }

    @Test
    void productionRequiresEntitlementsEvenForOneTenant() {
        Map<String, String> values = entra(TENANT, "Production");
        ControlPlaneSettings platform = ControlPlaneSettings.from(values);

        assertThat(TenancySettings.from(values, platform).requireEntitlement()).isTrue();
        values.put(TenancySettings.REQUIRE_ENTITLEMENT, "false");
        assertThatThrownBy(() -> TenancySettings.from(values, platform))
                .hasMessageContainingAll(TenancySettings.REQUIRE_ENTITLEMENT + "=false is refused in Production");
    }

    @Test
    void settingsBuiltElsewhereAreCheckedTooWhenTheControlPlaneIsMade() {
        ControlPlaneSettings platform = ControlPlaneSettings.from(entra("*", "Production"));

        assertThatThrownBy(() -> TenancySettings.defaults().requireSafeFor(platform))
                .hasMessageContaining(TenancySettings.REQUIRE_ENTITLEMENT + "=false is refused");
    }

    @Test
    void aSingleTenantDevelopmentDeploymentMayLeaveEntitlementsOptional() {
        Map<String, String> values = entra(TENANT, "Development");
        ControlPlaneSettings platform = ControlPlaneSettings.from(values);

        assertThat(TenancySettings.from(values, platform).requireEntitlement()).isFalse();
        values.put(TenancySettings.REQUIRE_ENTITLEMENT, "true");
        assertThat(TenancySettings.from(values, platform).requireEntitlement()).isTrue();
    }
}
