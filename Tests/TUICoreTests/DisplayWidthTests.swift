import TUICore
import Testing

@Suite("DisplayWidth")
struct DisplayWidthTests {
    @Test(
        "column widths of text",
        arguments: [
            ("", 0),
            ("abc", 3),
            ("regsweep:1.2.3", 14),
            ("日本語", 6),
            ("한국어", 6),
            ("ｈｉ", 4),  // fullwidth Latin
            ("カタカナ", 8),
            ("e\u{301}", 1),  // e + combining acute accent, one grapheme
            ("cafe\u{301}!", 5),
            ("👍", 2),
            ("👍🏽", 2),  // skin tone modifier
            ("👨‍👩‍👧", 2),  // ZWJ family
            ("🇩🇪", 2),  // flag: two regional indicators
            ("❤️", 2),  // text-default symbol + VS16
            ("❤", 1),  // same symbol without VS16
            ("a\u{200B}b", 2),  // zero-width space
            ("\u{301}", 0),  // lone combining mark
            ("tab\there", 7),  // control characters take no column
            ("αβγ", 3),
            ("x日y", 4),
        ] as [(String, Int)]
    )
    func widthOfString(text: String, expected: Int) {
        #expect(DisplayWidth.of(text) == expected)
        #expect(text.displayWidth == expected)
    }

    @Test("single scalars", arguments: [("a", 1), ("\u{0}", 0), ("\u{7F}", 0), ("中", 2), ("\u{1160}", 0), ("😀", 2)])
    func widthOfScalar(text: String, expected: Int) throws {
        let scalar = try #require(text.unicodeScalars.first)
        #expect(DisplayWidth.of(scalar) == expected)
    }

    @Test(
        "truncation with ellipsis",
        arguments: [
            ("library/nginx", 20, "library/nginx"),
            ("library/nginx", 13, "library/nginx"),
            ("library/nginx", 12, "library/ngi…"),
            ("library/nginx", 1, "…"),
            ("library/nginx", 0, ""),
            ("日本語テキスト", 7, "日本語…"),
            ("日本語テキスト", 6, "日本…"),  // 日本語 would need 7 columns with the ellipsis
            ("ab👍cd", 4, "ab…"),  // the emoji would straddle the limit
        ] as [(String, Int, String)]
    )
    func truncate(text: String, width: Int, expected: String) {
        let result = DisplayWidth.truncate(text, toWidth: width)
        #expect(result == expected)
        #expect(DisplayWidth.of(result) <= width)
    }

    @Test("ASCII ellipsis fallback")
    func asciiEllipsis() {
        #expect(DisplayWidth.truncate("sha256:abcdef", toWidth: 8, ellipsis: DisplayWidth.asciiEllipsis) == "sha256:~")
    }

    @Test("an ellipsis wider than the space is left out")
    func ellipsisTooWide() {
        #expect(DisplayWidth.truncate("abcdef", toWidth: 2, ellipsis: "...") == "ab")
    }

    @Test(
        "padding to a width",
        arguments: [
            ("ab", TextAlignment.left, "ab   "),
            ("ab", TextAlignment.right, "   ab"),
            ("ab", TextAlignment.center, " ab  "),
            ("日本", TextAlignment.left, "日本 "),
            ("abcdefg", TextAlignment.left, "abcd…"),
        ]
    )
    func pad(text: String, alignment: TextAlignment, expected: String) {
        let result = DisplayWidth.pad(text, toWidth: 5, alignment: alignment)
        #expect(result == expected)
        #expect(DisplayWidth.of(result) == 5)
    }
}
