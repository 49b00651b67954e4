import Purge
import RegistryClient
import TUICore

extension BrowserModel {
    /// Two rows: who and where, the policy in force; then what the registry can do and where ages come from.
    func renderHeader(into buffer: inout Buffer, _ rect: Rect, theme: Theme) {
        guard rect.height >= 2 else { return }
        buffer.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), style: theme.headerBar)
        buffer.fill(Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: 1), style: theme.headerBar)
        var limit = rect.right - 1
        if configuration.readOnly {
            let badge = " READ-ONLY "
            limit -= DisplayWidth.of(badge)
            buffer.set(string: badge, x: limit, y: rect.y, style: theme.readOnlyBadge)
            limit -= 1
        }
        let user = configuration.user ?? "anonymous"
        var x = buffer.set(string: " regsweep  ", x: rect.x, y: rect.y)
        x = buffer.write(
            "\(configuration.registry)  \(user)  ", x: x, y: rect.y, limit: limit, ellipsis: theme.ellipsis)
        let policyText = headerPolicyText
        buffer.write(policyText, x: x, y: rect.y, limit: limit, style: theme.headerDetail, ellipsis: theme.ellipsis)

        let second = [capabilityText(theme: theme), "ages: \(ageSources)"].joined(separator: theme.separator)
        buffer.write(
            " " + second, x: rect.x, y: rect.y + 1, limit: rect.right, style: theme.headerDetail,
            ellipsis: theme.ellipsis)
    }

    /// What the registry can do, in few words.
    func capabilityText(theme: Theme) -> String {
        guard let capabilities else {
            if let capabilitiesError { return "capabilities unknown: \(capabilitiesError)" }
            if listingError != nil { return "cannot list the repositories (r retries)" }
            return repositoryNames == nil
                ? "connecting\(theme.ellipsis)" : "probing what the registry can do\(theme.ellipsis)"
        }
        let delete: String
        switch capabilities.deleteEnabled {
        case true?: delete = "delete enabled"
        case false?: delete = "delete DISABLED"
        case nil: delete = "delete unknown"
        }
        let tagDelete =
            switch capabilities.tagDeletion {
            case .native?: "tag delete native"
            case .placeholder?: "tag delete by placeholder"
            case .acr?: "tag delete via /acr/v1"
            // Learned from the first real deletion: no probe ever sends a DELETE.
            case nil: "tag delete unknown"
            }
        let referrers = capabilities.referrersAPI ? "referrers API" : "referrers by tag"
        // Generic registries are the default case; ACR is named, since ages and deletes differ there.
        let api = capabilities.api == .acr ? [capabilities.api.label] : []
        return (api + [delete, tagDelete, referrers]).joined(separator: theme.separator)
    }

    /// Where the ages of the loaded tags come from, most common first: `config created`, or
    /// `config created 12, no date 1`.
    /// Counted with the plan (of the inventory it was made from), not per frame.
    var ageSources: String {
        let counts = planTotals.ageSources
        guard !counts.isEmpty else { return "-" }
        let ordered = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }
        if ordered.count == 1, let only = ordered.first { return only.key.rawValue }
        return ordered.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
    }
}
