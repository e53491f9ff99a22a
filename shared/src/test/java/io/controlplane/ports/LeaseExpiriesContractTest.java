package io.controlplane.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.ports.LeaseExpiries.Due;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract every {@link LeaseExpiries} adapter passes (memory, Table Storage on Azurite). */
public abstract class LeaseExpiriesContractTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    protected LeaseExpiries index;
    private String region;

    protected abstract LeaseExpiries newIndex();

    @BeforeEach
    void setUp() {
        index = newIndex();
        region = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private Due due(String tenant, String jobId, long epoch, int secondsAfterT0) {
        return new Due(region, T0.plusSeconds(secondsAfterT0), tenant, jobId, epoch, "lease-" + jobId + "-" + epoch);
    }

    @Test
    void onlyWhatIsDueComesBackEarliestFirstAndBounded() {
        index.add(due("contoso", "j-late", 1, 60));
        index.add(due("contoso", "j-first", 1, 10));
        index.add(due("fabrikam", "j-second", 3, 20));
        index.add(due("contoso", "j-third", 2, 30));

        assertThat(index.due(region, T0.plusSeconds(30), 10)).extracting(Due::jobId)
                .containsExactly("j-first", "j-second", "j-third");
        assertThat(index.due(region, T0.plusSeconds(30), 2)).extracting(Due::jobId).containsExactly("j-first", "j-second");
        assertThat(index.due(region, T0.plusSeconds(9), 10)).isEmpty();
        assertThat(index.due(region + "x", T0.plusSeconds(100), 10)).isEmpty();
        assertThat(index.due(region, T0.plusSeconds(30), 10).get(1)).isEqualTo(due("fabrikam", "j-second", 3, 20));
    }

    @Test
    void removedAndMovedEntriesAreNoLongerDueWhereTheyWere() {
        Due moved = due("contoso", "j-moved", 1, 10);
        Due removed = due("contoso", "j-removed", 1, 10);
        index.add(moved);
        index.add(removed);
        index.add(removed); // adding again keeps one entry

        index.remove(removed);
        index.move(moved, T0.plusSeconds(70));
        index.remove(removed); // gone already: no error

        assertThat(index.due(region, T0.plusSeconds(60), 10)).isEmpty();
        assertThat(index.due(region, T0.plusSeconds(70), 10)).containsExactly(moved.at(T0.plusSeconds(70)));
    }

    @Test
    void anEntryMovedToTheTimeItIsDueAtStays() {
        // A lease not extended since its entry was written comes due at the same time again.
        Due entry = due("contoso", "j-same", 1, 10);
        index.add(entry);

        index.move(entry, entry.at());

        assertThat(index.due(region, T0.plusSeconds(10), 10)).containsExactly(entry);
    }

    @Test
    void twoLeasesOfOneJobAreTwoEntries() {
        index.add(due("contoso", "j-1", 1, 10));
        index.add(due("contoso", "j-1", 2, 10));

        assertThat(index.due(region, T0.plusSeconds(10), 10)).extracting(Due::epoch).containsExactly(1L, 2L);
    }

    @Test
    void aTenantEraseRemovesItsEntriesOnly() {
        index.add(due("contoso", "j-1", 1, 10));
        index.add(due("fabrikam", "j-2", 1, 10));

        index.eraseTenant("contoso");

        assertThat(index.due(region, T0.plusSeconds(10), 10)).extracting(Due::tenantId).containsExactly("fabrikam");
    }
}
