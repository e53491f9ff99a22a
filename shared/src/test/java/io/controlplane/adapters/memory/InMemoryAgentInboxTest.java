package io.controlplane.adapters.memory;

import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.AgentInboxContractTest;

/** The in-memory inboxes pass the port's contract. */
class InMemoryAgentInboxTest extends AgentInboxContractTest {
    @Override
    protected AgentInbox[] newInboxes() {
        InMemoryAgentInbox.PostOffice office = new InMemoryAgentInbox.PostOffice();
        return new AgentInbox[] {office.inbox("a"), office.inbox("b")};
    }
}
