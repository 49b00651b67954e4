#ifndef REGSWEEP_CNCURSESW_SHIM_H
#define REGSWEEP_CNCURSESW_SHIM_H
/* SwiftPM drops pkg-config's -D_XOPEN_SOURCE=600, and a cSettings define does not reach the Swift
 * importer, so the wide-character API (wget_wch, cchar_t, setcchar) must be switched on here. */
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ncursesw/curses.h>

/* Everything below is a `static inline` shim with the `rs_` prefix. Swift cannot import cast macros
 * (A_BOLD, ...), function-like macros (getmaxyx, COLOR_PAIR) or use C mutable globals (stdscr, COLORS,
 * stdout) in Swift 6 language mode, so each one gets a tiny function. The prefix keeps them apart from
 * the real curses names and makes every crossing from Swift into a shim easy to find. */

/* --- globals ---------------------------------------------------------------------------------- */

static inline WINDOW *rs_stdscr(void) { return stdscr; }
static inline int rs_colors(void) { return COLORS; }
static inline int rs_color_pairs(void) { return COLOR_PAIRS; }
static inline FILE *rs_stdout(void) { return stdout; }
static inline FILE *rs_stdin(void) { return stdin; }

/* --- geometry (getmaxyx is a macro) ----------------------------------------------------------- */

static inline int rs_getmaxy(void) { return getmaxy(stdscr); }
static inline int rs_getmaxx(void) { return getmaxx(stdscr); }

/* --- attributes (NCURSES_BITS casts do not import) -------------------------------------------- */

static inline attr_t rs_a_normal(void) { return A_NORMAL; }
static inline attr_t rs_a_bold(void) { return A_BOLD; }
static inline attr_t rs_a_dim(void) { return A_DIM; }
static inline attr_t rs_a_underline(void) { return A_UNDERLINE; }
static inline attr_t rs_a_reverse(void) { return A_REVERSE; }
static inline attr_t rs_a_italic(void) { return A_ITALIC; }
static inline attr_t rs_color_pair(int pair) { return (attr_t)COLOR_PAIR(pair); }

/* --- bool-taking calls (curses' `bool` is a typedef that imports inconsistently) --------------- */

static inline int rs_keypad(int enable) { return keypad(stdscr, enable ? TRUE : FALSE); }
static inline int rs_clearok(int enable) { return clearok(stdscr, enable ? TRUE : FALSE); }
static inline int rs_has_colors(void) { return has_colors() ? 1 : 0; }

/* --- wide characters -------------------------------------------------------------------------- */

/* Returned by rs_put_wide when setcchar rejects the text (distinct from ERR, which mvadd_wch also
 * returns after writing the bottom-right cell because the cursor cannot advance past it). */
#define RS_REJECTED_TEXT (-2)

/* Puts one grapheme (a spacing wchar_t plus up to CCHARW_MAX-1 non-spacing ones, NUL-terminated) at
 * (y, x) with the given attributes and colour pair. Returns RS_REJECTED_TEXT when setcchar refuses the
 * sequence (an emoji ZWJ sequence holds several spacing characters), so the caller can retry with the
 * base character alone. */
static inline int rs_put_wide(int y, int x, const wchar_t *text, attr_t attributes, int pair) {
    cchar_t cell;
    memset(&cell, 0, sizeof(cell));
    if (setcchar(&cell, text, attributes, (NCURSES_PAIRS_T)pair, NULL) == ERR) {
        return RS_REJECTED_TEXT;
    }
    return mvadd_wch(y, x, &cell);
}

/* The C library's column width of one character (what curses assumes), -1 if unprintable. Declared
 * here because <wchar.h> hides wcwidth unless _XOPEN_SOURCE is defined before any system header. */
extern int wcwidth(wchar_t c);
static inline int rs_wcwidth(wchar_t c) { return wcwidth(c); }

/* --- locale and signals ----------------------------------------------------------------------- */

/* 1 when the current LC_CTYPE encodes UTF-8 (call after setlocale), else 0. */
static inline int rs_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/* `struct sigaction` differs between Glibc and Darwin and its handler is a union member; installing
 * through C keeps the Swift side portable. `old` receives the previous action. A signal that is
 * ignored (nohup ignores SIGHUP) was ignored on purpose and is left alone.
 * Returns 1 when the handler was installed, 0 when the signal is ignored and was left so, -1 on error. */
static inline int rs_install_signal_handler(int signal_number, void (*handler)(int), struct sigaction *old) {
    if (sigaction(signal_number, NULL, old) != 0) {
        return -1;
    }
    if (old->sa_handler == SIG_IGN) {
        return 0;
    }
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    return sigaction(signal_number, &action, NULL) == 0 ? 1 : -1;
}

/* Reinstalls an action saved by rs_install_signal_handler. */
static inline int rs_restore_signal_handler(int signal_number, const struct sigaction *saved) {
    return sigaction(signal_number, saved, NULL);
}

#endif
