import ArgumentParser
import Foundation
import RegistryBrowser

/// `browse --export FORMAT`: the composed policy printed, for scripts and CI.
enum BrowseExport {
    /// The export text; a draft that is not a valid policy prints each problem and exits with the
    /// usage status (64), like a bad flag.
    static func text(draft: PolicyDraft, format: ExportFormat, registry: String) throws -> String {
        switch PolicyExport.from(draft) {
        case .success(let export):
            return export.text(format, registry: registry)
        case .failure(let problems):
            Console.error("--export needs a valid policy:")
            for problem in problems.errors {
                Console.write("  --\(problem.field.label): \(problem.message)\n", to: STDERR_FILENO)
            }
            throw ExitCode.validationFailure
        }
    }
}
