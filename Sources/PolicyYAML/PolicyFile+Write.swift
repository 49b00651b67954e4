import Foundation
import Purge

extension PolicyFile {
    /// The file's new text for `document`, checked: it must read back as exactly `document`, so
    /// that what is written is what the user saw. `original` and `origins` as `PolicyWriter` takes them.
    public static func rendered(
        _ document: PolicyDocument, path: String, original: String?, origins: [Int?]?
    ) throws(PolicyFileError) -> String {
        let text = PolicyWriter.text(for: document, original: original, origins: origins)
        let back = try parse(text, path: path)
        guard back.document == document else {
            throw .unwritable(
                path, reason: "the new text would not read back as the rules shown (a regsweep bug; please report it)")
        }
        return text
    }

    /// Replaces the file at `path` with `text`, if it still holds `expected`: an edit made
    /// elsewhere since it was read is never overwritten. The new file takes the old one's
    /// permissions and replaces it in one step (`rename(2)`), so a crash leaves one or the other.
    public static func replace(path: String, with text: String, expecting expected: String) throws(PolicyFileError) {
        let current: String
        do {
            current = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unwritable(path, reason: "it cannot be read any more (\(error.localizedDescription))")
        }
        guard current == expected else {
            throw .unwritable(
                path,
                reason: "it changed on disk since regsweep read it; nothing was written (quit, and open it again)")
        }
        // A symlinked policy (into a checkout of the config repository, say) is written where it
        // points: renaming over the link would replace it with a plain file.
        let url = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        let target = url.path
        let folder = url.deletingLastPathComponent().path
        let temporary = (folder.isEmpty ? "." : folder) + "/.\(url.lastPathComponent).regsweep-\(getpid())"
        let mode = (try? FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? NSNumber)
            .flatMap { $0 }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            if let mode { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw .unwritable(path, reason: "\(error.localizedDescription) (check that its folder is writable)")
        }
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw .unwritable(path, reason: "\(reason) (check that its folder is writable)")
        }
    }
}
