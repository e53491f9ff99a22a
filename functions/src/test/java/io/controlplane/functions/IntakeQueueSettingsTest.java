package io.controlplane.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.domain.Tier;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The intake triggers' queue settings must name the queues the control plane publishes to. */
class IntakeQueueSettingsTest {

    private static Map<String, String> settings(String prefix) {
        Map<String, String> values = new HashMap<>();
        if (prefix != null) {
            values.put(ControlPlaneSettings.QUEUE_PREFIX, prefix);
        }
        for (Tier tier : Tier.values()) {
            values.put(IntakeQueueSettings.settingOf(tier), IntakeQueueSettings.queueOf(prefix == null ? "" : prefix, tier));
        }
        return values;
    }

    @Test
    void eachTierHasItsOwnSettingAndItsQueueUnderThePrefix() {
        assertThat(IntakeQueueSettings.settingOf(Tier.Platinum)).isEqualTo("INTAKE_QUEUE_PLATINUM");
        assertThat(IntakeQueueSettings.settingOf(Tier.Premium)).isEqualTo("INTAKE_QUEUE_PREMIUM");
        assertThat(IntakeQueueSettings.settingOf(Tier.Standard)).isEqualTo("INTAKE_QUEUE_STANDARD");
        assertThat(IntakeQueueSettings.queueOf("", Tier.Platinum)).isEqualTo("jobs-platinum");
        assertThat(IntakeQueueSettings.queueOf("test-", Tier.Standard)).isEqualTo("test-jobs-standard");
    }

    @Test
    void matchingSettingsPassWithOrWithoutAPrefixAndWithTheEmptyPrefixDropped() {
        assertThat(IntakeQueueSettings.check(settings(""))).containsEntry("INTAKE_QUEUE_PREMIUM", "jobs-premium");
        assertThat(IntakeQueueSettings.check(settings("prod-"))).containsEntry("INTAKE_QUEUE_PREMIUM", "prod-jobs-premium");
        // An empty QUEUE_PREFIX that never reached the process is the same as no prefix.
        assertThat(IntakeQueueSettings.check(settings(null))).doesNotContainKey(ControlPlaneSettings.QUEUE_PREFIX);
    }

    @Test
    void aQueueTheControlPlaneDoesNotPublishToIsRefusedWithEveryMismatchNamed() {
        Map<String, String> values = settings("prod-");
        values.put("INTAKE_QUEUE_PLATINUM", "jobs-platinum");
        values.put("INTAKE_QUEUE_STANDARD", "prod-jobs-standrad");

        assertThatThrownBy(() -> IntakeQueueSettings.check(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INTAKE_QUEUE_PLATINUM is 'jobs-platinum', but the control plane publishes Platinum"
                        + " intake messages to 'prod-jobs-platinum'")
                .hasMessageContaining("INTAKE_QUEUE_STANDARD is 'prod-jobs-standrad'")
                .hasMessageNotContaining("INTAKE_QUEUE_PREMIUM");
    }

    @Test
    void theDispatchQueueIsCheckedAgainstThePrefixToo() {
        assertThat(IntakeQueueSettings.DISPATCH).isEqualTo("DISPATCH_QUEUE");
        assertThat(IntakeQueueSettings.dispatchQueueOf("")).isEqualTo("dispatch");
        Map<String, String> values = settings("prod-");
        values.put(IntakeQueueSettings.DISPATCH, "prod-dispatch");
        assertThat(IntakeQueueSettings.check(values)).containsEntry("DISPATCH_QUEUE", "prod-dispatch");

        values.put(IntakeQueueSettings.DISPATCH, "dispatch");
        assertThatThrownBy(() -> IntakeQueueSettings.check(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DISPATCH_QUEUE is 'dispatch', but the control plane sends dispatch events to 'prod-dispatch'")
                .hasMessageNotContaining("INTAKE_QUEUE_");
    }
}
