"""Start the web chat on the embedded defaults: `python app.py [--host H] [--port P]`.

Ingests corpus/ first when the index is missing or stale.
"""

import sys

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
