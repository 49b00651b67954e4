import Foundation
import Purge
import TUICore
import Testing

@testable import RegistryBrowser

@Suite("Rendering: golden frames and styles")
struct RenderTests {
    @Test("every screen matches its reviewed frame", arguments: Screens.all.map(\.0))
    func golden(name: String) throws {
        let make = try #require(Screens.all.first { $0.0 == name }?.1)
        let expected = try #require(GoldenFrames.frames[name])
        let actual = make().lines
        // GOLDEN_DUMP=/some/folder writes each frame as Swift lines, to review and paste after a
        // deliberate change of the layout.
        if let folder = ProcessInfo.processInfo.environment["GOLDEN_DUMP"] {
            let literal = actual.map { "#\"\($0)\"#," }.joined(separator: "\n")
            try literal.write(toFile: "\(folder)/\(name).txt", atomically: true, encoding: .utf8)
        }
        #expect(actual.count == expected.count)
        for (row, (got, want)) in zip(actual, expected).enumerated() {
            #expect(got == want, "row \(row) of \(name)")
        }
    }

    @Test("the frame has the terminal's size at 80×24 and larger")
    func sizes() {
        for (width, height) in [(80, 24), (100, 30), (132, 43), (200, 60)] {
            let frame = BrowserFixture.model(width: width, height: height).frame()
            #expect(frame.width == width && frame.height == height)
            #expect(frame.lines().contains { $0.contains("Tags of my-app (6)") })
            #expect(frame.lines().contains { $0.contains("Plan: 4 tags and 3 manifests to delete in 1 repository") })
        }
    }

    @Test("below the minimum size the frame says so instead of drawing panes")
    func tooSmall() {
        var model = BrowserFixture.model(width: 79, height: 24)
        #expect(model.screen.contains("Terminal too small: 79×24"))
        #expect(!model.screen.contains("Repositories"))
        _ = model.send(.resized(Size(width: 80, height: 23)))
        #expect(model.screen.contains("Terminal too small: 80×23"))
        _ = model.send(.resized(Size(width: 80, height: 24)))
        #expect(model.screen.contains("Repositories (2)"))
    }

    /// The row of `text` in the frame, and the column where it starts.
    static func position(of text: String, in frame: Buffer) -> (x: Int, y: Int)? {
        for (row, line) in frame.lines().enumerated() {
            if let range = line.range(of: text) {
                return (DisplayWidth.of(String(line[..<range.lowerBound])), row)
            }
        }
        return nil
    }

    @Test("rows are coloured by verdict and stay distinguishable without colour")
    func verdictStyles() throws {
        let model = Screens.browse()
        let frame = model.frame()
        let deleted = try #require(Self.position(of: "3.0.0", in: frame))
        let kept = try #require(Self.position(of: "prod ", in: frame))
        let deleteStyle = try #require(frame.style(atX: deleted.x, y: deleted.y))
        let keptStyle = try #require(frame.style(atX: kept.x, y: kept.y))
        #expect(deleteStyle.foreground == .red)
        #expect(deleteStyle.attributes.contains(.bold))
        #expect(keptStyle.attributes.contains(.dim))
        // Without colour, attributes still differ (bold vs dim), and so do the glyph and the word.
        #expect(deleteStyle.adapted(to: .monochrome) != keptStyle.adapted(to: .monochrome))
        #expect(frame.lines()[deleted.y].contains("✗ 3.0.0") && frame.lines()[deleted.y].contains("delete"))
        #expect(frame.lines()[kept.y].contains("· prod") && frame.lines()[kept.y].contains("not matched"))
    }

    @Test("every verdict class has its own glyph and its own monochrome look or word")
    func verdictClassesDistinct() {
        let theme = Theme(unicode: true)
        for unicode in [true, false] {
            let glyphs = VerdictClass.allCases.map { $0.glyph(unicode: unicode) }
            #expect(Set(glyphs).count == glyphs.count, "glyphs (unicode: \(unicode))")
        }
        let names = VerdictClass.allCases.map(\.name)
        #expect(Set(names).count == names.count)
        let deleteLook = theme.style(.delete).adapted(to: .monochrome)
        for verdict in VerdictClass.allCases where verdict != .delete {
            #expect(theme.style(verdict).adapted(to: .monochrome) != deleteLook, "\(verdict) looks like delete")
        }
    }

    @Test("the selected row is highlighted; without colour the highlight turns into reverse video")
    func selection() throws {
        let frame = Screens.browse().frame()
        let selected = try #require(Self.position(of: "4.0.0", in: frame))
        let style = try #require(frame.style(atX: selected.x, y: selected.y))
        #expect(style.background == .indexed(238))
        #expect(style.adapted(to: .monochrome).attributes.contains(.reverse))
        let other = try #require(Self.position(of: "3.0.0", in: frame))
        #expect(frame.style(atX: other.x, y: other.y)?.background == nil)
    }

    @Test("the focused pane's border is bold, the other's dim")
    func focus() throws {
        let browse = Screens.browse().frame()
        let tagsTitle = try #require(Self.position(of: "Tags of my-app", in: browse))
        let reposTitle = try #require(Self.position(of: "Repositories", in: browse))
        #expect(browse.style(atX: tagsTitle.x - 2, y: tagsTitle.y)?.attributes.contains(.bold) == true)
        #expect(browse.style(atX: reposTitle.x - 2, y: reposTitle.y)?.attributes.contains(.dim) == true)
    }

    @Test("the confirmation opens with the focus on Cancel")
    func confirmFocus() throws {
        let frame = Screens.confirm().frame()
        let cancel = try #require(Self.position(of: "[ Cancel ]", in: frame))
        let delete = try #require(Self.position(of: "[ Delete ]", in: frame))
        #expect(frame.style(atX: cancel.x + 2, y: cancel.y)?.attributes.contains(.reverse) == true)
        #expect(frame.style(atX: delete.x + 2, y: delete.y)?.attributes.contains(.reverse) == false)
    }

    @Test("an invalid regex is underlined in red where the error is")
    func errorColumn() throws {
        let frame = Screens.composerError().frame()
        let field = try #require(Self.position(of: "my-app:^((?!prod|dev).)*$[", in: frame))
        let bracket = try #require(frame.style(atX: field.x + 25, y: field.y))
        #expect(bracket.foreground == .red)
        #expect(bracket.attributes.contains(.underline))
        #expect(frame.lines()[field.y].contains("$["))
    }

    @Test("the read-only badge and the header bar survive monochrome")
    func readOnlyBadge() throws {
        let frame = BrowserFixture.model(readOnly: true, width: 80, height: 24).frame()
        let badge = try #require(Self.position(of: "READ-ONLY", in: frame))
        #expect(badge.y == 0)
        let style = try #require(frame.style(atX: badge.x, y: badge.y))
        #expect(style.adapted(to: .monochrome).attributes.isSuperset(of: [.reverse, .bold, .underline]))
        #expect(frame.style(atX: 1, y: 1)?.adapted(to: .monochrome).attributes.contains(.reverse) == true)
    }

    @Test("ASCII terminals get no Unicode at all")
    func asciiOnly() {
        for (name, make) in Screens.all where name != "tooSmall" {
            var model = make()
            guard !model.configuration.supportsUnicode else { continue }
            model.press(.character("?"))
            #expect(model.screen.unicodeScalars.allSatisfy { $0.isASCII }, "\(name)")
        }
        let ascii = Screens.browse(unicode: false)
        #expect(ascii.screen.unicodeScalars.allSatisfy { $0.isASCII })
    }
}
