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
 * <p>Queue names carry {@code %QUEUE_PREFIX%}, which the host resolves when it indexes the
 * functions, disabled ones included: the setting must exist, empty for no prefix.
 */
public class IntakeFunctions {

    static final String SERVICE_BUS_CONNECTION = "ServiceBusConnection";
    static final String STORAGE_CONNECTION = "AzureWebJobsStorage";

    @FunctionName("ServiceBusIntakePlatinum")
    public void serviceBusPlatinum(
            @ServiceBusQueueTrigger(name = "message", queueName = "%QUEUE_PREFIX%jobs-platinum",
                    connection = SERVICE_BUS_CONNECTION, isSessionsEnabled = true, dataType = "string")
            String message, ExecutionContext context) {
        FunctionsIntake.deliver(message, context);
    }

    @FunctionName("ServiceBusIntakePremium")
    public void serviceBusPremium(
            @ServiceBusQueueTrigger(name = "message", queueName = "%QUEUE_PREFIX%jobs-premium",
                    connection = SERVICE_BUS_CONNECTION, isSessionsEnabled = true, dataType = "string")
            String message, ExecutionContext context) {
        FunctionsIntake.deliver(message, context);
    }

    @FunctionName("ServiceBusIntakeStandard")
    public void serviceBusStandard(
            @ServiceBusQueueTrigger(name = "message", queueName = "%QUEUE_PREFIX%jobs-standard",
                    connection = SERVICE_BUS_CONNECTION, isSessionsEnabled = true, dataType = "string")
            String message, ExecutionContext context) {
        FunctionsIntake.deliver(message, context);
    }

    @FunctionName("StorageQueueIntakePlatinum")
    public void storageQueuePlatinum(
            @QueueTrigger(name = "message", queueName = "%QUEUE_PREFIX%jobs-platinum",
                    connection = STORAGE_CONNECTION, dataType = "string")
            String message, ExecutionContext context) {
        FunctionsIntake.deliver(message, context);
    }

    @FunctionName("StorageQueueIntakePremium")
    public void storageQueuePremium(
            @QueueTrigger(name = "message", queueName = "%QUEUE_PREFIX%jobs-premium",
                    connection = STORAGE_CONNECTION, dataType = "string")
            String message, ExecutionContext context) {
        FunctionsIntake.deliver(message, context);
    }

    @FunctionName("StorageQueueIntakeStandard")
    public void storageQueueStandard(
            @QueueTrigger(name = "message", queueName = "%QUEUE_PREFIX%jobs-standard",
                    connection = STORAGE_CONNECTION, dataType = "string")
            String message, ExecutionContext context) {
        FunctionsIntake.deliver(message, context);
    }
}
