package io.controlplane.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.app.Reconcile.Report;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class ReconcileFunctionTest {

    @Test
    void logsEachRegionsReportAsOneKeyValueLine() {
        CapturedLog log = new CapturedLog();

        ReconcileFunction.log(List.of(
                new Report("northeurope", 0, 0, 0, 0, 0, 0, 0),
                new Report("westeurope", 2, 1, 3, 17, 4, 1, 2)), log.logger);

        assertThat(log.messages(Level.INFO)).containsExactly(
                "event=reconcile_report region=northeurope expiredLeases=0 releasedReservations=0 staleEntries=0"
                        + " waiting=0 offlineAgents=0 revokedStops=0 preemptions=0",
                "event=reconcile_report region=westeurope expiredLeases=2 releasedReservations=1 staleEntries=3"
                        + " waiting=17 offlineAgents=4 revokedStops=1 preemptions=2");
        assertThat(log.records).hasSize(2);
    }

    @Test
    void aPassOverNoRegionLogsNothing() {
        CapturedLog log = new CapturedLog();

        ReconcileFunction.log(List.of(), log.logger);

        assertThat(log.records).isEmpty();
    }

    @Test
    void everyLineIsParseableAsKeyValuePairs() {
        CapturedLog log = new CapturedLog();

        ReconcileFunction.log(List.of(new Report("swedencentral", 1, 2, 3, 4, 5, 6, 7)), log.logger);

        String line = log.messages().get(0);
        assertThat(line.split(" ")).allMatch(pair -> pair.matches("[A-Za-z]+=[a-z0-9_]+"));
    }
}
