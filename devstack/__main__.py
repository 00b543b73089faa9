"""`python -m devstack run | test [pytest args...] | bench | backup | restore`: see
devstack/commands.py."""

import sys

from devstack.commands import main

sys.exit(main())
