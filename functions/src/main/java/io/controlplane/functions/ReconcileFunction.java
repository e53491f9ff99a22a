package io.controlplane.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import io.controlplane.app.Reconcile;
import io.controlplane.telemetry.RedactingHandler;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * The reconcile timer: one pass over every served region (expired leases, unconfirmed
 * reservations, stale ready entries, missed dispatches), each region's report logged as one
 * key=value line. The schedule is the app setting {@code RECONCILE_SCHEDULE}, an NCRONTAB
 * expression with seconds ({@code *}{@code /10 * * * * *}: every 10 seconds); the host resolves it
 * at start-up, so the setting must exist. Timer triggers run on one instance at a time and never
 * overlap themselves, and a pass is idempotent, so a late or repeated pass is harmless.
 */
public class ReconcileFunction {

    @FunctionName("Reconcile")
    public void run(@TimerTrigger(name = "timer", schedule = "%RECONCILE_SCHEDULE%") String timer,
                    ExecutionContext context) {
        log(ControlPlaneHolder.controlPlane().reconcile(), RedactingHandler.redact(context.getLogger()));
    }

    /** One line per region, so a region's gauges (waiting jobs, offline agents) can be charted from logs. */
    static void log(List<Reconcile.Report> reports, Logger logger) {
        for (Reconcile.Report report : reports) {
            logger.info(String.format(Locale.ROOT,
                    "event=reconcile_report region=%s expiredLeases=%d releasedReservations=%d staleEntries=%d"
                            + " waiting=%d offlineAgents=%d revokedStops=%d preemptions=%d",
                    report.region(), report.expiredLeases(), report.releasedReservations(), report.staleEntries(),
                    report.waiting(), report.offlineAgents(), report.revokedStops(), report.preemptions()));
        }
    }
}
