package io.controlplane.functions;

import io.controlplane.ControlPlane;
import io.controlplane.config.ControlPlaneSettings;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one {@link ControlPlane} of this worker process, built from the Function App settings on
 * first use. A failed build is not cached: the next invocation tries again, so a storage account
 * that is briefly unreachable at cold start does not poison the worker until it is recycled.
 */
final class ControlPlaneHolder {

    private static final ControlPlaneHolder PROCESS =
            new ControlPlaneHolder(() -> ControlPlane.create(System.getenv()));

    private final Supplier<ControlPlane> factory;
    private volatile ControlPlane instance;

    ControlPlaneHolder(Supplier<ControlPlane> factory) {
        this.factory = Objects.requireNonNull(factory);
    }

    /** The control plane every function of this worker shares. */
    static ControlPlane controlPlane() {
        return PROCESS.get();
    }

    ControlPlane get() {
        ControlPlane current = instance;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (instance == null) {
                instance = Objects.requireNonNull(factory.get(), "the control plane factory returned null");
            }
            return instance;
        }
    }
}
