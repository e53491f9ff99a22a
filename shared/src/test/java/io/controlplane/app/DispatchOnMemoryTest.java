package io.controlplane.app;

import io.controlplane.adapters.memory.InMemoryAgentStore;
import io.controlplane.adapters.memory.InMemoryJobStore;
import io.controlplane.adapters.memory.InMemoryReadyQueue;
import io.controlplane.adapters.memory.InMemoryTenantStore;
import org.junit.jupiter.api.Nested;

/** The dispatch and lease scenarios on the in-memory stores. */
class DispatchOnMemoryTest {

    static UseCases.Stores memory() {
        return new UseCases.Stores(new InMemoryJobStore(), new InMemoryAgentStore(), new InMemoryReadyQueue(),
                new InMemoryTenantStore(), new io.controlplane.adapters.memory.InMemoryMappingStore(),
                new io.controlplane.adapters.memory.InMemoryLeaseExpiries());
    }

    @Nested
    class Leasing extends LeaseWorkTest {
        @Override
        protected UseCases.Stores stores() {
            return memory();
        }
    }

    @Nested
    class Lifecycle extends LeaseLifecycleTest {
        @Override
        protected UseCases.Stores stores() {
            return memory();
        }
    }

    @Nested
    class Interruption extends InterruptionTest {
        @Override
        protected UseCases.Stores stores() {
            return memory();
        }
    }

    @Nested
    class LostWork extends LostWorkTest {
        @Override
        protected UseCases.Stores stores() {
            return memory();
        }
    }

    @Nested
    class FairShare extends FairShareTest {
        @Override
        protected UseCases.Stores stores() {
            return memory();
        }
    }

    @Nested
    class OrganisationLimits extends OrganisationLimitTest {
        @Override
        protected UseCases.Stores stores() {
            return memory();
        }
    }

    @Nested
    class OrganisationThrottles extends OrganisationThrottleScenarioTest {
        @Override
        protected UseCases.Stores stores() {
            return memory();
        }
    }
}
