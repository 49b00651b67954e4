/// A token scope, as the Docker token protocol spells it: `repository:my-app:pull,delete`.
public struct AccessScope: Hashable, Sendable, CustomStringConvertible {
    public var resourceType: String
    public var name: String
    public var actions: [String]

    public init(resourceType: String, name: String, actions: [String]) {
        self.resourceType = resourceType
        self.name = name
        self.actions = actions
    }

    /// `repository:NAME:ACTIONS`.
    public static func repository(_ name: String, _ actions: String...) -> AccessScope {
        AccessScope(resourceType: "repository", name: name, actions: actions)
    }

    /// `registry:catalog:*`, needed to list repositories.
    public static let catalog = AccessScope(resourceType: "registry", name: "catalog", actions: ["*"])

    public var description: String { "\(resourceType):\(name):\(actions.joined(separator: ","))" }

    /// The permission this scope asks for, in words, for error messages.
    public var permissionDescription: String {
        resourceType == "registry" ? "catalog access" : "\(actions.joined(separator: "+")) on \(name)"
    }
}
