"""The developer's stack behind `make run` and `make test`: finds or starts Postgres and Redis
for this checkout, then runs the app or the checks. Not part of the deployed app (see
commands.py for what each command does).
"""
