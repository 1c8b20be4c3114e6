using System.Text;
using Fluxo.Ir;

namespace Fluxo.Backend.Azure;

/// <summary>
/// Azure Container Apps manifests (for <c>az containerapp create --yaml</c>): the front end with external ingress,
/// the worker scaled by KEDA's azure-queue scaler on the length of each of its queues.
/// </summary>
internal static class ContainerApps
{
    /// <summary>Messages per replica before KEDA adds one.</summary>
    private const int QueueLengthPerReplica = 20;

    public static string FrontEnd(IrModule module, ServiceNames n) =>
        Header(module, n, n.FrontEnd, "frontend") +
        "    ingress:\n      external: true\n      targetPort: 8080\n      transport: auto\n" +
        Template(module, n, "frontend") +
        "    scale:\n      minReplicas: 1\n      maxReplicas: 10\n      rules:\n        - name: http\n          http:\n            metadata:\n              concurrentRequests: \"50\"\n";

    public static string Worker(IrModule module, ServiceNames n, IEnumerable<string> queues)
    {
        var sb = new StringBuilder(Header(module, n, n.Worker, "worker"));
        sb.Append(Template(module, n, "worker"));
        sb.Append("    scale:\n      minReplicas: 1\n      maxReplicas: 20\n      rules:\n");
        foreach (var q in queues)
        {
            sb.Append($"        - name: {q}\n");
            sb.Append("          custom:\n            type: azure-queue\n            metadata:\n");
            sb.Append($"              queueName: {q}\n              queueLength: \"{QueueLengthPerReplica}\"\n");
            sb.Append("            auth:\n              - secretRef: storage-connection\n                triggerParameter: connection\n");
        }

        return sb.ToString();
    }

    private static string Header(IrModule module, ServiceNames n, string project, string role) =>
        $"# Azure Container Apps: {project}. Replace the ${{...}} placeholders (see README.md), then\n" +
        $"#   az containerapp create -g $RESOURCE_GROUP -n {n.Prefix}-{role} --yaml deploy/{role}.containerapp.yaml\n" +
        $"name: {n.Prefix}-{role}\n" +
        "type: Microsoft.App/containerApps\n" +
        "properties:\n" +
        "  managedEnvironmentId: ${ENVIRONMENT_ID}\n" +
        "  configuration:\n" +
        "    activeRevisionsMode: Single\n" +
        "    secrets:\n" +
        "      - name: storage-connection\n        value: ${STORAGE_CONNECTION_STRING}\n" +
        "      - name: redis-connection\n        value: ${REDIS_CONNECTION_STRING}\n" +
        "    registries:\n      - server: ${REGISTRY}\n        identity: system\n";

    private static string Template(IrModule module, ServiceNames n, string role)
    {
        var sb = new StringBuilder("  template:\n    containers:\n");
        sb.Append($"      - name: {role}\n        image: ${{REGISTRY}}/{n.Prefix}-{role}:latest\n");
        sb.Append("        resources:\n          cpu: 0.5\n          memory: 1Gi\n");
        sb.Append("        env:\n");
        sb.Append("          - name: ConnectionStrings__Storage\n            secretRef: storage-connection\n");
        sb.Append("          - name: ConnectionStrings__Redis\n            secretRef: redis-connection\n");
        foreach (var e in module.Externs)
        {
            sb.Append($"          - name: {CSharp.Scalar("Externs__" + e.Name)}\n            value: ${{EXTERN_{CSharp.Identifier(e.Name).ToUpperInvariant()}_URL}}\n");
        }

        sb.Append("        probes:\n          - type: Liveness\n            httpGet:\n              path: /healthz\n              port: 8080\n");
        return sb.ToString();
    }
}
