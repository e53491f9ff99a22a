package io.controlplane.functions;

import io.controlplane.ControlPlane;
import io.controlplane.telemetry.RedactingHandler;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The one {@link ControlPlane} of this worker process, built from the Function App settings on
 * first use. A failed build is not cached: the next invocation tries again, so a storage account
 * that is briefly unreachable at cold start does not poison the worker until it is recycled.
 *
 * <p>Every invocation passes here, so this is also where the worker's java.util.logging output is
 * kept free of secrets: what we and the SDKs log through SLF4J goes to the root logger's handlers
 * (the host collects their console output), and each of them gets a {@link RedactingHandler} in
 * front, including one added since the last invocation.
 */
final class ControlPlaneHolder {

    private static final Logger ROOT_LOGGER = Logger.getLogger("");
    // The intake triggers' queue settings are checked with the control plane's own: queues that are
    // not the ones it publishes to would leave every intake function listening to nothing.
    private static final ControlPlaneHolder PROCESS =
            new ControlPlaneHolder(() -> ControlPlane.builder(IntakeQueueSettings.check(System.getenv())).build());

    private final Supplier<ControlPlane> factory;
    private volatile ControlPlane instance;

    ControlPlaneHolder(Supplier<ControlPlane> factory) {
        this.factory = Objects.requireNonNull(factory);
    }

    /** The control plane every function of this worker shares. */
    static ControlPlane controlPlane() {
        RedactingHandler.redact(ROOT_LOGGER);
        return PROCESS.get();
    }

    /**
     * Serves every function of this worker from {@code controlPlane} (null: build from the settings
     * again on next use). For tests that invoke the functions themselves, on a control plane they
     * built on Azurite.
     */
    static void serveFrom(ControlPlane controlPlane) {
        synchronized (PROCESS) {
            PROCESS.instance = controlPlane;
        }
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
