package io.controlplane.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;

/**
 * The dispatch triggers: one per tier intake queue, each waking the control plane's waiting
 * agents of the message's region. Two kinds, of which a deployment runs one: Service Bus
 * (sessions, SessionId = region, so a region's messages are handled one at a time) in Azure, and
 * Storage Queues where there is no Service Bus. The other kind is switched off with the app
 * settings {@code AzureWebJobs.<FunctionName>.Disabled}; local.settings.sample.json enables the
 * Storage Queue kind.
 *
 * <p>Each trigger's queue is a setting of its own holding the full name ({@link IntakeQueueSettings}),
 * never a {@code %QUEUE_PREFIX%} in front of the name: the host resolves {@code %NAME%} when it indexes
 * the functions, disabled ones included, and fails every one whose setting is missing. A prefix is
 * empty by default, and a setting with an empty value may be dropped on its way to the host; a full
 * queue name never is empty.
 */
public class IntakeFunctions {

    static final String SERVICE_BUS_CONNECTION = "ServiceBusConnection";
    /**
     * The Storage Queue triggers' connection: the control plane's storage account, where it publishes
     * ({@code STORAGE_QUEUE_ENDPOINT}), never the host's own {@code AzureWebJobsStorage}, which in Azure
     * is another account. Identity-based in Azure ({@code StorageQueueConnection__queueServiceUri});
     * a connection string locally ({@code local.settings.sample.json}: Azurite).
     */
    static final String STORAGE_CONNECTION = "StorageQueueConnection";
    private static final String PLATINUM_QUEUE = "%" + IntakeQueueSettings.PLATINUM + "%";
    private static final String PREMIUM_QUEUE = "%" + IntakeQueueSettings.PREMIUM + "%";
    private static final String STANDARD_QUEUE = "%" + IntakeQueueSettings.STANDARD + "%";

    @FunctionName("ServiceBusIntakePlatinum")
    public void serviceBusPlatinum(
            @ServiceBusQueueTrigger(name = "message", queueName = PLATINUM_QUEUE,
                    connection = SERVICE_BUS_CONNECTION, isSessionsEnabled = true, dataType = "string")
            String message, ExecutionContext context) {
        FunctionsIntake.deliver(message, context);
    }

    @FunctionName("ServiceBusIntakePremium")
    public void serviceBusPremium(
            @ServiceBusQueueTrigger(name = "message", queueName = PREMIUM_QUEUE,
                    connection = SERVICE_BUS_CONNECTION, isSessionsEnabled = true, dataType = "string")
            String message, ExecutionContext context) {
        FunctionsIntake.deliver(message, context);
    }

    @FunctionName("ServiceBusIntakeStandard")
    public void serviceBusStandard(
            @ServiceBusQueueTrigger(name = "message", queueName = STANDARD_QUEUE,
                    connection = SERVICE_BUS_CONNECTION, isSessionsEnabled = true, dataType = "string")
            String message, ExecutionContext context) {
        FunctionsIntake.deliver(message, context);
    }

    @FunctionName("StorageQueueIntakePlatinum")
    public void storageQueuePlatinum(
            @QueueTrigger(name = "message", queueName = PLATINUM_QUEUE,
                    connection = STORAGE_CONNECTION, dataType = "string")
            String message, ExecutionContext context) {
        FunctionsIntake.deliver(message, context);
    }

    @FunctionName("StorageQueueIntakePremium")
    public void storageQueuePremium(
            @QueueTrigger(name = "message", queueName = PREMIUM_QUEUE,
                    connection = STORAGE_CONNECTION, dataType = "string")
            String message, ExecutionContext context) {
        FunctionsIntake.deliver(message, context);
    }

    @FunctionName("StorageQueueIntakeStandard")
    public void storageQueueStandard(
            @QueueTrigger(name = "message", queueName = STANDARD_QUEUE,
                    connection = STORAGE_CONNECTION, dataType = "string")
            String message, ExecutionContext context) {
        FunctionsIntake.deliver(message, context);
    }
}
