package io.controlplane.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.domain.IdMapping;
import io.controlplane.domain.MappingConflictException;
import io.controlplane.domain.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract every {@link MappingStore} adapter passes (memory, Table Storage on Azurite). */
public abstract class MappingStoreContractTest {

    protected MappingStore store;
    protected String tenant;
    protected String scope;

    protected abstract MappingStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
        tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
        scope = "contoso-alpha-to-fabrikam-beta";
    }

    protected static IdMapping wi(String source, String target) {
        return new IdMapping("workItem", source, target);
    }

    /** Every mapping of the scope, page by page. */
    protected List<IdMapping> all(String tenantId, String scopeName) {
        List<IdMapping> all = new ArrayList<>();
        String token = null;
        do {
            Page<IdMapping> page = store.list(tenantId, scopeName, null, 500, token);
            all.addAll(page.items());
            token = page.continuationToken();
        } while (token != null);
        return all;
    }

    @Test
    void aRecordedPairIsFoundEitherWay() {
        MappingStore.Recorded recorded = store.record(tenant, scope, List.of(wi("1", "101"), wi("2", "102"),
                new IdMapping("workItemType", "Bug", "Defect")));

        assertThat(recorded).isEqualTo(new MappingStore.Recorded(3, 0));
        assertThat(store.findBySource(tenant, scope, "workItem", "2")).contains(wi("2", "102"));
        assertThat(store.findByTarget(tenant, scope, "workItem", "101")).contains(wi("1", "101"));
        assertThat(store.findByTarget(tenant, scope, "workItemType", "Defect"))
                .contains(new IdMapping("workItemType", "Bug", "Defect"));
        assertThat(store.findBySource(tenant, scope, "workItem", "101")).as("a target is no source").isEmpty();
        assertThat(store.findBySource(tenant, scope, "workItemType", "1")).as("types are apart").isEmpty();
        assertThat(store.findByTarget(tenant, scope, "workItem", "999")).isEmpty();
    }

    @Test
    void theSamePairAgainIsFineAndNotCountedAsNew() {
        store.record(tenant, scope, List.of(wi("1", "101"), wi("2", "102")));

        assertThat(store.record(tenant, scope, List.of(wi("1", "101"), wi("2", "102"))))
                .isEqualTo(new MappingStore.Recorded(0, 2));
        assertThat(store.record(tenant, scope, List.of(wi("2", "102"), wi("3", "103"), wi("3", "103"))))
                .as("a repeat inside the call counts as present").isEqualTo(new MappingStore.Recorded(1, 2));
        assertThat(all(tenant, scope)).containsExactly(wi("1", "101"), wi("2", "102"), wi("3", "103"));
    }

    @Test
    void aSourceMappedToAnotherTargetRefusesTheWholeCall() {
        store.record(tenant, scope, List.of(wi("1", "101")));

        assertThatThrownBy(() -> store.record(tenant, scope, List.of(wi("2", "102"), wi("1", "999"))))
                .isInstanceOfSatisfying(MappingConflictException.class, e -> {
                    assertThat(e.requested()).isEqualTo(wi("1", "999"));
                    assertThat(e.existing()).isEqualTo(wi("1", "101"));
                    assertThat(e.getMessage()).contains("'1'", "'999'", "'101'");
                });
        assertThat(all(tenant, scope)).containsExactly(wi("1", "101"));
        assertThat(store.findByTarget(tenant, scope, "workItem", "102")).isEmpty();
        assertThat(store.findByTarget(tenant, scope, "workItem", "999")).isEmpty();
    }

    @Test
    void aTargetMappedFromAnotherSourceRefusesTheWholeCall() {
        store.record(tenant, scope, List.of(wi("1", "101"), wi("5", "105")));

        assertThatThrownBy(() -> store.record(tenant, scope, List.of(wi("3", "103"), wi("2", "101"), wi("4", "105"))))
                .isInstanceOfSatisfying(MappingConflictException.class, e -> {
                    assertThat(e.requested()).isEqualTo(wi("2", "101"));
                    assertThat(e.existing()).isEqualTo(wi("1", "101"));
                    assertThat(e.getMessage()).contains("1 more item(s)");
                });
        assertThat(all(tenant, scope)).containsExactly(wi("1", "101"), wi("5", "105"));
        assertThat(store.findBySource(tenant, scope, "workItem", "3")).isEmpty();
    }

    @Test
    void twoItemsOfOneCallThatContradictEachOtherAreRefused() {
        assertThatThrownBy(() -> store.record(tenant, scope, List.of(wi("1", "101"), wi("1", "102"))))
                .isInstanceOfSatisfying(MappingConflictException.class, e -> {
                    assertThat(e.requested()).isEqualTo(wi("1", "102"));
                    assertThat(e.existing()).isEqualTo(wi("1", "101"));
                    assertThat(e.getMessage()).contains("same request");
                });
        assertThatThrownBy(() -> store.record(tenant, scope, List.of(wi("1", "101"), wi("2", "101"))))
                .isInstanceOf(MappingConflictException.class);
        assertThat(all(tenant, scope)).isEmpty();
    }

    @Test
    void aThousandNewPairsInOneCallAreReadableBothWaysAndRepeatingThemWritesNothing() {
        List<IdMapping> pairs = IntStream.range(0, MappingStore.MAX_ITEMS_PER_CALL)
                .mapToObj(i -> wi(String.valueOf(10_000 + i), "T-" + (50_000 - i)))
                .toList();

        assertThat(store.record(tenant, scope, pairs)).isEqualTo(new MappingStore.Recorded(1000, 0));

        assertThat(all(tenant, scope)).containsExactlyElementsOf(pairs); // source ids sort as given
        for (int i = 0; i < pairs.size(); i += 7) { // every 7th, each transaction's pairs among them: quicker on Azurite
            IdMapping pair = pairs.get(i);
            assertThat(store.findByTarget(tenant, scope, pair.type(), pair.targetId())).contains(pair);
        }
        assertThat(store.findByTarget(tenant, scope, "workItem", "T-49001")).contains(pairs.get(999));
        assertThat(store.findBySource(tenant, scope, "workItem", "10999")).contains(pairs.get(999));
        assertThat(store.record(tenant, scope, pairs)).isEqualTo(new MappingStore.Recorded(0, 1000));
    }

    @Test
    void tenantsAndScopesAreApart() {
        store.record(tenant, scope, List.of(wi("1", "101")));
        String otherTenant = tenant + "x";

        assertThat(store.findBySource(otherTenant, scope, "workItem", "1")).isEmpty();
        assertThat(store.findByTarget(tenant, "other-scope", "workItem", "101")).isEmpty();
        assertThat(store.list(otherTenant, scope, null, 50, null).items()).isEmpty();
        assertThat(store.record(otherTenant, scope, List.of(wi("1", "999"))))
                .as("another tenant's same scope name is its own").isEqualTo(new MappingStore.Recorded(1, 0));
        assertThat(store.record(tenant, "other-scope", List.of(wi("1", "555")))).isEqualTo(new MappingStore.Recorded(1, 0));
        assertThat(store.findBySource(tenant, scope, "workItem", "1")).contains(wi("1", "101"));
    }

    @Test
    void listingsPageInKeyOrderAndFilterByType() {
        store.record(tenant, scope, List.of(wi("3", "103"), wi("1", "101"), wi("2", "102"), wi("4", "104"),
                new IdMapping("area", "x", "y"), new IdMapping("workItemType", "Bug", "Defect")));

        Page<IdMapping> first = store.list(tenant, scope, null, 3, null);
        Page<IdMapping> second = store.list(tenant, scope, null, 3, first.continuationToken());

        // Ordered by the text "type|sourceId": 'workItemType|' sorts before 'workItem|' ('T' < '|').
        assertThat(first.items()).containsExactly(new IdMapping("area", "x", "y"), new IdMapping("workItemType", "Bug", "Defect"),
                wi("1", "101"));
        assertThat(second.items()).containsExactly(wi("2", "102"), wi("3", "103"), wi("4", "104"));
        assertThat(second.continuationToken()).isNull();

        Page<IdMapping> workItems = store.list(tenant, scope, "workItem", 2, null);
        assertThat(workItems.items()).containsExactly(wi("1", "101"), wi("2", "102"));
        assertThat(store.list(tenant, scope, "workItem", 2, workItems.continuationToken()).items())
                .as("'workItemType' is another type, not more of 'workItem'").containsExactly(wi("3", "103"), wi("4", "104"));
        assertThat(store.list(tenant, scope, "nothing", 50, null).items()).isEmpty();
    }

    @Test
    void aTokenOfAnotherListingOrForgedIsRefused() {
        store.record(tenant, scope, List.of(wi("1", "101"), wi("2", "102"), new IdMapping("area", "x", "y")));
        String workItemToken = store.list(tenant, scope, "workItem", 1, null).continuationToken();

        assertThat(workItemToken).isNotNull();
        assertThatThrownBy(() -> store.list(tenant, scope, "area", 1, workItemToken))
                .isInstanceOf(InvalidContinuationTokenException.class);
        assertThatThrownBy(() -> store.list(tenant, scope, null, 1, "not-a-token"))
                .isInstanceOf(InvalidContinuationTokenException.class);
    }

    @Test
    void erasingAScopeRemovesEveryMappingEitherWayAndNoOtherScope() {
        List<IdMapping> pairs = IntStream.range(0, 120).mapToObj(i -> wi("s" + i, "t" + i)).toList();
        store.record(tenant, scope, pairs);
        store.record(tenant, "kept", List.of(wi("1", "101")));

        store.erase(tenant, scope);

        assertThat(all(tenant, scope)).isEmpty();
        assertThat(store.findByTarget(tenant, scope, "workItem", "t7")).isEmpty();
        assertThat(store.findBySource(tenant, "kept", "workItem", "1")).contains(wi("1", "101"));
        assertThat(store.record(tenant, scope, List.of(wi("s7", "other"), wi("elsewhere", "t8"))))
                .as("no row of the erased pairs is left to conflict").isEqualTo(new MappingStore.Recorded(2, 0));
        store.erase(tenant, "never-used");
    }

    @Test
    void aPairRecordedOrCountedAsPresentWhileAnEraseAsksWhetherTheScopeIsUsedStaysAndTheOldPairsGo() {
        store.record(tenant, scope, List.of(wi("1", "101"), wi("2", "102"), wi("3", "103")));
        List<MappingStore.Recorded> answers = new ArrayList<>();

        boolean erased = store.eraseIfUnused(tenant, scope, () -> {
            // A new job of the scope, which the question does not see yet, records meanwhile.
            answers.add(store.record(tenant, scope, List.of(wi("1", "101"), wi("9", "909"))));
            return true;
        });

        assertThat(erased).isTrue();
        assertThat(answers).containsExactly(new MappingStore.Recorded(1, 1));
        assertThat(all(tenant, scope)).containsExactly(wi("1", "101"), wi("9", "909"));
        assertThat(store.findByTarget(tenant, scope, "workItem", "101")).contains(wi("1", "101"));
        assertThat(store.findByTarget(tenant, scope, "workItem", "909")).contains(wi("9", "909"));
        assertThat(store.findByTarget(tenant, scope, "workItem", "102")).isEmpty();
    }

    @Test
    void anEraseOfAScopeStillInUseErasesNothing() {
        store.record(tenant, scope, List.of(wi("1", "101")));

        assertThat(store.eraseIfUnused(tenant, scope, () -> false)).isFalse();

        assertThat(all(tenant, scope)).containsExactly(wi("1", "101"));
        assertThat(store.findByTarget(tenant, scope, "workItem", "101")).contains(wi("1", "101"));
    }

    @Test
    void erasingATenantRemovesEveryScopeOfItAndNoNeighboursByPrefix() {
        List<IdMapping> pairs = IntStream.range(0, 130).mapToObj(i -> wi("s" + i, "t" + i)).toList();
        store.record(tenant, scope, pairs);
        store.record(tenant, "second", List.of(wi("1", "101")));
        // Tenant ids that share a prefix with this one, before and after it in key order.
        for (String neighbour : List.of(tenant + "x", tenant + "-b", tenant.substring(0, tenant.length() - 1))) {
            store.record(neighbour, scope, List.of(wi("1", "101")));
        }

        store.eraseTenant(tenant);

        assertThat(all(tenant, scope)).isEmpty();
        assertThat(all(tenant, "second")).isEmpty();
        for (String neighbour : List.of(tenant + "x", tenant + "-b", tenant.substring(0, tenant.length() - 1))) {
            assertThat(store.findBySource(neighbour, scope, "workItem", "1")).as(neighbour).contains(wi("1", "101"));
        }
        store.eraseTenant("t-never-used");
    }

    @Test
    void anIdNoMappingCanHaveIsSimplyNotFound() {
        assertThat(store.findBySource(tenant, scope, "workItem", "a/b#c")).isEmpty();
        assertThat(store.findByTarget(tenant, scope, "work|Item", "1")).isEmpty();
    }
}
