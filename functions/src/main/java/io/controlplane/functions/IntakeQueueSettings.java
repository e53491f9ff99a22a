package io.controlplane.functions;

import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.config.SettingValues;
import io.controlplane.domain.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Function App settings naming the queue each intake trigger listens on, one per tier, each the
 * queue's full name ({@code <QUEUE_PREFIX>jobs-<tier>}), and the dispatch trigger's
 * ({@link #DISPATCH}, {@code <QUEUE_PREFIX>dispatch}). The triggers bind them as {@code %NAME%};
 * the control plane publishes to {@code QUEUE_PREFIX} and the queue's name, so the two must agree
 * or the triggers listen where nothing is sent (dispatch would then wait for the reconcile pass).
 * {@link #check} says so when the worker builds the control plane, instead of jobs merely starting
 * late.
 */
public final class IntakeQueueSettings {

    public static final String PLATINUM = "INTAKE_QUEUE_PLATINUM";
    public static final String PREMIUM = "INTAKE_QUEUE_PREMIUM";
    public static final String STANDARD = "INTAKE_QUEUE_STANDARD";
    /** The dispatch trigger's queue ({@link DispatchFunction}): where the dispatch bus sends. */
    public static final String DISPATCH = "DISPATCH_QUEUE";

    private IntakeQueueSettings() {
    }

    /** The setting that names {@code tier}'s intake queue. */
    public static String settingOf(Tier tier) {
        return switch (tier) {
            case Platinum -> PLATINUM;
            case Premium -> PREMIUM;
            case Standard -> STANDARD;
        };
    }

    /** The queue the control plane publishes {@code tier}'s intake messages to, under {@code prefix}. */
    public static String queueOf(String prefix, Tier tier) {
        return prefix + "jobs-" + tier.name().toLowerCase(Locale.ROOT);
    }

    /** The queue the control plane sends dispatch events to, under {@code prefix}. */
    public static String dispatchQueueOf(String prefix) {
        return prefix + "dispatch";
    }

    /**
     * Refuses settings whose trigger queues are not the ones the control plane publishes to. A setting
     * that is absent is left alone: the host has already put that function in error when it indexed it.
     *
     * @return {@code values}, for chaining into the control plane's construction
     */
    static Map<String, String> check(Map<String, String> values) {
        String prefix = SettingValues.text(values, ControlPlaneSettings.QUEUE_PREFIX, "");
        List<String> problems = new ArrayList<>();
        for (Tier tier : Tier.values()) {
            String configured = values.get(settingOf(tier));
            String expected = queueOf(prefix, tier);
            if (configured != null && !configured.trim().equals(expected)) {
                problems.add(settingOf(tier) + " is '" + configured.trim() + "', but the control plane publishes "
                        + tier + " intake messages to '" + expected + "' (" + ControlPlaneSettings.QUEUE_PREFIX
                        + " followed by jobs-" + tier.name().toLowerCase(Locale.ROOT) + ")");
            }
        }
        String dispatch = values.get(DISPATCH);
        if (dispatch != null && !dispatch.trim().equals(dispatchQueueOf(prefix))) {
            problems.add(DISPATCH + " is '" + dispatch.trim() + "', but the control plane sends dispatch events to '"
                    + dispatchQueueOf(prefix) + "' (" + ControlPlaneSettings.QUEUE_PREFIX + " followed by dispatch)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid intake queue settings:\n - " + String.join("\n - ", problems));
        }
        return values;
    }
}
