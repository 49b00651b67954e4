/// The schedulers a policy file can be exported to (`regsweep policy export FILE --format …`).
public enum SchedulerFormat: String, Sendable, CaseIterable, Hashable {
    /// A Kubernetes `CronJob` (batch/v1) and the `ConfigMap` that holds the policy.
    case k8sCronJob = "k8s-cronjob"
    /// A GitHub Actions workflow: scheduled purge, manual run, dry run for pull requests.
    case githubActions = "github-actions"
    /// A `.gitlab-ci.yml`: scheduled purge, dry run for merge requests.
    case gitlabCI = "gitlab-ci"

    /// What the export is, for messages and headers.
    public var title: String {
        switch self {
        case .k8sCronJob: return "Kubernetes CronJob"
        case .githubActions: return "GitHub Actions workflow"
        case .gitlabCI: return "GitLab CI pipeline"
        }
    }
}
