// The service's resources in one resource group. Every app runs as one user-assigned identity that holds only
// the data-plane roles it needs: no account keys, no connection strings, no Contributor.
param location string
param environmentName string
param externUrl_ipToCity string
param externUrl_cityToWeather string
param externUrl_zipToWeather string

var token = uniqueString(subscription().id, resourceGroup().id, location)
var tags = { 'azd-env-name': environmentName }

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${token}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${token}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${token}'
  location: location
  tags: tags
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'cr${token}'
  location: location
  tags: tags
  sku: { name: 'Basic' }
  properties: { adminUserEnabled: false }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${token}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

// Built-in role ids: data-plane roles only.
var roles = {
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  queueData: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  tableData: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  blobData: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  metricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource pullImages 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, roles.acrPull)
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
  }
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [roles.queueData, roles.tableData, roles.blobData]: {
  name: guid(storage.id, identity.id, role)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

// Application Insights with local auth off accepts telemetry only from identities holding this role.
resource publishTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, roles.metricsPublisher)
  scope: insights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.metricsPublisher)
  }
}

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: 'cae-${token}'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

var env = [
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'Storage__QueueServiceUri', value: storage.properties.primaryEndpoints.queue }
  { name: 'Storage__TableServiceUri', value: storage.properties.primaryEndpoints.table }
  { name: 'Storage__BlobServiceUri', value: storage.properties.primaryEndpoints.blob }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
  { name: 'OTEL_SERVICE_NAME', value: 'weather' }
  { name: 'Externs__ipToCity', value: externUrl_ipToCity }
  { name: 'Externs__cityToWeather', value: externUrl_cityToWeather }
  { name: 'Externs__zipToWeather', value: externUrl_zipToWeather }
]

resource frontend 'Microsoft.App/containerApps@2025-01-01' = {
  name: 'weather-frontend'
  location: location
  tags: { 'azd-env-name': environmentName, 'azd-service-name': 'frontend' }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: { external: true, targetPort: 8080, transport: 'auto' }
      registries: [ { server: registry.properties.loginServer, identity: identity.id } ]
    }
    template: {
      containers: [
        {
          name: 'frontend'
          image: 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: env
          probes: [
            { type: 'Liveness', tcpSocket: { port: 8080 } }
            { type: 'Readiness', httpGet: { path: '/healthz', port: 8080 } }
          ]
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: 10
        rules: [ { name: 'http', http: { metadata: { concurrentRequests: '50' } } } ]
      }
    }
  }
  dependsOn: [ pullImages, storageRoles, publishTelemetry ]
}

output registryLoginServer string = registry.properties.loginServer
output identityClientId string = identity.properties.clientId
output frontendUrl string = 'https://${frontend.properties.configuration.ingress.fqdn}'
