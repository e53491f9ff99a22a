package io.controlplane.app;

import io.controlplane.adapters.tables.TableStorage;
import io.controlplane.api.Json;
import io.controlplane.testing.Azurite;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;

/** The same dispatch and lease scenarios on real Table Storage (Azurite), each on its own tables. */
class DispatchOnTableStorageTest {

    private static final AtomicInteger RUN = new AtomicInteger();

    static UseCases.Stores tables() {
        TableStorage storage = TableStorage.connect(Azurite.shared().connectionString(), null,
                "d" + ProcessHandle.current().pid() + "x" + RUN.incrementAndGet(), Json.mapper()).ensureTables();
        return new UseCases.Stores(storage.jobStore(), storage.agentStore(), storage.readyQueue(), storage.tenantStore(),
                storage.mappingStore(), storage.leaseExpiries());
    }

    @Nested
    class Leasing extends LeaseWorkTest {
        @Override
        protected UseCases.Stores stores() {
            return tables();
        }
    }

    @Nested
    class Lifecycle extends LeaseLifecycleTest {
        @Override
        protected UseCases.Stores stores() {
            return tables();
        }
    }

    @Nested
    class Interruption extends InterruptionTest {
        @Override
        protected UseCases.Stores stores() {
            return tables();
        }
    }

    @Nested
    class LostWork extends LostWorkTest {
        @Override
        protected UseCases.Stores stores() {
            return tables();
        }
    }

    @Nested
    class FairShare extends FairShareTest {
        @Override
        protected UseCases.Stores stores() {
            return tables();
        }
    }

    @Nested
    class OrganisationLimits extends OrganisationLimitTest {
        @Override
        protected UseCases.Stores stores() {
            return tables();
        }
    }

    @Nested
    class OrganisationThrottles extends OrganisationThrottleScenarioTest {
        @Override
        protected UseCases.Stores stores() {
            return tables();
        }
    }
}
