/// The pane that has the focus in the browse screen.
public enum BrowserPane: Sendable, Hashable {
    /// The repositories, on the left.
    case repositories
    /// The tags (or manifests) of the selected repository.
    case list
}
