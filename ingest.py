"""Ingest corpus files into the index: `python ingest.py [PATHS...] [--index DIR]`."""

import sys

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main(["ingest", *sys.argv[1:]]))
