// One regional deployment of the migration control plane: deploy it once per Azure region, into
// that region's resource group (scripts/deploy.sh REGION; docs/deployment.md). Everything it
// creates authenticates with managed identities and Azure RBAC: no key, connection string or
// password is created, stored or passed.

targetScope = 'resourceGroup'

metadata description = 'Migration control plane: one region (Functions on Flex Consumption, Table Storage, Service Bus, Key Vault, Application Insights; optionally Container Apps).'

// ------------------------------------------------------------------------------------ the region

@description('The Azure region of this deployment (e.g. westeurope). Every resource is created there, and by default it serves only this region\'s jobs.')
@minLength(4)
@maxLength(40)
param region string

@description('Regions whose jobs this deployment accepts (CONTROLPLANE_REGIONS). Jobs for any other region are refused with the deployment that serves them named.')
@minLength(1)
param servedRegions array = [
  region
]

@description('Short prefix of every resource name: lower-case letters and digits.')
@minLength(2)
@maxLength(6)
param namePrefix string = 'cp'

@description('Tags added to every resource (application and region tags are always set).')
param tags object = {}

// ------------------------------------------------------------------------------ authentication

@description('Application ID URI (or client id) of the control plane\'s Entra ID app registration: the audience tokens must carry (AUTH_AUDIENCE).')
@minLength(1)
param authAudience string

@description('Entra ID directory (tenant) that issues the API\'s tokens. Defaults to the directory of the subscription deployed to.')
param entraTenantId string = tenant().tenantId

@description('Exact issuer of the tokens (AUTH_ISSUER); v2.0 tokens by default.')
param authIssuer string = '${environment().authentication.loginEndpoint}${entraTenantId}/v2.0'

@description('The issuer\'s signing keys (AUTH_JWKS_URL).')
param authJwksUrl string = '${environment().authentication.loginEndpoint}${entraTenantId}/discovery/v2.0/keys'

// ------------------------------------------------------------------------------ state and messaging

@description('Prefix of every table name (STORAGE_TABLE_PREFIX): letters and digits, starting with a letter.')
@minLength(1)
@maxLength(41)
param tablePrefix string = 'cp'

