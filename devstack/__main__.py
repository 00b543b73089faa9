"""`python -m devstack run | test [pytest args...]`: see devstack/commands.py."""

import sys

from devstack.commands import main

sys.exit(main())
