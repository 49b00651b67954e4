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
