#!/usr/bin/env python
"""Django's manage.py; the installed ``zhenggai`` console script does the same."""

from zhenggai.cli import main

if __name__ == "__main__":
    main()
