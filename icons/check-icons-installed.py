#!/usr/bin/python3
# check-icons-installed.py BUILD_ROOT INDEX_THEME
#
# An icon installed under hicolor/ into a directory that the theme's
# index.theme does not list is never found by any icon lookup: a tray
# host then draws no item at all.  Reads what meson installs from the
# build's introspection data and checks each hicolor icon's directory.
#
# SPDX-License-Identifier: GPL-2.0-or-later
import configparser
import json
import os
import sys

build_root, index_theme = sys.argv[1], sys.argv[2]
with open(os.path.join(build_root, 'meson-info', 'intro-installed.json')) as f:
    installed = json.load(f).values()

theme = configparser.ConfigParser(interpolation=None, strict=False)
theme.read(index_theme)
directories = set(theme['Icon Theme']['Directories'].split(','))
directories |= set(theme['Icon Theme'].get('ScaledDirectories', '').split(','))

icons = [p for p in installed if '/icons/hicolor/' in p]
if not icons:
    print('no icon is installed under hicolor/')
    sys.exit(1)
failed = False
for path in sorted(icons):
    directory = os.path.dirname(path.split('/icons/hicolor/', 1)[1])
    if directory in directories:
        print(f'ok: {path}')
    else:
        print(f'not in {index_theme}: {path} (directory {directory})')
        failed = True
sys.exit(1 if failed else 0)
