import Foundation
import Purge
import RegistryClient
import TUICore

extension BrowserModel {
    /// One line of the details pane: a label and a value, and the value's style.
    struct DetailLine {
        var label: String
        var value: String
        var style: Style = .plain

        /// Values are what the registry sent (labels, annotations, media types): shown through the
        /// same sanitiser as every command's output.
        init(label: String, value: String, style: Style = .plain) {
            self.label = label
            self.value = SafeText.escape(value)
            self.style = style
        }
    }

    /// The details of the selected tag (or manifest): everything known about its manifest.
    func renderDetails(into buffer: inout Buffer, _ rect: Rect, theme: Theme) {
        guard rect.height >= 3 else { return }
        let lines: [DetailLine]
        let title: String
        switch listView {
        case .tags:
            lines = selectedTagVerdict.map { tagDetails($0, theme: theme) } ?? []
            title = selectedTag.map { "Details of \(selectedRepository ?? ""):\($0)" } ?? "Details"
        case .manifests:
            lines = selectedManifestVerdict.map { manifestDetails($0, theme: theme) } ?? []
            title = selectedManifest.map { "Details of \($0.short)" } ?? "Details"
        }
        let inner = buffer.panel(rect, title: title, border: theme.unfocusedBorder, theme: theme)
        let labelWidth = 10
        var y = inner.y
        for line in lines {
            guard y < inner.bottom else { break }
            buffer.write(line.label, x: inner.x, y: y, width: labelWidth, style: theme.bold, ellipsis: theme.ellipsis)
            let wrapped = TextWrap.lines(line.value, width: inner.width - labelWidth - 1)
            // A long value may take two rows on wide terminals; on small ones every row counts.
            let allowed = inner.height >= 14 ? 3 : 1
            for (index, part) in wrapped.prefix(allowed).enumerated() where y < inner.bottom {
                let isCut = index == allowed - 1 && wrapped.count > allowed
                buffer.write(
                    isCut ? part + theme.ellipsis : part, x: inner.x + labelWidth + 1, y: y, limit: inner.right,
                    style: line.style, ellipsis: theme.ellipsis)
                y += 1
            }
        }
    }

    func tagDetails(_ verdict: TagVerdict, theme: Theme) -> [DetailLine] {
        let verdictClass = VerdictClass(verdict.reason)
        var lines = [
            DetailLine(label: "manifest", value: verdict.digest.description),
            DetailLine(
                label: "verdict", value: verdict.explanation(namesRules: plan.retention.namesRules),
                style: theme.style(verdictClass)),
            DetailLine(label: "created", value: timeText(verdict.time)),
        ]
        let siblings = selectedInventory?.tags(pointingTo: verdict.digest) ?? [verdict.tag]
        lines.append(DetailLine(label: "same as", value: siblings.joined(separator: ", ")))
        if let inventory = selectedInventory, inventory.api == .acr {
            lines.append(DetailLine(label: "lock", value: inventory.lock(ofTag: verdict.tag).description))
        }
        if let record = selectedInventory?.manifests[verdict.digest] { lines += recordDetails(record) }
        return lines
    }

    func manifestDetails(_ verdict: ManifestVerdict, theme: Theme) -> [DetailLine] {
        let verdictClass = VerdictClass(verdict.reason)
        var lines = [
            DetailLine(label: "digest", value: verdict.digest.description),
            DetailLine(label: "verdict", value: verdict.explanation, style: theme.style(verdictClass)),
        ]
        let record = selectedInventory?.manifests[verdict.digest]
        lines.append(DetailLine(label: "created", value: timeText(record?.time ?? .unknown)))
        lines.append(
            DetailLine(label: "tags", value: verdict.tags.isEmpty ? "none" : verdict.tags.joined(separator: ", ")))
        if let record, selectedInventory?.api == .acr {
            lines.append(DetailLine(label: "lock", value: record.lock.description))
        }
        if let record { lines += recordDetails(record) }
        return lines
    }

    /// The lines every manifest has: platforms or children, size and layers, media type, referrers,
    /// subject, labels and annotations.
    func recordDetails(_ record: ManifestRecord) -> [DetailLine] {
        var lines: [DetailLine] = []
        if record.kind == .index {
            let children = record.children.map { child -> String in
                let platform = selectedInventory?.manifests[child]?.platforms.first?.description
                return platform.map { "\($0) \(child.short)" } ?? child.short
            }
            lines.append(DetailLine(label: "children", value: "\(children.count): " + children.joined(separator: ", ")))
        } else {
            lines.append(DetailLine(label: "platform", value: BrowserFormat.platforms(record.platforms)))
        }
        var size = PlanReport.bytes(record.totalSize)
        let layers = record.blobs.dropFirst()
        if let config = record.blobs.first {
            size += ": config \(PlanReport.bytes(config.size))"
            if !layers.isEmpty {
                size += ", \(BrowserFormat.count(layers.count, "layer")) ("
                size += layers.map { PlanReport.bytes($0.size) }.joined(separator: ", ") + ")"
            }
        }
        lines.append(DetailLine(label: "size", value: size))
        lines.append(DetailLine(label: "media", value: record.mediaType))
        if let subject = record.subject {
            lines.append(DetailLine(label: "subject", value: subject.description))
        }
        if !record.referrers.isEmpty {
            let referrers = record.referrers.map { digest -> String in
                let type = selectedInventory?.manifests[digest]?.artifactType
                return type.map { "\(digest.short) (\($0))" } ?? digest.short
            }
            lines.append(DetailLine(label: "referrers", value: referrers.joined(separator: ", ")))
        }
        if record.kind == .image, let config = record.blobs.first {
            switch labels.entry(config.digest) {
            case .read(let found)? where !found.isEmpty:
                let text = found.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                lines.append(DetailLine(label: "labels", value: text.joined(separator: ", ")))
            case .unreadable(let reason)?:
                lines.append(DetailLine(label: "labels", value: "not read: \(reason)"))
            case .read?, .pending?, nil:
                break
            }
        }
        if !record.annotations.isEmpty {
            let annotations = record.annotations.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            lines.append(DetailLine(label: "annotated", value: annotations.joined(separator: ", ")))
        }
        return lines
    }

    /// When, and how we know: `2022-12-15 12:00 UTC (config created)`.
    func timeText(_ time: TagTime) -> String {
        if let date = time.date {
            return
                "\(BrowserFormat.minute(date)), \(BrowserFormat.age(date, now: plan.now)) ago (\(time.source.rawValue))"
        }
        if let rejected = time.rejected {
            return "unknown: \(BrowserFormat.day(rejected)) is before Docker existed (\(time.source.rawValue))"
        }
        return "unknown (\(time.source.rawValue))"
    }
}
