#!/usr/bin/env python3
"""Re-runs every command shown in README.md and compares its output.

Each ```console block of README.md holds lines `$ COMMAND` followed by the
output that command printed (stdout and stderr together). This script runs each
command from the repository root with bash and reports every block whose output
differs; timings in `eval` summaries are ignored. With --fix it writes the new
outputs into README.md instead. Run it after `bash scripts/demo`, which builds
build/release/tools/warden and writes the files the commands use.

    python3 scripts/check_readme.py [--fix]

Standard library only. Exit code 0 when every output matches (or was fixed),
1 otherwise.
"""

import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
TIMING = re.compile(r"[0-9.]+ s on [0-9]+ threads?, [0-9.]+ checks/s")


def commands(text):
    """Yields (command, expected output lines) for every console block."""
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        current = None
        for line in block.splitlines():
            if line.startswith("$ "):
                if current:
                    yield current
                current = (line[2:], [])
            elif current:
                current[1].append(line)
        if current:
            yield current


def run(command):
    result = subprocess.run(["bash", "-c", command + " 2>&1"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    out = result.stdout.rstrip("\n")
    return out.split("\n") if out else []


def normalise(lines):
    return [TIMING.sub("TIMING", line) for line in lines]


def main(argv):
    parser = argparse.ArgumentParser(
        description="Re-runs the commands of README.md and compares outputs.")
    parser.add_argument("--fix", action="store_true",
                        help="write the new outputs into README.md")
    args = parser.parse_args(argv)

    with open(README, encoding="utf-8") as f:
        text = f.read()
    mismatches = 0
    for command, expected in list(commands(text)):
        got = run(command)
        if normalise(got) == normalise(expected):
            continue
        mismatches += 1
        print(f"differs: $ {command}")
        for line in expected:
            print(f"  - {line}")
        for line in got:
            print(f"  + {line}")
        if args.fix:
            old = "\n".join([f"$ {command}"] + expected) + "\n"
            new = "\n".join([f"$ {command}"] + got) + "\n"
            if text.count(old) != 1:
                print("  cannot fix: the block is not unique", file=sys.stderr)
                continue
            text = text.replace(old, new)
    if args.fix:
        with open(README, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"check_readme: {mismatches} output(s) rewritten")
        return 0
    print(f"check_readme: {mismatches} output(s) differ")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
