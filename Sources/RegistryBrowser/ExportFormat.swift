/// The forms a composed policy can be exported in (`e` in the browser, `browse --export FORMAT`).
public enum ExportFormat: String, Sendable, CaseIterable, Hashable {
    /// An `acr purge` command line.
    case acr
    /// An `az acr task create` command that runs the purge weekly.
    case azTask = "az-task"
    /// A Terraform `azurerm_container_registry_task` block, like the article's.
    case terraform
    /// A crontab line that runs `regsweep purge` weekly.
    case cron

    /// The tab title in the export view.
    public var title: String {
        switch self {
        case .acr: return "acr purge"
        case .azTask: return "az acr task"
        case .terraform: return "Terraform"
        case .cron: return "crontab"
        }
    }

    var next: ExportFormat {
        let all = Self.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + 1) % all.count]
    }

    var previous: ExportFormat {
        let all = Self.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + all.count - 1) % all.count]
    }
}