@description('Redundancy of both storage accounts (the control plane\'s and the Functions host\'s). ZRS keeps the job state through the loss of a zone; pick LRS where the region has no zones.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_ZRS'

@description('Where the intake queues live (MESSAGING): Service Bus (sessions per region) or the storage account\'s queues.')
@allowed([
  'servicebus'
  'storagequeues'
])
param messaging string = 'servicebus'

@description('Prefix of the queue names (QUEUE_PREFIX): lower-case letters, digits and single hyphens; empty for none.')
@maxLength(43)
param queuePrefix string = ''

@description('Service Bus tier. Premium gives dedicated capacity, availability zones and private networking.')
@allowed([
  'Standard'
  'Premium'
])
param serviceBusSku string = 'Standard'

@description('Premium messaging units (ignored for Standard).')
@allowed([
  1
  2
  4
  8
  16
])
param serviceBusPremiumCapacity int = 1

@description('Deliveries of an intake message before Service Bus moves it to the dead-letter queue.')
@minValue(1)
@maxValue(100)
param maxDeliveryCount int = 10

@description('Duplicate detection window of the intake queues. MessageId is the job id and its epoch, so a repeated announcement within the window is dropped while a job requeued after a lease (a higher epoch) is announced anew.')
param intakeDuplicateDetectionWindow string = 'PT1M'

@description('How long an undelivered intake message lives before it is dead-lettered. The ready table, not the message, is the source of truth.')
param intakeMessageTimeToLive string = 'P1D'

// ------------------------------------------------------------------------------ Functions host

@description('Most Flex Consumption instances the Function App scales out to.')
@minValue(40)
@maxValue(1000)
param functionMaximumInstanceCount int = 100

@description('Memory of each Function App instance, in MB.')
@allowed([
  512
  2048
  4096
])
param functionInstanceMemoryMB int = 2048

@description('Function App instances kept warm for HTTP (agents\' long polls and heartbeats). 0 lets the app scale to zero, at the price of cold starts.')
@minValue(0)
@maxValue(20)
param alwaysReadyHttpInstances int = 1

@description('Concurrent HTTP requests per Function App instance before Flex Consumption adds one (perInstanceConcurrency). A parked long poll is a request that waits up to 30 s doing nothing, so this is high; at most host.json\'s http.maxConcurrentRequests (400), so the platform adds instances before the host starts queueing requests.')
@minValue(1)
@maxValue(400)
param httpPerInstanceConcurrency int = 350

@description('NCRONTAB (with seconds) of the Reconcile timer (RECONCILE_SCHEDULE).')
@minLength(1)
param reconcileSchedule string = '*/10 * * * * *'

@description('Largest request body accepted, in bytes (MAX_REQUEST_BYTES). The Functions host gets the same limit (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT), so it refuses a larger body instead of buffering up to its default 100 MB first.')
@minValue(1024)
@maxValue(104857600)
param maxRequestBytes int = 1048576

@description('More app settings for the control plane (e.g. {"LEASE_SECONDS": "90"}; see docs/operations.md). Never a secret.')
param extraAppSettings object = {}

@description('Origins (https://...) of web console sites beside this region\'s Function App, allowed by its CORS; empty: none.')
param consoleOrigins array = []

// ------------------------------------------------------------------------------ operations

@description('Days Log Analytics and Application Insights keep data.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Days a deleted Key Vault or secret stays recoverable.')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionInDays int = 90

@description('recover: bring back the soft-deleted Key Vault of this deployment (its name is kept by purge protection after a resource group delete, so a plain deployment fails on it), secrets included. Only for the deployment that recovers it; default otherwise.')
@allowed([
  'default'
  'recover'
])
param keyVaultCreateMode string = 'default'

// ------------------------------------------------------------------------------ Container Apps (optional)

@description('Also run the standalone host and a dedicated Platinum agent pool on Azure Container Apps.')
param deployContainerApps bool = false

@description('Image of the standalone host (standalone/Dockerfile), e.g. contoso.azurecr.io/controlplane-standalone:1.4.0. Required with deployContainerApps.')
param standaloneImage string = ''

@description('Image of the migration agent run by the dedicated Platinum pool. Required with deployContainerApps.')
param agentsImage string = ''

@description('Resource id of the private Azure Container Registry holding the images; the apps\' identities get AcrPull on it. Empty for public images.')
param containerRegistryResourceId string = ''

@description('Fewest standalone host replicas. At least 1: agents long-poll it, and the reconcile pass runs in it.')
@minValue(1)
param hostMinReplicas int = 1

@description('Most standalone host replicas.')
@minValue(1)
@maxValue(300)
param hostMaxReplicas int = 10

@description('Waiting intake messages (per tier queue) per host replica before KEDA adds one.')
@minValue(1)
param intakeMessagesPerReplica int = 20

@description('Pool the dedicated Platinum agents register with.')
param platinumPoolName string = 'platinum-dedicated'

@description('Fewest Platinum agents; keep at least 1 so a Platinum job never waits for a cold start.')
@minValue(0)
param platinumAgentsMinReplicas int = 1

@description('Most Platinum agents.')
@minValue(1)
@maxValue(300)
param platinumAgentsMaxReplicas int = 10

@description('Waiting Platinum intake messages per agent before KEDA adds one.')
@minValue(1)
param platinumMessagesPerAgent int = 1

// ------------------------------------------------------------------------------ names

// The names the code uses (shared: adapters/tables/TableNames, adapters/storagequeue/QueueNames,
// adapters/servicebus/ServiceBusAgentChannel; functions: IntakeFunctions), before their prefixes.
// BicepTemplatesTest keeps them equal to the code's.
var tableNames = [
  'jobs'
  'agents'
  'ready'
  'tenants'
  'mappings'
  'leases'
]
var intakeQueueNames = [
  'jobs-platinum'
  'jobs-premium'
  'jobs-standard'
]
var agentCommandQueueName = 'agent-commands'
// Event-driven dispatch: the region's dispatcher holds the dispatch queue's session (SessionId =
// region) and offers leases to parked agents through their agent-inbox session (SessionId = agent id).
var dispatchQueueName = 'dispatch'
var agentInboxQueueName = 'agent-inbox'

// Globally unique names get a suffix derived from the subscription, resource group and region, so a
// deployment run again finds the same resources. The Key Vault keeps its name too, even though a
// deleted vault holds it for keyVaultSoftDeleteRetentionInDays (purge protection): job specs point at
// its secrets by URI, so the vault is recovered under that name (keyVaultCreateMode), never replaced.
var suffix = uniqueString(subscription().id, resourceGroup().id, region)
var names = {
  logAnalytics: 'log-${namePrefix}-${region}'
  applicationInsights: 'appi-${namePrefix}-${region}'
  // The control plane's account (tables, Storage Queue intake): the name it always had, so a deployment
  // made before the Functions host got an account of its own keeps its job state where it is.
  storage: take('st${namePrefix}${suffix}', 24)
  // The Functions host's account (AzureWebJobsStorage, deployment package): nothing of the product.
  hostStorage: take('st${namePrefix}fn${suffix}', 24)
  serviceBus: 'sbns-${namePrefix}-${region}-${take(suffix, 6)}'
  keyVault: take('kv-${namePrefix}-${suffix}', 24)
  plan: 'asp-${namePrefix}-${region}'
  functionApp: 'func-${namePrefix}-${region}-${take(suffix, 6)}'
  deploymentContainer: 'app-package'
  containerEnvironment: 'cae-${namePrefix}-${region}'
  hostApp: 'ca-${namePrefix}-host'
  agentsApp: 'ca-${namePrefix}-platinum-agents'
  hostIdentity: 'id-${namePrefix}-host-${region}'
  agentsIdentity: 'id-${namePrefix}-agents-${region}'
}

var allTags = union(tags, {
  application: 'migration-controlplane'
  region: region
})

// ------------------------------------------------------------------------------ resources

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring-${region}'
  params: {
    location: region
    tags: allTags
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    retentionInDays: logRetentionInDays
  }
}

