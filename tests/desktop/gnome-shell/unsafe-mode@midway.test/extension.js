// Only ever enabled by tests/desktop/gnome-shell/run-gnome-shell.sh, in a
// throwaway headless shell: Screenshot and Eval answer callers other than
// the shell's own tools only in unsafe mode.
// SPDX-License-Identifier: GPL-2.0-or-later
/* exported init */

class Extension {
    enable() {
        global.context.unsafe_mode = true;
    }

    disable() {
        global.context.unsafe_mode = false;
    }
}

function init() {
    return new Extension();
}
