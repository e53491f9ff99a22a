package io.controlplane;

import static io.controlplane.testing.TestIssuer.OTHER_TENANT;
import static io.controlplane.testing.TestIssuer.TENANT;
import static io.controlplane.testing.TestIssuer.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.controlplane.api.auth.AuthenticationException;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.api.auth.IssuerUnavailableException;
import io.controlplane.api.auth.TokenValidator;
import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.testing.TestIssuer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** From settings to a working token validator: which one each configuration gets. */
class ControlPlaneTokenValidatorTest {

    private static RSAKey key;
    private TestIssuer issuer;

    @BeforeAll
    static void key() throws JOSEException {
        key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID("entra-key").generate();
    }

    @BeforeEach
    void startIssuer() throws IOException {
        issuer = TestIssuer.start(key);
    }

    @AfterEach
    void stopIssuer() {
        issuer.close();
    }

    private static Map<String, String> development() {
        Map<String, String> values = new HashMap<>();
        values.put(ControlPlaneSettings.REGIONS, "westeurope");
        values.put(ControlPlaneSettings.STORAGE_CONNECTION_STRING, "UseDevelopmentStorage=true");
        return values;
    }

    @Test
    void multiTenantMetadataAudiencesAndAllowedTenantsComeFromTheSettings() {
        issuer.multiTenant();
        Map<String, String> values = development();
        values.put(ControlPlaneSettings.AUTH_METADATA_URL, issuer.organizationsMetadataUrl().toString());
        values.put(ControlPlaneSettings.AUTH_AUDIENCE, "5e4c2a1b-0000-4000-8000-00000000c0de, api://migration-controlplane");
        values.put(ControlPlaneSettings.AUTH_ALLOWED_TENANTS, TENANT.toUpperCase());

        TokenValidator validator = ControlPlane.tokenValidator(ControlPlaneSettings.from(values).auth());

        assertThat(validator).as("Entra tokens, operator roles filtered").isInstanceOf(io.controlplane.api.auth.OperatorRoles.class);
        assertThat(issuer.metadataFetches).as("fetched at start-up").hasValue(1);
        assertThat(validator.validate(sign(key, issuer.claims(TENANT).audience("5e4c2a1b-0000-4000-8000-00000000c0de").build()))
                .tenantId()).isEqualTo(TENANT);
        assertThatThrownBy(() -> validator.validate(sign(key, issuer.claims(OTHER_TENANT).build())))
                .isInstanceOf(AuthenticationException.class);
    }

    @Test
    void anIssuerDownAtStartDoesNotStopTheHost() {
        issuer.metadataUp = false;
        Map<String, String> values = development();
        values.put(ControlPlaneSettings.AUTH_METADATA_URL, issuer.metadataUrl().toString());

        TokenValidator validator = ControlPlane.tokenValidator(ControlPlaneSettings.from(values).auth());

        assertThatThrownBy(() -> validator.validate(sign(key, issuer.claims(TENANT).build())))
                .isInstanceOf(IssuerUnavailableException.class);
    }

    @Test
    void optedInTheDevelopmentIssuerIsUsedAsBefore(@TempDir Path dir) {
        Map<String, String> values = development();
        values.put(ControlPlaneSettings.AUTH_DEV_ISSUER, "true");
        values.put(ControlPlaneSettings.DEV_ISSUER_KEY_FILE, dir.resolve("dev-key.json").toString());
        ControlPlaneSettings settings = ControlPlaneSettings.from(values);

        TokenValidator validator = ControlPlane.tokenValidator(settings.auth());
        String token = DevIssuer.loadOrCreate(Path.of(settings.auth().devIssuerKeyFile()), DevIssuer.DEFAULT_ISSUER,
                DevIssuer.DEFAULT_AUDIENCE).token("contoso", "dev-user", List.of("Jobs.Read"), Duration.ofMinutes(5));

        assertThat(validator.validate(token).tenantId()).isEqualTo("contoso");
    }
}
