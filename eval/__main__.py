"""`python -m eval [...]`: the same as `assistant eval [...]`."""

import sys

from assistant.evaluation.runner import main

sys.exit(main(sys.argv[1:]))