// Two accounts: the product's data never shares an account (its throughput limits, its keys and
// locks, its lifecycle) with the Functions host's own state.
module storage 'modules/storage.bicep' = {
  name: 'storage-${region}'
  params: {
    location: region
    tags: allTags
    name: names.storage
    skuName: storageSku
    tablePrefix: tablePrefix
    tableNames: tableNames
    queuePrefix: queuePrefix
    intakeQueueNames: intakeQueueNames
  }
}

module hostStorage 'modules/storage.bicep' = {
  name: 'host-storage-${region}'
  params: {
    location: region
    tags: allTags
    name: names.hostStorage
    skuName: storageSku
    deploymentContainerName: names.deploymentContainer
  }
}

module serviceBus 'modules/service-bus.bicep' = {
  name: 'service-bus-${region}'
  params: {
    location: region
    tags: allTags
    name: names.serviceBus
    sku: serviceBusSku
    premiumCapacity: serviceBusPremiumCapacity
    queuePrefix: queuePrefix
    intakeQueueNames: intakeQueueNames
    agentCommandQueueName: agentCommandQueueName
    dispatchQueueName: dispatchQueueName
    agentInboxQueueName: agentInboxQueueName
    maxDeliveryCount: maxDeliveryCount
    intakeDuplicateDetectionWindow: intakeDuplicateDetectionWindow
    intakeMessageTimeToLive: intakeMessageTimeToLive
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault-${region}'
  params: {
    location: region
    tags: allTags
    name: names.keyVault
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
    createMode: keyVaultCreateMode
  }
}

// The control plane's settings (shared: config/ControlPlaneSettings), the same for both hosts.
// Identity-based only: STORAGE_TABLE_ENDPOINT and SERVICEBUS_NAMESPACE with DefaultAzureCredential,
// never STORAGE_CONNECTION_STRING or SERVICEBUS_CONNECTION_STRING.
var controlPlaneSettings = {
  CONTROLPLANE_ENVIRONMENT: 'Production'
  CONTROLPLANE_REGIONS: join(servedRegions, ',')
  STORAGE_TABLE_ENDPOINT: storage.outputs.tableEndpoint
  STORAGE_QUEUE_ENDPOINT: storage.outputs.queueEndpoint
  STORAGE_TABLE_PREFIX: tablePrefix
  AUTH_ISSUER: authIssuer
  AUTH_AUDIENCE: authAudience
  AUTH_JWKS_URL: authJwksUrl
  MAX_REQUEST_BYTES: string(maxRequestBytes)
  MESSAGING: messaging
  SERVICEBUS_NAMESPACE: serviceBus.outputs.fullyQualifiedNamespace
  QUEUE_PREFIX: queuePrefix
  // Where a region's dispatcher runs (ADR 0008): with Service Bus, wherever the region's session of
  // the dispatch queue is handled (the Functions Dispatch trigger; Container Apps hosts forward to
  // it too); with Storage Queues, the holder of the region's blob lease.
  DISPATCH_LEADERSHIP: messaging == 'servicebus' ? 'events' : 'lease'
  // The region's dispatcher looks at the ready heads once a second while agents wait (work whose
  // event was lost); the standalone default is 5 s.
  DISPATCH_POLL_MS: '1000'
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app-${region}'
  params: {
    location: region
    tags: allTags
    planName: names.plan
    appName: names.functionApp
    hostStorageAccountName: hostStorage.outputs.name
    deploymentContainerUrl: hostStorage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    controlPlaneSettings: controlPlaneSettings
    messaging: messaging
    reconcileSchedule: reconcileSchedule
    maximumInstanceCount: functionMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    extraAppSettings: extraAppSettings
    consoleOrigins: consoleOrigins
  }
}

// What each identity may do, and why. Roles are by name; role-assignments.bicep maps them to the
// built-in role definition ids.
var functionAppRoles = [
  {
    role: 'Storage Table Data Contributor'
    scope: 'storage'
    why: 'Job state: the jobs, agents, ready, tenants, mappings and leases tables.'
  }
  {
    role: 'Storage Queue Data Contributor'
    scope: 'storage'
    why: 'Storage Queue intake (MESSAGING=storagequeues): publish, and the Storage Queue triggers (StorageQueueConnection).'
  }
  {
    role: 'Storage Blob Data Contributor'
    scope: 'storage'
    why: 'The region leases of the dispatcher (DISPATCH_LEADERSHIP=lease, with MESSAGING=storagequeues): container <QUEUE_PREFIX>dispatch-leaders.'
  }
  {
    role: 'Storage Blob Data Owner'
    scope: 'hostStorage'
    why: 'The Functions host\'s own blobs (timer locks, keys) and the Flex Consumption deployment package container.'
  }
  {
    role: 'Storage Queue Data Contributor'
    scope: 'hostStorage'
    why: 'The Functions host\'s own queues (AzureWebJobsStorage).'
  }
  {
    role: 'Storage Table Data Contributor'
    scope: 'hostStorage'
    why: 'The Functions host\'s own tables (diagnostic events, AzureWebJobsStorage).'
  }
  {
    role: 'Azure Service Bus Data Owner'
    scope: 'serviceBus'
    why: 'Receive (session triggers, dispatch) and send (intake, dispatch, agent-inbox offers, agent commands) on every queue of the namespace; the scale controller reads queue lengths, which needs Manage.'
  }
  {
    role: 'Key Vault Secrets User'
    scope: 'keyVault'
    why: 'Read the secrets that job specs reference.'
  }
  {
    role: 'Monitoring Metrics Publisher'
    scope: 'applicationInsights'
    why: 'Send telemetry to Application Insights, whose local (key) authentication is off.'
  }
]

module functionAppRoleAssignments 'modules/role-assignments.bicep' = {
  name: 'roles-function-app-${region}'
  params: {
    storageAccountName: storage.outputs.name
    hostStorageAccountName: hostStorage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    assignments: [for r in functionAppRoles: {
      principalId: functionApp.outputs.principalId
      role: r.role
      scope: r.scope
      why: r.why
    }]
  }
}

// ------------------------------------------------------------------------------ Container Apps (optional)

module containerIdentities 'modules/container-identities.bicep' = if (deployContainerApps) {
  name: 'container-identities-${region}'
  params: {
    location: region
    tags: allTags
    hostIdentityName: names.hostIdentity
    agentsIdentityName: names.agentsIdentity
  }
}

var hostRoles = [
  {
    role: 'Storage Table Data Contributor'
    scope: 'storage'
    why: 'Job state: the jobs, agents, ready, tenants, mappings and leases tables.'
  }
  {
    role: 'Storage Queue Data Contributor'
    scope: 'storage'
    why: 'Storage Queue intake (MESSAGING=storagequeues).'
  }
  {
    role: 'Storage Blob Data Contributor'
    scope: 'storage'
    why: 'The region leases of the dispatcher (DISPATCH_LEADERSHIP=lease, with MESSAGING=storagequeues).'
  }
  {
    role: 'Azure Service Bus Data Owner'
    scope: 'serviceBus'
    why: 'Receive and send intake, dispatch and agent-inbox messages and agent commands; KEDA reads queue lengths with this identity, which needs Manage.'
  }
  {
    role: 'Key Vault Secrets User'
    scope: 'keyVault'
    why: 'Read the secrets that job specs reference.'
  }
  {
    role: 'Monitoring Metrics Publisher'
    scope: 'applicationInsights'
    why: 'Send telemetry to Application Insights, whose local (key) authentication is off.'
  }
]

var agentRoles = [
  {
    role: 'Key Vault Secrets User'
    scope: 'keyVault'
    why: 'Resolve the credential references of the jobs the agents run.'
  }
  {
    role: 'Azure Service Bus Data Owner'
    scope: 'serviceBus'
    why: 'Hear agent commands and offers (a session per agent on agent-commands and agent-inbox); KEDA reads the Platinum queue length with this identity, which needs Manage.'
  }
  {
    role: 'Monitoring Metrics Publisher'
    scope: 'applicationInsights'
    why: 'Send telemetry to Application Insights, whose local (key) authentication is off.'
  }
]

module containerRoleAssignments 'modules/role-assignments.bicep' = if (deployContainerApps) {
  name: 'roles-container-apps-${region}'
  params: {
    storageAccountName: storage.outputs.name
    hostStorageAccountName: hostStorage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    assignments: concat(
      map(hostRoles, r => {
        principalId: containerIdentities.outputs.hostPrincipalId
        role: r.role
        scope: r.scope
        why: r.why
      }),
      map(agentRoles, r => {
        principalId: containerIdentities.outputs.agentsPrincipalId
        role: r.role
        scope: r.scope
        why: r.why
      })
    )
  }
}

// A registry in any resource group of any subscription: deploy AcrPull where the registry is. The
// placeholder id only keeps the scope expression valid when there is no registry.
var registryIdParts = split(empty(containerRegistryResourceId) ? '${resourceGroup().id}/providers/Microsoft.ContainerRegistry/registries/none' : containerRegistryResourceId, '/')
var registryName = last(registryIdParts)
var registryServer = empty(containerRegistryResourceId) ? '' : '${registryName}${environment().suffixes.acrLoginServer}'

module acrPull 'modules/acr-pull.bicep' = if (deployContainerApps && !empty(containerRegistryResourceId)) {
  name: 'acr-pull-${region}'
  scope: resourceGroup(registryIdParts[2], registryIdParts[4])
  params: {
    registryName: registryName
    principalIds: [
      containerIdentities.outputs.hostPrincipalId
      containerIdentities.outputs.agentsPrincipalId
    ]
  }
}

module containerApps 'modules/container-apps.bicep' = if (deployContainerApps) {
  name: 'container-apps-${region}'
  // Roles first: the first replica pulls its image and KEDA reads the queues with these identities.
  dependsOn: [
    containerRoleAssignments
    acrPull
  ]
  params: {
    location: region
    tags: allTags
    environmentName: names.containerEnvironment
    workspaceId: monitoring.outputs.workspaceId
    region: region
    controlPlaneSettings: controlPlaneSettings
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    serviceBusNamespaceName: serviceBus.outputs.name
    intakeQueueNames: serviceBus.outputs.intakeQueueNames
    platinumQueueName: serviceBus.outputs.intakeQueueNames[0]
    registryServer: registryServer
    hostAppName: names.hostApp
    hostImage: standaloneImage
    hostIdentityId: containerIdentities.outputs.hostIdentityId
    hostIdentityClientId: containerIdentities.outputs.hostClientId
    hostMinReplicas: hostMinReplicas
    hostMaxReplicas: hostMaxReplicas
    intakeMessagesPerReplica: intakeMessagesPerReplica
    agentsAppName: names.agentsApp
    agentsImage: agentsImage
    agentsIdentityId: containerIdentities.outputs.agentsIdentityId
    agentsIdentityClientId: containerIdentities.outputs.agentsClientId
    platinumPoolName: platinumPoolName
    agentsMinReplicas: platinumAgentsMinReplicas
    agentsMaxReplicas: platinumAgentsMaxReplicas
    platinumMessagesPerAgent: platinumMessagesPerAgent
    agentsControlPlaneUrl: 'https://${functionApp.outputs.defaultHostName}'
    authAudience: authAudience
    keyVaultUri: keyVault.outputs.uri
  }
}

// ------------------------------------------------------------------------------ outputs

output functionAppName string = functionApp.outputs.name
output functionAppUrl string = 'https://${functionApp.outputs.defaultHostName}/api'
output functionAppPrincipalId string = functionApp.outputs.principalId
output storageAccountName string = storage.outputs.name
output hostStorageAccountName string = hostStorage.outputs.name
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output keyVaultName string = keyVault.outputs.name
output keyVaultUri string = keyVault.outputs.uri
output applicationInsightsName string = monitoring.outputs.applicationInsightsName
output standaloneHostUrl string = deployContainerApps ? '${containerApps.outputs.hostUrl}/api' : ''
output platinumAgentsPrincipalId string = deployContainerApps ? containerIdentities.outputs.agentsPrincipalId : ''
