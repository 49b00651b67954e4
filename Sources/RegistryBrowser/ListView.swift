/// What the right-hand list shows for the selected repository.
public enum ListView: Sendable, Hashable {
    case tags
    /// Distinct manifests with their tags (`m`).
    case manifests
}
