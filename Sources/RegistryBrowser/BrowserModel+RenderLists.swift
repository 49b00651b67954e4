import Foundation
import Purge
import RegistryClient
import TUICore

extension BrowserModel {
    /// The repositories: name, tag count, and how many tags the plan deletes.
    func renderRepositories(into buffer: inout Buffer, _ rect: Rect, theme: Theme) {
        let names = visibleRepositories
        var title = "Repositories (\(names.count))"
        if !repositorySearch.isEmpty { title += " /\(repositorySearch)" }
        if repositorySort != .name { title += " by \(repositorySort.label)" }
        let focused = focus == .repositories && context == .browse
        let inner = buffer.panel(
            rect, title: title, border: focused ? theme.focusedBorder : theme.unfocusedBorder, theme: theme)
        guard inner.height > 1 else { return }
        let columns = [
            TableColumn(id: .glyph, title: "", width: 1),
            TableColumn(id: .name, title: "NAME", width: max(4, inner.width - 11)),
            TableColumn(id: .count, title: "TAGS", width: 4, alignment: .right),
            TableColumn(id: .go, title: "GO", width: 3, alignment: .right),
        ]
        TableColumn.draw(
            columns.map { ($0, $0.title) }, into: &buffer, x: inner.x, y: inner.y, style: theme.columnHeader,
            ellipsis: theme.ellipsis)
        guard let repositoryNames else {
            guard let listingError else {
                buffer.write(
                    "\(theme.spinner(tick)) listing\(theme.ellipsis)", x: inner.x, y: inner.y + 1, limit: inner.right,
                    style: theme.dim, ellipsis: theme.ellipsis)
                return
            }
            let lines = TextWrap.lines("Cannot list the repositories: \(listingError)", width: inner.width)
            for (offset, line) in lines.prefix(inner.height - 1).enumerated() {
                buffer.write(
                    line, x: inner.x, y: inner.y + 1 + offset, limit: inner.right, style: theme.error,
                    ellipsis: theme.ellipsis)
            }
            return
        }
        if names.isEmpty {
            let text = repositoryNames.isEmpty ? "No repositories." : "Nothing matches /\(repositorySearch)"
            buffer.write(
                text, x: inner.x, y: inner.y + 1, limit: inner.right, style: theme.dim, ellipsis: theme.ellipsis)
            return
        }
        let rows = inner.height - 1
        for (offset, name) in names.dropFirst(repositoryScroll).prefix(rows).enumerated() {
            let y = inner.y + 1 + offset
            let selected = name == selectedRepository
            var style = Style.plain
            if retention != nil && !isSelectedByPolicy(name) { style = theme.dim }
            if selected { style = style.patched(with: theme.selection) }
            if selected { buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: theme.selection) }
            let go = tagsToDelete(in: name)
            let marker: String
            switch loads[name] {
            case .loading: marker = theme.spinner(tick)
            case .failed: marker = "!"
            case nil: marker = isSelectedByPolicy(name) ? (theme.unicode ? "•" : "*") : " "
            }
            // Loaded but not in the plan on screen yet counts as on its way, like loading.
            let coming = isLoading(name) || loaded[name] != nil
            var goText = go.map(String.init) ?? (coming ? theme.ellipsis : "")
            if go == 0 && !isSelectedByPolicy(name) { goText = "-" }
            let cells: [(TableColumn, String)] = [
                (columns[0], marker), (columns[1], name), (columns[2], tagCount(of: name).map(String.init) ?? ""),
            ]
            TableColumn.draw(cells, into: &buffer, x: inner.x, y: y, style: style, ellipsis: theme.ellipsis)
            let goStyle = (go ?? 0) > 0 ? style.patched(with: theme.style(.delete)) : style
            let goX = inner.x + columns[0].width + columns[1].width + columns[2].width + 3
            buffer.write(
                goText, x: goX, y: y, width: columns[3].width, style: goStyle, alignment: .right,
                ellipsis: theme.ellipsis)
        }
    }

    /// What a list pane says when the selected repository has no rows to show yet.
    func renderListPlaceholder(into buffer: inout Buffer, _ inner: Rect, theme: Theme) -> Bool {
        guard let repository = selectedRepository else {
            buffer.write(
                "No repository selected.", x: inner.x, y: inner.y + 1, limit: inner.right, style: theme.dim,
                ellipsis: theme.ellipsis)
            return true
        }
        guard loaded[repository] != nil else {
            var text: String
            switch loads[repository] {
            case .failed(let error): text = "Cannot load \(repository): \(error) (r retries)"
            case .loading(let progress?):
                text = "\(theme.spinner(tick)) \(progress.phase) \(progress.done)/\(progress.total)"
            default: text = "\(theme.spinner(tick)) loading \(repository)\(theme.ellipsis)"
            }
            let style = isFailed(repository) ? theme.error : theme.dim
            buffer.write(text, x: inner.x, y: inner.y + 1, limit: inner.right, style: style, ellipsis: theme.ellipsis)
            return true
        }
        // Loaded, but the plan on screen was made before it arrived.
        guard plan[repository] != nil else {
            buffer.write(
                "\(theme.spinner(tick)) planning \(repository)\(theme.ellipsis)", x: inner.x, y: inner.y + 1,
                limit: inner.right, style: theme.dim, ellipsis: theme.ellipsis)
            return true
        }
        return false
    }

    /// The title of the right-hand list: what, where, how many, search and sort.
    func listTitle(_ what: String, count: Int) -> String {
        guard let selectedRepository else { return what }
        var title = "\(what) of \(selectedRepository) (\(count))"
        if !listSearch.isEmpty { title += " /\(listSearch)" }
        title += " by \(listSort.label)"
        return title
    }

    /// The tags of the selected repository, each row coloured by its verdict.
    func renderTags(into buffer: inout Buffer, _ rect: Rect, theme: Theme) {
        let tags = visibleTags
        let focused = focus == .list && context == .browse
        let inner = buffer.panel(
            rect, title: listTitle("Tags", count: tags.count),
            border: focused ? theme.focusedBorder : theme.unfocusedBorder,
            theme: theme)
        guard inner.height > 1 else { return }
        let inventory = selectedInventory
        let lockColumn = Self.lockColumns(inventory)
        let columns = TableColumn.fit(
            width: inner.width,
            required: [
                TableColumn(id: .glyph, title: "", width: 1), TableColumn(id: .name, title: "TAG", width: 10),
                TableColumn(id: .verdict, title: "VERDICT", width: 15),
            ] + ruleColumns,
            optional: lockColumn + [
                TableColumn(id: .age, title: "AGE", width: 4, alignment: .right),
                TableColumn(id: .digest, title: "DIGEST", width: 12),
                TableColumn(id: .size, title: "SIZE", width: 8, alignment: .right),
                TableColumn(id: .created, title: "CREATED", width: 10),
                TableColumn(id: .platforms, title: "PLATFORMS", width: 11),
            ],
            stretch: .platforms,
            order: [.glyph, .name, .lock, .digest, .age, .created, .size, .platforms, .rule, .verdict])
        TableColumn.draw(
            columns.map { ($0, $0.title) }, into: &buffer, x: inner.x, y: inner.y, style: theme.columnHeader,
            ellipsis: theme.ellipsis)
        if renderListPlaceholder(into: &buffer, inner, theme: theme) { return }
        if tags.isEmpty {
            let text = listSearch.isEmpty ? "No tags." : "No tag matches /\(listSearch)"
            buffer.write(
                text, x: inner.x, y: inner.y + 1, limit: inner.right, style: theme.dim, ellipsis: theme.ellipsis)
            return
        }
        for (offset, verdict) in tags.dropFirst(listScroll).prefix(inner.height - 1).enumerated() {
            let y = inner.y + 1 + offset
            let record = inventory?.manifests[verdict.digest]
            let verdictClass = VerdictClass(verdict.reason)
            var style = theme.style(verdictClass)
            if verdict.tag == selectedTag {
                buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: theme.selection)
                style = style.patched(with: theme.selection)
            }
            let cells = columns.map { column -> (TableColumn, String) in
                switch column.id {
                case .glyph: return (column, verdictClass.glyph(unicode: theme.unicode))
                case .name: return (column, verdict.tag)
                case .lock: return (column, BrowserFormat.lock(inventory?.lock(ofTag: verdict.tag) ?? .none))
                case .digest: return (column, verdict.digest.short)
                case .age: return (column, BrowserFormat.age(verdict.time.date, now: plan.now))
                case .created: return (column, BrowserFormat.day(verdict.time.date))
                case .size: return (column, BrowserFormat.size(record?.totalSize))
                case .platforms: return (column, BrowserFormat.platforms(record?.platforms ?? []))
                case .rule: return (column, verdict.rule ?? "")
                default: return (column, verdict.reason.label)
                }
            }
            TableColumn.draw(cells, into: &buffer, x: inner.x, y: y, style: style, ellipsis: theme.ellipsis)
        }
    }

    /// The RULE column, when the plan comes from a policy file: which rule decided each row.
    var ruleColumns: [TableColumn] {
        plan.retention.namesRules ? [TableColumn(id: .rule, title: "RULE", width: 9)] : []
    }

    /// The LOCK column, where the registry has locks (ACR): elsewhere it would be empty on every row.
    static func lockColumns(_ inventory: RepositoryInventory?) -> [TableColumn] {
        inventory?.api == .acr ? [TableColumn(id: .lock, title: "LOCK", width: 4)] : []
    }

    /// The distinct manifests of the selected repository with their tags and verdicts.
    func renderManifests(into buffer: inout Buffer, _ rect: Rect, theme: Theme) {
        let manifests = visibleManifests
        let focused = focus == .list && context == .browse
        let inner = buffer.panel(
            rect, title: listTitle("Manifests", count: manifests.count),
            border: focused ? theme.focusedBorder : theme.unfocusedBorder, theme: theme)
        guard inner.height > 1 else { return }
        let inventory = selectedInventory
        let lockColumn = Self.lockColumns(inventory)
        let columns = TableColumn.fit(
            width: inner.width,
            required: [
                TableColumn(id: .glyph, title: "", width: 1), TableColumn(id: .digest, title: "DIGEST", width: 12),
                TableColumn(id: .tags, title: "TAGS", width: 10),
                TableColumn(id: .verdict, title: "VERDICT", width: 15),
            ] + ruleColumns,
            optional: lockColumn + [
                TableColumn(id: .kind, title: "KIND", width: 5),
                TableColumn(id: .age, title: "AGE", width: 4, alignment: .right),
                TableColumn(id: .size, title: "SIZE", width: 8, alignment: .right),
                TableColumn(id: .platforms, title: "PLATFORMS", width: 11),
            ],
            stretch: .tags, order: [.glyph, .digest, .kind, .lock, .tags, .age, .size, .platforms, .rule, .verdict])
        TableColumn.draw(
            columns.map { ($0, $0.title) }, into: &buffer, x: inner.x, y: inner.y, style: theme.columnHeader,
            ellipsis: theme.ellipsis)
        if renderListPlaceholder(into: &buffer, inner, theme: theme) { return }
        if manifests.isEmpty {
            buffer.write(
                "No manifests.", x: inner.x, y: inner.y + 1, limit: inner.right, style: theme.dim,
                ellipsis: theme.ellipsis)
            return
        }
        for (offset, verdict) in manifests.dropFirst(listScroll).prefix(inner.height - 1).enumerated() {
            let y = inner.y + 1 + offset
            let record = inventory?.manifests[verdict.digest]
            let verdictClass = VerdictClass(verdict.reason)
            var style = theme.style(verdictClass)
            if verdict.digest == selectedManifest {
                buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: theme.selection)
                style = style.patched(with: theme.selection)
            }
            let tags: String
            if !verdict.tags.isEmpty {
                tags = verdict.tags.joined(separator: ", ")
            } else if inventory?.isReferrersIndex(verdict.digest) == true {
                // Tagged by its `sha256-<hex>` referrer tag, not untagged.
                tags = "(referrers index)"
            } else {
                tags = verdict.isReferrer ? "(referrer)" : "(untagged)"
            }
            let cells = columns.map { column -> (TableColumn, String) in
                switch column.id {
                case .glyph: return (column, verdictClass.glyph(unicode: theme.unicode))
                case .digest: return (column, verdict.digest.short)
                case .kind: return (column, verdict.kind.rawValue)
                case .lock: return (column, BrowserFormat.lock(record?.lock ?? .none))
                case .tags: return (column, tags)
                case .age: return (column, BrowserFormat.age(record?.time.date, now: plan.now))
                case .size: return (column, BrowserFormat.size(record?.totalSize))
                case .platforms: return (column, BrowserFormat.platforms(record?.platforms ?? []))
                case .rule: return (column, verdict.rule ?? "")
                default: return (column, verdict.reason.label)
                }
            }
            TableColumn.draw(cells, into: &buffer, x: inner.x, y: y, style: style, ellipsis: theme.ellipsis)
        }
    }
}
