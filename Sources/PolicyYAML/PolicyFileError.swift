/// Everything wrong with a policy file, each problem at its line and column, in words that say
/// what to change. A file is checked whole, so one run lists every problem, not just the first.
public struct PolicyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem in the file.
    public struct Problem: Sendable, Equatable {
        /// 1-based; nil only when the file could not be read at all.
        public let line: Int?
        /// 1-based, counted in characters of the line.
        public let column: Int?
        /// What is wrong and what to write instead.
        public let message: String

        public init(line: Int?, column: Int?, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }
    }

    /// The file as the user named it.
    public let path: String
    /// In file order.
    public let problems: [Problem]

    public init(path: String, problems: [Problem]) {
        self.path = path
        self.problems = problems
    }

    /// The file could not be read: there is no line to point at.
    static func unreadable(_ path: String, reason: String) -> PolicyFileError {
        PolicyFileError(
            path: path, problems: [Problem(line: nil, column: nil, message: "cannot read the policy file: \(reason)")])
    }

    /// The file could not be written.
    static func unwritable(_ path: String, reason: String) -> PolicyFileError {
        PolicyFileError(
            path: path, problems: [Problem(line: nil, column: nil, message: "not written: \(reason)")])
    }

    /// One line per problem, `FILE:LINE:COLUMN: message`, the form editors and CI logs link to.
    public var lines: [String] {
        problems.map { problem in
            guard let line = problem.line else { return "\(path): \(problem.message)" }
            return "\(path):\(line):\(problem.column ?? 1): \(problem.message)"
        }
    }

    public var description: String { lines.joined(separator: "\n") }
}
