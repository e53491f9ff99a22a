package io.controlplane.adapters;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import java.util.function.Consumer;

/** Picks the intake queue adapter the settings name. (Placeholder until the queue adapters land.) */
public final class Messaging {

    private Messaging() {
    }

    public static IntakeQueue intakeQueue(ControlPlaneSettings settings, ObjectMapper json) {
        return new IntakeQueue() {
            @Override
            public void publish(IntakeMessage message) {
            }

            @Override
            public Subscription subscribe(Consumer<IntakeMessage> handler) {
                return () -> { };
            }
        };
    }
}
