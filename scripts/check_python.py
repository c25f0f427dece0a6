"""Fail with one clear line when the interpreter is too old for the course.

Written so that even a very old Python can parse it (no f-strings, no annotations).
"""
import sys

if sys.version_info < (3, 10):
    sys.stderr.write(
        "Backprop by Hand needs Python 3.10 or newer; this is Python %d.%d "
        "(set PYTHON=python3.11, for example: make test PYTHON=python3.11)\n"
        % sys.version_info[:2]
    )
    sys.exit(1)
