// Optional: the standalone host (the same control plane as the Function App, as a container) and a
// dedicated Platinum agent pool on Azure Container Apps. KEDA scales both on Service Bus queue
// length, authenticating with the apps' own managed identities (no connection string, no secret).

param location string
param tags object
param environmentName string

@description('Log Analytics workspace that receives the environment\'s console and system logs.')
param workspaceId string

@description('The region this deployment serves; the agents register in it.')
param region string

param controlPlaneSettings object
param applicationInsightsConnectionString string

@description('Service Bus namespace name (not its host name): what the KEDA azure-servicebus scaler expects.')
param serviceBusNamespaceName string

@description('The tier intake queues\' full names (prefix included), scaled on by the host.')
param intakeQueueNames array

@description('The Platinum intake queue\'s full name, scaled on by the Platinum agent pool.')
param platinumQueueName string

@description('Private registry login server (e.g. contoso.azurecr.io), pulled from with the apps\' identities; empty for a public image.')
param registryServer string

param hostAppName string
param hostImage string
param hostIdentityId string
param hostIdentityClientId string

@minValue(1)
param hostMinReplicas int

@minValue(1)
@maxValue(300)
param hostMaxReplicas int

@description('Waiting intake messages per host replica before KEDA adds one.')
@minValue(1)
param intakeMessagesPerReplica int

param agentsAppName string
param agentsImage string
param agentsIdentityId string
param agentsIdentityClientId string

@description('Pool name the Platinum agents register with; entitle the tenant to it with PUT /api/admin/tenants/{tenantId}.')
param platinumPoolName string

@minValue(0)
param agentsMinReplicas int

@minValue(1)
@maxValue(300)
param agentsMaxReplicas int

@description('Waiting Platinum intake messages per agent replica before KEDA adds one.')
@minValue(1)
param platinumMessagesPerAgent int

@description('Base URL of the control plane the agents call (without /api).')
param agentsControlPlaneUrl string

@description('Application ID URI the agents request tokens for (AUTH_AUDIENCE).')
param authAudience string

@description('Key Vault that job specs\' credential references point to; the agents resolve them.')
param keyVaultUri string

var hostPort = 7071

var registries = empty(registryServer) ? [] : [
  {
    server: registryServer
    identity: hostIdentityId
  }
]
var agentRegistries = empty(registryServer) ? [] : [
  {
    server: registryServer
    identity: agentsIdentityId
  }
]

// The standalone host's own settings (StandaloneSettings) on top of the control plane's.
// AZURE_CLIENT_ID makes DefaultAzureCredential use the user-assigned identity.
var standaloneHostSettings = {
  BIND_ADDRESS: '0.0.0.0'
  PORT: string(hostPort)
  AZURE_CLIENT_ID: hostIdentityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${hostIdentityClientId}'
}
var hostSettings = union(controlPlaneSettings, standaloneHostSettings)

// What the agent image is given: where the control plane is, where to register, which pool, and
// the identity it gets its tokens (audience AUTH_AUDIENCE) and Key Vault secrets with.
var agentSettings = {
  CONTROLPLANE_URL: agentsControlPlaneUrl
  AGENT_REGION: region
  AGENT_POOL: platinumPoolName
  AUTH_AUDIENCE: authAudience
  KEY_VAULT_URI: keyVaultUri
  AZURE_CLIENT_ID: agentsIdentityClientId
}

// One KEDA rule per tier intake queue: replicas follow the waiting messages of the busiest tier.
var intakeScaleRules = [for queue in intakeQueueNames: {
  name: queue
  custom: {
    type: 'azure-servicebus'
    identity: hostIdentityId
    metadata: {
      namespace: serviceBusNamespaceName
      queueName: queue
      messageCount: string(intakeMessagesPerReplica)
    }
  }
}]

// Agents hold a long poll (up to 30 s) each: HTTP concurrency is what loads the host.
var httpScaleRule = {
  name: 'http-concurrency'
  http: {
    metadata: {
      concurrentRequests: '200'
    }
  }
}

resource managedEnvironment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    // Logs go through Azure Monitor diagnostic settings below: no workspace key in the template.
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

resource environmentLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: managedEnvironment
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

resource hostApp 'Microsoft.App/containerApps@2025-01-01' = {
  name: hostAppName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${hostIdentityId}': {}
    }
  }
  properties: {
    environmentId: managedEnvironment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: hostPort
        transport: 'auto'
        allowInsecure: false
      }
      registries: registries
    }
    template: {
      containers: [
        {
          name: 'controlplane'
          image: hostImage
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          env: [for setting in items(hostSettings): {
            name: setting.key
            value: setting.value
          }]
          probes: [
            {
              // Up to 120 s for a cold start (image pull done, JVM on one core). Container Apps takes
              // failureThreshold 1 to 10 only (ContainerAppProbe), so the budget comes from the period.
              type: 'Startup'
              httpGet: {
                path: '/api/health'
                port: hostPort
              }
              periodSeconds: 12
              failureThreshold: 10
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/api/health'
                port: hostPort
              }
              periodSeconds: 15
              failureThreshold: 3
            }
            {
              // Out of rotation while Table Storage does not answer (503 not-ready).
              type: 'Readiness'
              httpGet: {
                path: '/api/health/ready'
                port: hostPort
              }
              periodSeconds: 10
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: hostMinReplicas
        maxReplicas: hostMaxReplicas
        rules: concat([httpScaleRule], intakeScaleRules)
      }
    }
  }
}

resource platinumAgents 'Microsoft.App/containerApps@2025-01-01' = {
  name: agentsAppName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${agentsIdentityId}': {}
    }
  }
  properties: {
    environmentId: managedEnvironment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      // No ingress: agents only call out (to the control plane, Key Vault, their sources and targets).
      registries: agentRegistries
    }
    template: {
      containers: [
        {
          name: 'agent'
          image: agentsImage
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          env: [for setting in items(agentSettings): {
            name: setting.key
            value: setting.value
          }]
        }
      ]
      scale: {
        minReplicas: agentsMinReplicas
        maxReplicas: agentsMaxReplicas
        rules: [
          {
            name: 'platinum-intake'
            custom: {
              type: 'azure-servicebus'
              identity: agentsIdentityId
              metadata: {
                namespace: serviceBusNamespaceName
                queueName: platinumQueueName
                messageCount: string(platinumMessagesPerAgent)
              }
            }
          }
        ]
      }
    }
  }
}

output hostUrl string = 'https://${hostApp.properties.configuration.ingress.fqdn}'
output environmentId string = managedEnvironment.id
