"""`python -m ddbwizard`."""

import sys

from ddbwizard.cli import main

sys.exit(main())
