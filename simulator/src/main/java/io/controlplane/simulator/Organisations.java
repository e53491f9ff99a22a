package io.controlplane.simulator;

import java.util.regex.Pattern;

/**
 * Organisation keys as the control plane names them (a lease's {@code organisations}, the
 * {@code organisation} of {@code POST /api/leases/{leaseId}/throttle} and of a heartbeat command's
 * {@code backOff}): lower case, the host and the owning path segment, {@code ':'}-separated, e.g.
 * {@code dev.azure.com:contoso}. The agent never derives them from URLs itself: the lease says which
 * organisations its job touches.
 */
final class Organisations {

    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9.-]*(:[a-z0-9][a-z0-9._~-]*)?");

    private Organisations() {
    }

    /** Whether {@code key} is shaped like an organisation key (lower case already). */
    static boolean isKey(String key) {
        return key != null && key.length() <= 200 && KEY.matcher(key).matches();
    }
}
