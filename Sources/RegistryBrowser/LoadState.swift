import Purge

/// Where the load of one repository stands.
public enum LoadState: Sendable {
    /// Requested; progress arrives as it goes.
    case loading(InventoryProgress?)
    case failed(String)
}
