import RegistryClient

/// An error in words a user can act on, safe for a terminal: a `RegistryError` says it itself;
/// anything else is escaped.
enum ErrorText {
    static func of(_ error: any Error) -> String {
        (error as? RegistryError)?.description ?? SafeText.escape("\(error)")
    }
}
