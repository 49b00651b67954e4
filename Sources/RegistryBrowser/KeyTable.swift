import TUICore

/// The one table of key bindings: dispatch, the footer hints and the help overlay all read it.
public enum KeyTable {
    private static let everywhere = Set(KeyContext.allCases)
    private static let lists: Set<KeyContext> = [.browse, .help, .result, .export, .writePolicy]

    /// Every binding; the order is the order of the footer hints and of the help overlay.
    public static let bindings: [KeyBinding] = [
        // Browsing: the footer shows these hints, as many as fit, in this order.
        KeyBinding([.character("?")], .help, "show this help", hint: "help", in: [.browse]),
        KeyBinding([.character("q")], .quit, "quit", hint: "quit", in: [.browse]),
        KeyBinding(
            [.character("f"), .character(":")], .compose, "edit the purge filter; the plan follows every keystroke",
            hint: "filter", in: [.browse]),
        KeyBinding(
            [.character("D")], .delete, "delete what the plan shows (asks first; blocked with --read-only)",
            hint: "delete", in: [.browse]),
        KeyBinding(
            [.character(" ")], .mark, "mark a tag by hand: add it to the plan, or take it out", hint: "mark",
            in: [.browse]),
        KeyBinding([.character("/")], .search, "search the focused list", hint: "search", in: [.browse]),
        KeyBinding([.character("s")], .sort, "sort the focused list by name, age or size", hint: "sort", in: [.browse]),
        KeyBinding(
            [.character("m")], .toggleManifests, "show the repository's manifests instead of its tags, and back",
            hint: "manifests", in: [.browse]),
        KeyBinding(
            [.character("e")], .export, "export the policy: acr purge, az acr task, Terraform, cron", hint: "export",
            in: [.browse]),
        KeyBinding([.up, .character("k")], .moveUp, "move up", in: lists),
        KeyBinding([.down, .character("j")], .moveDown, "move down", in: lists),
        KeyBinding([.pageUp], .pageUp, "page up", in: lists),
        KeyBinding([.pageDown], .pageDown, "page down", in: lists),
        KeyBinding([.home, .character("g")], .moveToTop, "go to the top", in: lists),
        KeyBinding([.end, .character("G")], .moveToBottom, "go to the bottom", in: lists),
        KeyBinding([.tab, .backTab], .switchPane, "switch between the repositories and the tags", in: [.browse]),
        KeyBinding([.enter, .right, .character("l")], .open, "open the selected repository's tags", in: [.browse]),
        KeyBinding(
            [.escape, .left, .character("h")], .back, "back out: clear the search, return to the repositories",
            in: [.browse]),
        KeyBinding([.character("r"), .ctrl("r")], .refresh, "reload everything from the registry", in: [.browse]),
        KeyBinding(
            [.character("w")], .writePolicy,
            "write the rules back to the policy file (browse --policy FILE); shows the diff first", hint: "write",
            in: [.rules]),
        KeyBinding(
            [.character("w")], .writePolicy,
            "write the rules back to the policy file (browse --policy FILE); shows the diff first", in: [.browse]),

        // A policy file's rule list: the composer's first row.
        KeyBinding([.up, .character("k")], .previousRule, "select the rule before", in: [.rules]),
        KeyBinding([.down, .character("j")], .nextRule, "select the rule after", in: [.rules]),
        KeyBinding([.character("a")], .addRule, "add a delete rule after the selected one", hint: "add", in: [.rules]),
        KeyBinding(
            [.character("d"), .character("x"), .delete], .removeRule, "remove the selected rule", hint: "remove",
            in: [.rules]),
        KeyBinding(
            [.character("K")], .moveRuleUp, "move the selected rule up: earlier rules decide first", hint: "up",
            in: [.rules]),
        KeyBinding([.character("J")], .moveRuleDown, "move the selected rule down", hint: "down", in: [.rules]),
        KeyBinding([.tab], .nextField, "edit the selected rule: its name, then its fields", hint: "edit", in: [.rules]),
        KeyBinding([.backTab], .previousField, "previous field", in: [.rules]),

        // The composer: printable keys are typed into the focused field.
        KeyBinding([.tab, .down], .nextField, "next field", hint: "next field", in: [.composer]),
        KeyBinding([.backTab, .up], .previousField, "previous field", in: [.composer]),
        KeyBinding(
            [.character(" ")], .toggleField, "switch on or off (in a text field, a space separates patterns)",
            hint: "toggle", in: [.composer]),
        KeyBinding(
            [.enter], .closeComposer, "keep the filter and close the composer", hint: "done", in: [.composer, .rules]),
        KeyBinding(
            [.escape], .cancelComposer, "undo this edit and close the composer", hint: "undo", in: [.composer, .rules]),
        KeyBinding([.left], .cursorLeft, "move the cursor left", in: [.composer]),
        KeyBinding([.right], .cursorRight, "move the cursor right", in: [.composer]),
        KeyBinding([.home, .ctrl("a")], .cursorHome, "cursor to the start of the field", in: [.composer]),
        KeyBinding([.end, .ctrl("e")], .cursorEnd, "cursor to the end of the field", in: [.composer]),
        KeyBinding(
            [.backspace], .deleteBackward, "delete the character before the cursor", in: [.composer, .search, .confirm]),
        KeyBinding([.delete], .deleteForward, "delete the character under the cursor", in: [.composer]),
        KeyBinding([.ctrl("u")], .clearField, "clear the field", in: [.composer, .search]),
        KeyBinding([.function(1)], .help, "show this help (? is typed: regexes use it)", hint: "help", in: [.composer]),
        KeyBinding([.function(1), .character("?")], .help, "show this help", in: [.rules]),

        // Search.
        KeyBinding([.enter], .acceptSearch, "keep the search and go back to the list", hint: "keep", in: [.search]),
        KeyBinding([.escape], .cancelSearch, "clear the search", hint: "clear", in: [.search]),

        // The delete confirmation: it opens on Cancel.
        KeyBinding(
            [.character("y")], .confirm, "delete, when 10 items or fewer go (else type the count and enter)",
            hint: "delete", in: [.confirm]),
        KeyBinding(
            [.character("n"), .escape], .cancel, "cancel: nothing is deleted", hint: "cancel", in: [.confirm]),
        KeyBinding(
            [.tab, .backTab, .left, .right], .switchButton, "move between Cancel and Delete", in: [.confirm]),
        KeyBinding(
            [.enter], .activateButton, "press the focused button (or confirm the typed count)", in: [.confirm]),

        // While deleting.
        KeyBinding(
            [.ctrl("c"), .escape, .character("x")], .interrupt, "stop the deletion after the current item (asks first)",
            hint: "stop", in: [.progress]),
        KeyBinding(
            [.character("y")], .confirm, "stop after the current item", hint: "stop", in: [.interrupt]),
        KeyBinding(
            [.character("n"), .escape], .cancel, "keep deleting", hint: "keep deleting", in: [.interrupt]),

        // Export.
        KeyBinding([.tab, .right], .nextFormat, "next format", hint: "next format", in: [.export]),
        KeyBinding([.backTab, .left], .previousFormat, "previous format", in: [.export]),

        // Writing a policy file back.
        KeyBinding(
            [.character("y"), .enter], .confirm, "write the file as the diff shows", hint: "write", in: [.writePolicy]),
        KeyBinding(
            [.character("n"), .escape], .cancel, "do not write: the rules stay edited in the browser", hint: "cancel",
            in: [.writePolicy]),

        // Closing overlays.
        KeyBinding(
            [.escape, .character("q"), .enter, .character("?")], .closeOverlay, "close", hint: "close",
            in: [.help, .result, .export]),

        // Everywhere.
        KeyBinding(
            [.ctrl("c")], .forceQuit, "quit (a running deletion must be stopped first)",
            in: everywhere.subtracting([.progress, .interrupt])),
        KeyBinding([.ctrl("z")], .suspend, "suspend to the shell; fg comes back", in: everywhere),
        KeyBinding([.ctrl("l")], .redraw, "redraw the screen", in: everywhere),
    ]

    /// The binding for `key` in `context`, if any.
    public static func binding(for key: Key, in context: KeyContext) -> KeyBinding? {
        bindings.first { $0.contexts.contains(context) && $0.keys.contains(key) }
    }

    /// The bindings that work in `context`, in table order.
    public static func bindings(in context: KeyContext) -> [KeyBinding] {
        bindings.filter { $0.contexts.contains(context) }
    }

    /// The footer hints for `context`: first key and hint word, in table order.
    public static func hints(in context: KeyContext, unicode: Bool) -> [(key: String, hint: String)] {
        bindings(in: context).compactMap { binding in
            guard let hint = binding.hint, let key = binding.keys.first else { return nil }
            return (unicode ? key.description : key.asciiDescription, hint)
        }
    }
}
