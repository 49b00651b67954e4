import TUICore

/// Where each part of the browse screen goes for a terminal size; panes follow the size.
///
/// From top to bottom: a two-row header, the panes, the selected row's reason, the plan's totals and
/// the key hints. Below 160 columns the details sit under the list; from 160 they get a column of their
/// own. While the composer is open it takes the bottom of the pane area and the details make room.
struct BrowserLayout: Equatable {
    var header: Rect
    var repositories: Rect
    var list: Rect
    var details: Rect
    var composer: Rect
    var reason: Rect
    var status: Rect
    var footer: Rect

    /// Rows of the composer box: three rows of fields, two of errors, the border.
    static let composerHeight = 7
    /// A policy file's composer adds the rule list and the rule's name and action.
    static let policyComposerHeight = 9
    /// From this width on the details pane becomes a third column.
    static let wideWidth = 160

    /// The layout with a composer of `composerHeight` rows open (0: closed).
    init(size: Size, composerHeight: Int) {
        let composing = composerHeight > 0
        let rows = Rect(size: size).rows([.length(2), .fill, .length(1), .length(1), .length(1)])
        header = rows[0]
        reason = rows[2]
        status = rows[3]
        footer = rows[4]
        var panes = rows[1]
        composer = Rect(x: 0, y: panes.bottom, width: 0, height: 0)
        if composing {
            let split = panes.rows([.fill, .length(composerHeight)])
            panes = split[0]
            composer = split[1]
        }
        let repositoryWidth = min(32, max(24, size.width / 4))
        if size.width >= Self.wideWidth {
            let columns = panes.columns([.length(repositoryWidth), .fill, .length(48)])
            repositories = columns[0]
            list = columns[1]
            details = columns[2]
        } else {
            let columns = panes.columns([.length(repositoryWidth), .fill])
            repositories = columns[0]
            let detailsHeight = composing || panes.height < 16 ? 0 : max(8, panes.height * 2 / 5)
            let right = columns[1].rows([.fill, .length(detailsHeight)])
            list = right[0]
            details = right[1]
        }
    }

    /// How many items a list pane shows: its height less the border and the column header.
    static func itemRows(_ rect: Rect) -> Int {
        max(1, rect.height - 3)
    }
}
