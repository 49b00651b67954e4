import ArgumentParser

struct BrowseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "browse", abstract: "Open the terminal browser with a live purge preview.")

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var policyOptions: PolicyOptions
    @Flag(name: .customLong("read-only"), help: "Block every destructive action.") var readOnly = false

    func run() async throws {
        throw ValidationError("the browser is not built yet")
    }
}
