"""Copies the files git tracks into DEST, less what .dockerignore leaves
out of the Docker build context, matched as Docker matches its lines:
each against the path and its parent folders, `*` and `?` within one
path component, `**` across any, `!` bringing back, the last match
deciding."""

import os
import re
import shutil
import subprocess
import sys


def pattern(line):
    p = line.strip("/")
    rx = ""
    i = 0
    while i < len(p):
        if p.startswith("**/", i):
            rx, i = rx + "(?:.*/)?", i + 3
        elif p.startswith("**", i):
            rx, i = rx + ".*", i + 2
        elif p[i] == "*":
            rx, i = rx + "[^/]*", i + 1
        elif p[i] == "?":
            rx, i = rx + "[^/]", i + 1
        else:
            rx, i = rx + re.escape(p[i]), i + 1
    return re.compile(rx + r"\Z")


def main(dest):
    rules = []
    with open(".dockerignore") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                neg = line.startswith("!")
                rules.append((neg, pattern(line[1:] if neg else line)))

    def excluded(path):
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        out = False
        for neg, rx in rules:
            if neg == out and any(rx.match(q) for q in prefixes):
                out = not neg
        return out

    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for f in filter(None, listed.split("\0")):
        if os.path.isfile(f) and not excluded(f):
            os.makedirs(os.path.join(dest, os.path.dirname(f)), exist_ok=True)
            shutil.copy2(f, os.path.join(dest, f))


if __name__ == "__main__":
    main(sys.argv[1])
