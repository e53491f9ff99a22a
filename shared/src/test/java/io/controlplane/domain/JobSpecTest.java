package io.controlplane.domain;

import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSpecTest {

    @Test
    @SuppressWarnings("unchecked")
    void configIsImmutableAllTheWayDown() {
        List<Object> processors = new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("type", "WorkItemMigration"))));
        Map<String, Object> config = new LinkedHashMap<>(Map.of("processors", processors));

        JobSpec spec = aJobSpec().withConfig(config).build();
        List<Object> stored = (List<Object>) spec.config().get("processors");
        Map<String, Object> processor = (Map<String, Object>) stored.get(0);

        assertThatThrownBy(() -> stored.add("more")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> processor.put("type", "Other")).isInstanceOf(UnsupportedOperationException.class);
        processors.add("changed after build");
        assertThat(spec.config().get("processors")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .hasSize(1);
    }

    @Test
    void configKeepsJsonNullsAndOrder() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("b", null);
        config.put("a", Arrays.asList(1, null));

        JobSpec spec = aJobSpec().withConfig(config).build();

        assertThat(spec.config().keySet()).containsExactly("b", "a");
        assertThat(spec.config()).containsEntry("b", null).containsEntry("a", Arrays.asList(1, null));
    }

    @Test
    void absentCapabilitiesAndConfigAreEmpty() {
        JobSpec spec = new JobSpec("n", Tier.Standard, "westeurope", JobKind.Export, null, null, null, null, null,
                JobPolicy.defaults());

        assertThat(spec.requiredCapabilities()).isEmpty();
        assertThat(spec.config()).isEmpty();
    }

    @Test
    void theFixtureBuilderChangesOnlyWhatItIsTold() {
        JobSpec spec = aJobSpec().withTier(Tier.Platinum).withRegion("northeurope").withCapabilities("git", "lfs").build();

        assertThat(spec.tier()).isEqualTo(Tier.Platinum);
        assertThat(spec.region()).isEqualTo("northeurope");
        assertThat(spec.requiredCapabilities()).containsExactly("git", "lfs");
        assertThat(spec.name()).isEqualTo(aJobSpec().build().name());
        assertThat(aJobSpec().build().region()).isEqualTo("westeurope");
    }
}
