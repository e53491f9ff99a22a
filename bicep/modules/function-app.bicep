// The control plane's Azure Functions host on the Flex Consumption plan (Linux, Java 17), with a
// system-assigned managed identity for everything it reaches: its own storage account (the host's
// state, the deployment package), the control plane's storage account (Table Storage, Storage
// Queues), Service Bus and Application Insights. No app setting holds a key.

param location string
param planName string
param appName string
param tags object

@description('Storage account of the Functions host (AzureWebJobsStorage, through the identity); never the control plane\'s own.')
param hostStorageAccountName string

@description('Blob container URL the Flex Consumption plan deploys the app package from.')
param deploymentContainerUrl string

param applicationInsightsConnectionString string

@description('<namespace>.servicebus.windows.net: the Service Bus triggers\' connection (ServiceBusConnection).')
param serviceBusFullyQualifiedNamespace string

@description('The control plane\'s own settings (ControlPlaneSettings names), shared with the standalone host.')
param controlPlaneSettings object

@allowed([
  'servicebus'
  'storagequeues'
])
param messaging string

@description('NCRONTAB (with seconds) of the Reconcile timer function.')
@minLength(1)
param reconcileSchedule string

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Instances kept warm for the HTTP functions (agents\' long polls and heartbeats must not wait for a cold start).')
@minValue(0)
@maxValue(20)
param alwaysReadyHttpInstances int

@description('Concurrent HTTP requests an instance takes before the platform adds one; at most host.json\'s http.maxConcurrentRequests.')
@minValue(1)
@maxValue(400)
param httpPerInstanceConcurrency int

@description('More app settings (e.g. LEASE_SECONDS); they override the ones above. Never put a secret here.')
param extraAppSettings object

@description('Origins (https://...) of web console sites allowed to call the API from the browser (CORS); empty: none.')
param consoleOrigins array

var serviceBusIntake = messaging == 'servicebus'

// Settings only the Functions host reads. The intake triggers of the kind not in use are disabled:
// one deployment runs either the Service Bus or the Storage Queue triggers (docs/functions-host.md).
// Never set AzureWebJobsStorage itself: the app would take it as its Table Storage connection string.
// The host's storage is an account of its own; the Storage Queue triggers connect to the control
// plane's account (StorageQueueConnection, the same endpoint the control plane publishes to), set
// whatever MESSAGING is, since the host resolves a trigger's connection even when it is disabled.
//
// The host reads a request's whole body into memory before the worker sees it, up to its default
// of 100 MB: FUNCTIONS_REQUEST_BODY_SIZE_LIMIT makes it refuse (413) anything the control plane
// would refuse anyway (MAX_REQUEST_BYTES, also when extraAppSettings changes it), so an oversized
// body costs neither the host's nor the worker's memory.
var functionsHostSettings = {
  FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: contains(extraAppSettings, 'MAX_REQUEST_BYTES') ? string(extraAppSettings.MAX_REQUEST_BYTES) : controlPlaneSettings.MAX_REQUEST_BYTES
  AzureWebJobsStorage__accountName: hostStorageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  StorageQueueConnection__queueServiceUri: controlPlaneSettings.STORAGE_QUEUE_ENDPOINT
  ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  RECONCILE_SCHEDULE: reconcileSchedule
  // The intake triggers' queues, full names (functions: IntakeQueueSettings). The triggers bind these
  // rather than %QUEUE_PREFIX%jobs-<tier>: the host fails to index a function whose setting is missing,
  // and an empty QUEUE_PREFIX may not reach it at all; a full name is never empty.
  INTAKE_QUEUE_PLATINUM: '${controlPlaneSettings.QUEUE_PREFIX}jobs-platinum'
  INTAKE_QUEUE_PREMIUM: '${controlPlaneSettings.QUEUE_PREFIX}jobs-premium'
  INTAKE_QUEUE_STANDARD: '${controlPlaneSettings.QUEUE_PREFIX}jobs-standard'
  // The dispatch trigger's queue (SessionId = region: the host runs a region's events one at a time),
  // a full name for the same reason (functions: DispatchFunction, IntakeQueueSettings.DISPATCH).
  DISPATCH_QUEUE: '${controlPlaneSettings.QUEUE_PREFIX}dispatch'
  'AzureWebJobs.ServiceBusIntakePlatinum.Disabled': serviceBusIntake ? 'false' : 'true'
  'AzureWebJobs.ServiceBusIntakePremium.Disabled': serviceBusIntake ? 'false' : 'true'
  'AzureWebJobs.ServiceBusIntakeStandard.Disabled': serviceBusIntake ? 'false' : 'true'
  'AzureWebJobs.Dispatch.Disabled': serviceBusIntake ? 'false' : 'true'
  'AzureWebJobs.StorageQueueIntakePlatinum.Disabled': serviceBusIntake ? 'true' : 'false'
  'AzureWebJobs.StorageQueueIntakePremium.Disabled': serviceBusIntake ? 'true' : 'false'
  'AzureWebJobs.StorageQueueIntakeStandard.Disabled': serviceBusIntake ? 'true' : 'false'
}

var appSettings = union(controlPlaneSettings, functionsHostSettings, extraAppSettings)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // The console beside the app calls it with a bearer header, never cookies: no credentials.
      cors: {
        allowedOrigins: consoleOrigins
        supportCredentials: false
      }
      appSettings: [for setting in items(appSettings): {
        name: setting.key
        value: setting.value
      }]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReadyHttpInstances > 0 ? [
          {
            name: 'http'
            instanceCount: alwaysReadyHttpInstances
          }
        ] : []
        // Without it the platform picks a default from the instance memory, sized for requests that
        // work, not for long polls that wait up to 30 s each: a handful of waiting agents would then
        // hold an instance of their own, billed while they wait. Kept at or below host.json's
        // http.maxConcurrentRequests (400): above it the host queues, then refuses (429), requests the
        // platform still counts as room on the instance. BicepMatchesCodeTest keeps the two in step.
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
      }
      runtime: {
        name: 'java'
        version: '17'
      }
    }
  }
}

// Publishing with user names and passwords (FTP, SCM basic auth) is off: code is deployed with an
// Entra ID token (az functionapp deployment, the Maven plugin).
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output principalId string = site.identity.principalId
output defaultHostName string = site.properties.defaultHostName
