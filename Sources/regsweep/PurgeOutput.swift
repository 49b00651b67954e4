import ArgumentParser

/// `purge --output text|json|markdown`: markdown only for a dry run, whose plan a reviewer reads.
enum PurgeOutput: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case markdown
}
