// User-assigned identities of the two container apps. They exist before the apps do, so their
// role assignments (and AcrPull on a private registry) are in place when the first replica starts
// and KEDA first reads a queue: a system-assigned identity would only exist once the app did.

param location string
param tags object
param hostIdentityName string
param agentsIdentityName string

resource hostIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: hostIdentityName
  location: location
  tags: tags
}

resource agentsIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: agentsIdentityName
  location: location
  tags: tags
}

output hostIdentityId string = hostIdentity.id
output hostPrincipalId string = hostIdentity.properties.principalId
output hostClientId string = hostIdentity.properties.clientId
output agentsIdentityId string = agentsIdentity.id
output agentsPrincipalId string = agentsIdentity.properties.principalId
output agentsClientId string = agentsIdentity.properties.clientId
