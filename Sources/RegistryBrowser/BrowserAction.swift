/// What a key binding does. `update` carries actions out; the key table maps keys to them.
public enum BrowserAction: Sendable, Hashable {
    case moveUp
    case moveDown
    case pageUp
    case pageDown
    case moveToTop
    case moveToBottom
    case switchPane
    case open
    case back
    case quit
    case forceQuit
    case suspend
    case redraw
    case help
    case search
    case sort
    case mark
    case compose
    case toggleManifests
    case delete
    case export
    case refresh

    // The composer.
    case nextField
    case previousField
    case closeComposer
    case cancelComposer
    case toggleField
    case clearField
    case cursorLeft
    case cursorRight
    case cursorHome
    case cursorEnd
    case deleteBackward
    case deleteForward

    // A policy file's rule list.
    case previousRule
    case nextRule
    case addRule
    case removeRule
    case moveRuleUp
    case moveRuleDown
    /// Write the rules back to the policy file (after showing the diff).
    case writePolicy

    // Search.
    case acceptSearch
    case cancelSearch

    // The confirm dialogs.
    case confirm
    case cancel
    case switchButton
    case activateButton

    // While deleting.
    case interrupt

    // Overlays.
    case closeOverlay
    case nextFormat
    case previousFormat
}
